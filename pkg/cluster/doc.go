// Package cluster reads live objects from a Kubernetes API server for the drift check: it
// connects (kubeconfig, context, in-cluster), maps kinds to resources, and fetches the live
// copies of many desired objects with as few requests as it can (one LIST per kind and
// namespace when several objects share them, a GET otherwise). A Reader does the same
// concurrently, reading client-go's kinds as protobuf where that gives exactly what JSON would,
// and can start before it is asked: the --once check reads while its manifests compile.
package cluster
