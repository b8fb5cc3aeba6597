// Package policy reads the per-object drift policy from the annotations of a desired (Git)
// object and combines the global enforcement mode with an object's override.
//
// The annotations are:
//
//	drift.gitops.io/skip: "true"                     do not check the object at all
//	drift.gitops.io/ignore-fields: "a.b, c[k=v,x=y]" paths whose drift is ignored
//	drift.gitops.io/remediation-policy: "alert"      report drift, never repair it (default "auto")
//	drift.gitops.io/enforcement: "deny"              per-object admission mode: warn, deny or off
//
// Only the desired object's annotations count: a live object cannot change its own policy.
package policy
