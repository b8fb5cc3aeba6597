// Package ownership reads who owns the fields of a live Kubernetes object, from its
// metadata.managedFields: which field manager, by which operation (Apply or Update), since when
// and through which subresource. It is pure apart from the API types: it parses the FieldsV1
// sets with structured-merge-diff's fieldpath and answers in pkg/diff's paths, so that the
// owner of a reported drift can be looked up:
//
//	owners, _ := ownership.FromObject(live.Object)
//	who, how := owners.Of(path) // exact owners, else owners under path, else the nearest owner above
//
// FieldPath and DiffPath convert between the two notations. Compact shrinks the managedFields
// of an object kept in an informer cache to what these questions need.
//
// # What managedFields can tell
//
// A manager's entry holds the fields it set and the time it last changed one of them, not
// a time per field. An Update owns the fields it changed (and, on create, every field it sent
// and those the server defaulted); an Apply owns what it sent. A field whose value is gone
// (a removed label) is owned by nobody: nothing records who removed it.
package ownership
