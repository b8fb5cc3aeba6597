// Package schema provides the schema graph that pkg/diff uses to match list items, for any
// GroupVersionKind.
//
// Built-in kinds come from the structured-merge-diff schema shipped with client-go, with no API
// call: converted once, when the table builtin.json is generated (go generate), and decoded
// from it in about 2 ms rather than parsed from client-go's YAML at every start. Other
// kinds (CRDs, aggregated APIs) come from the API server's OpenAPI v3 document of
// their GroupVersion, fetched once and cached by a Resolver. Either way the structured-merge-diff
// schema is converted to a *diff.Schema by Convert: struct fields become Fields, associative
// lists become ListMap (with Keys and their API defaults) or ListSet, and resource.Quantity
// values are flagged so that "1" and "1000m" compare equal.
//
//	r := schema.NewResolverForDiscovery(discoveryClient)
//	s, err := r.For(gvk)
package schema
