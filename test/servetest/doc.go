// Package servetest runs the gitops-drift binary's `serve` for tests of an install, the way a
// pod of the install runs it: built from this checkout, with the args of the install's
// Deployment, under a token of the install's ServiceAccount (TokenRequest), against a real API
// server (test/kubeenv). It waits for readiness and for log lines, stops the process, and
// finds the calls the API server refused in its output. It also calls serve's secure metrics
// server as the install's callers do: over HTTPS verified with the metrics certificate's CA,
// with the token of a ServiceAccount bound to one of the install's ClusterRoles. The
// kustomize install's tests (manifests/), the chart's (test/chart) and the monitoring tests
// (test/monitoring) share it.
package servetest
