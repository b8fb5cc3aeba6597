// Package app holds gitops-drift's commands: flag parsing into Options, validation, and the
// wiring of the packages under pkg/. It holds no drift logic of its own.
package app
