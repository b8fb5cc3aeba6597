// Package metricsauth guards the metrics server with the API server's own authentication
// and authorization, as kube-rbac-proxy and controller-runtime's metrics filter do: the
// caller's bearer token is authenticated with a TokenReview, and its request (the path as a
// non-resource URL, the lower-cased method as the verb) authorized with a
// SubjectAccessReview.
//
// It mirrors the semantics of k8s.io/apiserver's delegating authenticator and authorizer
// (bearer token parsing, the token and decision caches and their lifetimes, the retry of
// failed review calls) with client-go's two typed clients only: linking k8s.io/apiserver
// for them would bring cel-go, gRPC, OpenTelemetry and more into the binary.
package metricsauth
