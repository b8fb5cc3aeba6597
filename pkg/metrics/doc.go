// Package metrics defines every gitops_drift_* Prometheus metric in one place: the admission
// webhook's decisions and its records of who made admitted changes (records.go), the manifest
// reloads, the auditor's drift gauges, durations and remediations, and whether the replica
// leads (leader.go). New registers them once on a Registerer (controller-runtime's
// metrics.Registry in `serve`, so the manager's metrics endpoint serves them); a nil *Metrics
// records nothing, for tests.
package metrics
