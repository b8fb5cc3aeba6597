// Package servetest runs the gitops-drift binary's `serve` for tests of an install, the way a
// pod of the install runs it: built from this checkout, with the args of the install's
// Deployment, under a token of the install's ServiceAccount (TokenRequest), against a real API
// server (test/kubeenv). It waits for readiness and for log lines, stops the process, and
// finds the calls the API server refused in its output. The kustomize install's tests
// (manifests/) and the chart's (test/chart) share it.
package servetest
