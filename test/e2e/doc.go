// Package e2e drives the whole gitops-drift binary against a real API server with the real
// kubectl: the API server calls `gitops-drift serve` over TLS (certificates from package
// certs), registered by URL and caBundle. The tests build the binary in TestMain and skip
// under -short.
package e2e
