// Package kubeenv starts a real kube-apiserver and etcd (controller-runtime's envtest) from the
// binaries that `make kube-bins` builds, for tests and for the local demo cluster.
//
// Packages that need a server start one in TestMain with Main and give each test its own
// namespace with Env.Namespace. Under `go test -short` those packages skip their tests.
// Env.Freeze stops the kube-apiserver process (SIGSTOP) until thawed, to test what clients do
// while the control plane does not answer.
package kubeenv
