// Package drifttest holds what the real-API-server tests of several packages share: a fixture
// that applies manifests to a namespace of a kubeenv server and checks them, and the table of
// supported kinds with the kubectl change that makes each drift and the paths that must drift.
package drifttest
