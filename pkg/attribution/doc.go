// Package attribution names the person behind a drifted field. The admission webhook sees who
// makes each change that diverges from Git; managedFields then record the change's field
// manager and time on the object. This package carries the first to where the second is read,
// and joins them:
//
//   - Record is what the webhook saw of one admitted change: the object, the user and groups,
//     the field manager, operation, subresource and time of the managedFields entry the
//     request updated, and the drifted paths (never values).
//   - NewEvent and FromEvent write a Record as a Kubernetes Event (reason DriftAdmitted,
//     events.k8s.io/v1) on the object, with the Record as JSON in an annotation, and read it
//     back; an Event reaches the auditor of any replica, and the CLI, and outlives the
//     process that wrote it (for the API server's --event-ttl, 1h by default).
//   - Attribute (pure) joins a drifted field's owner (diff.Owner, from managedFields) with the
//     records of its object: it sets Owner.User and Owner.Groups, or Owner.UserUnknown.
//   - Lister reads the DriftAdmitted Events of one object, or of one namespace.
//
// # Precision
//
// A record names the person of a field only when its manager, operation and subresource are
// the owner's, its time is the owner's to the second, and its paths hold the field's path, or
// a path above or below it. A later write to the field by another manager makes that manager
// the owner, and a later write by the same manager changes the owner's time: either way the
// earlier record no longer matches. Two matching records of different users (the same manager
// twice in one second, on the same paths) name nobody: "N admissions at that second".
//
// Records are only as trustworthy as the Events: anyone allowed to create Events in a
// namespace could write one. The webhook's audit log is the authoritative trail.
package attribution
