// Package auditor is the periodic and event-driven audit that runs beside the admission webhook
// in `gitops-drift serve`. The webhook only sees changes made through admission while it is up;
// the auditor catches the rest (the webhook down, exempt users, changes from before the
// install) with the same diff, from informers:
//
//   - live.go: a check.LiveSource over informers, one controller-runtime cache per tracked
//     namespace (and one for cluster-scoped kinds), an informer per tracked kind, started as
//     the desired state names them and stopped when a reload drops them. After the first list,
//     an audit makes no API call.
//   - project.go: the informers' transform. A tracked object is kept as the projection its
//     check reads (no status), any other as a stub (identity and resourceVersion): an
//     untracked Secret's data never stays in memory. Writes read the whole object first.
//   - state.go, fingerprint.go: what the auditor derives once per desired state: per target,
//     a fingerprint (of what its check reads of it, and of what its projection keeps), its
//     last result and record. A reload whose targets need more of a cached object lists its
//     informer again; a full audit diffs again only the objects whose live copy or target
//     changed.
//   - auditor.go: the Auditor, a leader-elected Runnable. It audits every object at start,
//     every interval and when the desired state changes (with pkg/check's Evaluate and
//     Remediate, as the CLI does), and checks one object again ~200ms after a watch event on it.
//     serve starts the same Auditor again at each term of leadership: every run watches through
//     new caches, which list before its first audit.
//   - reports.go: with PolicyReports, the policy report objects of each full audit (built by
//     pkg/policyreport), written by server-side apply on a goroutine of its own, so that the
//     audit never waits for them; unchanged reports are not written again.
//   - cycle.go, ledger.go: what each check found against what was last known of each object
//     (its record), so that unchanged drift is not reported as new.
//   - contest.go, owner.go: objects whose repaired drift comes back are contested: the
//     auditor names the other writer (managedFields, through pkg/ownership), backs off from
//     10s doubling to 10min. history.go: a restarted auditor learns the contests it forgot
//     from its own Events.
//   - log.go, events.go: the audit log (a JSON line per drifted resource per audit, with an
//     audit ID, and a summary) and the Kubernetes Events (DriftDetected, DriftRemediated,
//     RemediationBlocked, RemediationFailed, RemediationContested), recorded when an object's
//     drift changes.
//   - people.go: with Admissions, each drifted field's owner names the person behind it, from
//     the DriftAdmitted Events the webhook of any replica recorded (pkg/attribution): listed
//     by the object's UID once per change of its owners, and remembered past the Events'
//     expiry while the drift lasts.
//   - gate.go: remediation through pkg/remediate, rate-limited and held back for contested
//     objects; never while the latest manifests fail to load.
//
// Secret values never appear: pkg/diff masks them (a keyed hash), pkg/check scrubs error texts
// about Secrets, and Events name fields, not values.
package auditor
