// Package crddefault applies the defaults of a CustomResourceDefinition's structural schema
// to an object, and prunes the nulls and the defaults the API server prunes, as its custom
// resource handler does on a create.
//
// It is a copy of k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting at v0.37.2
// (the files algorithm.go, prune.go, prunenulls.go and surroundingobject.go and their tests,
// unchanged but for the package clause), without that package's validation.go: validating
// defaults needs the CEL environment, and importing the package links cel-go and its
// protobuf descriptors into every gitops-drift binary, 76 packages whose initialisation
// alone kept ~3 MB of the binary resident (DECISIONS.md, Performance). TestSameAsUpstream
// fails when the copy and the module gitops-drift builds with differ: copy the files again
// after a Kubernetes upgrade.
package crddefault
