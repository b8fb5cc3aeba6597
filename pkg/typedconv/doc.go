// Package typedconv converts API objects of Go types (a Deployment decoded from protobuf,
// say) to their unstructured form, maps as JSON would give them, as apimachinery's
// runtime.DefaultUnstructuredConverter.ToUnstructured does, with the same result, at a
// fraction of its cost: the work of reading each struct field's JSON tag is done once per
// Go type, where the default converter looks it up in a shared cache at every field of
// every object.
package typedconv
