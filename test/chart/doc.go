// Package chart tests the Helm chart charts/gitops-drift with Helm's own Go library (no helm
// binary): `helm lint --strict`, the kustomize install rendered by the chart, and the chart
// rendered and applied to a real API server. It is a module of its own so that Helm's
// dependencies do not move the main module's.
package chart
