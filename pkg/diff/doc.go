// Package diff compares a desired Kubernetes object with the live one and reports drift field by
// field. It is pure: it takes unstructured objects (map[string]any, []any and JSON scalars) and a
// Schema, and never talks to a cluster.
//
// # What counts as drift
//
// Compare walks the desired object. Every field present in desired is compared with live; fields
// only in live (server defaults, status, server-owned metadata, injected sidecars) are not drift.
// status and the metadata the server owns (metadata.{resourceVersion,uid,generation,
// creationTimestamp,managedFields,selfLink,deletionTimestamp,deletionGracePeriodSeconds}, see
// IsServerMetadata) are never compared. A desired null means "absent" and is never drift.
//
// Comparison is strict: a desired false, 0, "" or {} against an absent live field is drift
// (removing allowPrivilegeEscalation: false changes what a container may do). The desired object
// must therefore come in the form the API server stores it, without the zero values the server
// drops from omitempty fields; pkg/normalize produces that form once per load. Only an empty list
// is taken for an absent one, since the server does not keep them apart.
//
// Lists follow the Schema: ListMap items match by their Keys (a desired item that omits a key
// takes Schema.KeyDefaults), ListSet items must all be in live, and atomic lists compare as a
// whole (scalars) or by position (objects). In a ListMap, a live item that repeats the keys of a
// desired item is drift at that item, and when the Schema is Ordered, desired items in another
// relative order in live are drift at the list (shown as their key values in both orders). When
// the Schema is nil, lists whose items all have a string "name" match by name. Maps and structs
// the Schema marks Atomic compare as one value: a map under them that gains a key is drift.
// Numbers compare by value whatever their Go type, and values whose Schema has Quantity set
// compare as resource.Quantity ("0.5" = "500m").
//
// Secret data is never returned in the clear: every value under a v1 Secret's data or stringData
// is replaced by Redact of its decoded plaintext (see IsSecret), and so is the last-applied
// annotation, which holds a copy of them. The desired Secret comes in the form the server stores
// it, its stringData folded into data by pkg/normalize; Compare compares data with data. Mask
// masks, by the same rules, a value read from a Secret otherwise (a hand-added key): this
// package is the one place that decides what of a Secret may be shown.
//
// # Paths
//
// A Path names a field: fields joined by ".", keys that need it bracket-quoted, list items by
// key, by position or, in patterns, by wildcard:
//
//	metadata.labels["app.kubernetes.io/name"]
//	spec.template.spec.containers[name=frontend].image
//	spec.ports[port=80,protocol=TCP].targetPort
//	spec.tolerations[2]
//	spec.template.spec.containers[*].resources
//
// ParsePath reads this notation, Path.String writes it, Path.Covers matches ignore patterns, and
// Get and Set walk a Path into an object.
package diff
