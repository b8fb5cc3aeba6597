// Package normalize turns a desired object, as Git writes it, into the form the API server
// stores it in, so that pkg/diff can compare strictly: a desired false, 0, "" or {} that the
// server keeps is compared, and one the server drops is gone before the comparison.
//
// Built-in kinds make a round trip through their Go type from client-go's scheme, the way the
// API server decodes, stores (protobuf) and encodes them: values of non-pointer omitempty fields
// that are zero disappear (hostNetwork: false, clusterIP: "", nodePort: 0), pointer zeros, map
// entries and empty structs stay (allowPrivilegeEscalation: false, maxUnavailable: 0, a
// ConfigMap key whose value is "", emptyDir: {}), quantities, base64 and integers take their
// canonical form ("0.5" becomes "500m", wrapped binaryData is unwrapped). Fields Git does not
// set stay out, even those the Go types always write (a Deployment's strategy: {}), and
// defaults are not added: the diff never compares what desired leaves out.
//
// Custom resources follow their CustomResourceDefinition's structural schema, with the API
// server's own code (k8s.io/apiextensions-apiserver): unknown fields are pruned, nulls that are
// not nullable dropped, metadata coerced and schema defaults applied; everything else is kept
// as sent. Kinds that are neither (aggregated APIs) are kept as sent, nulls aside.
//
// A Secret's stringData is folded into its data, as the API server does: each value
// base64-encoded, in place of a data key of the same name, and stringData removed. This is the
// one place a Secret's stringData is resolved: Result.StringData records which data keys Git
// spells under stringData, so that drift can be reported where Git has it, while everything
// downstream compares, and looks up owners, where the server stores it.
//
// Fields the server would drop because the kind does not have them are reported in
// Result.Dropped, so that the loader can warn: kubectl apply refuses them (--validate=strict),
// and they can never be drift.
package normalize
