// Package typedconv converts API objects between their Go types (a Deployment decoded from
// protobuf, say) and their unstructured form, maps as JSON would give them, as apimachinery's
// runtime.DefaultUnstructuredConverter does, with the same results, at a fraction of its cost:
// the work of reading each struct field's JSON tag is done once per Go type, where the
// default converter looks it up in a shared cache at every field of every object. What it
// does not convert directly (unusual types, values that need converting or checking), it
// hands to the default converter.
package typedconv
