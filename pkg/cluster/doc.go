// Package cluster reads live objects from a Kubernetes API server for the drift check: it
// connects (kubeconfig, context, in-cluster), maps kinds to resources, and fetches the live
// copies of many desired objects with as few requests as it can (one LIST per kind and
// namespace when several objects share them, a GET otherwise).
package cluster
