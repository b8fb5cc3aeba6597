// Package policyreport turns a drift report (report.Report) into policy report objects for
// dashboards such as Policy Reporter: OpenReports (openreports.io/v1alpha1 Report and
// ClusterReport) or the older wgpolicyk8s.io/v1alpha2 PolicyReport and ClusterPolicyReport.
//
// The objects are aggregated: one report named gitops-drift per namespace that has tracked
// resources, and one cluster report for the cluster-scoped ones, never one object per
// resource. Each drifted, missing or unreadable resource is one result (fail or error) whose
// message names the drifted paths, never values. In-sync resources get no result: an empty
// report means no drift, and a report's size grows with the drift, not with what is tracked.
//
// The package is pure: it builds plain Go values (and unstructured objects from them) and
// never talks to the API server; auditor/ writes them.
package policyreport
