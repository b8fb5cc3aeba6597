// Package kubeenv starts a real kube-apiserver and etcd (controller-runtime's envtest) from the
// binaries that `make kube-bins` builds, for tests and for the local demo cluster.
//
// Packages that need a server start one in TestMain with Main and give each test its own
// namespace with Env.Namespace. Under `go test -short` those packages skip their tests.
package kubeenv
