// Package webhook is gitops-drift's validating admission webhook. It judges a change by what it
// does to an object against Git, field by field, with the same diff as the CLI:
//
//   - Handler serves the webhook's path (ServeHTTP, one pass over the AdmissionReview), looks
//     the object up in the desired state held in memory, decodes what the diff reads, diffs, and
//     decides: a change that introduces drift is warned about, denied or audited, as the
//     enforcement mode says; anything else, and what it cannot judge, is allowed. A change to
//     the scale subresource (`kubectl scale`) of a Deployment, StatefulSet, ReplicaSet or
//     ReplicationController is judged by its replicas against the spec.replicas Git sets on
//     the object scaled (scale.go); other subresources are not judged.
//   - The Handler reads the desired state from a DesiredStore: serve gives it the desired.Store
//     that pkg/desired's Reloader keeps in step with Git. Loading, reloading and the staleness
//     guard live in pkg/desired; the Handler only asks Options.Stale whether to deny.
//   - RegistrationWarnings tells, from the webhook's ValidatingWebhookConfiguration, which kinds
//     of the desired state the API server will not send in the version Git uses: the Handler
//     judges a request only in Git's version (decision other-version otherwise).
//   - Its Prometheus metrics are defined, with the auditor's, in pkg/metrics.
//   - The Recorder records who made each admitted change that drifts (an exempt user's too):
//     the Handler hands it the request once it has decided (record.go), and it writes a
//     DriftAdmitted Event (pkg/attribution) on a goroutine of its own, rate-limited
//     (recorder.go). The auditor and the CLI join those with managedFields to name the person
//     behind a drifted field.
//
// The request path makes no API calls and never prints Secret values.
package webhook
