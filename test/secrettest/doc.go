// Package secrettest plays the attacker who reads gitops-drift's outputs (reports, logs,
// Events, warnings) in search of Secret values: it finds the redacted values shown and
// brute-forces their digits.
package secrettest
