// Package monitoring tests the Grafana dashboard and the Prometheus alerts that
// charts/gitops-drift/files ships: `promtool check rules` and `promtool test rules` on the
// alerts, the PromQL of every panel, variable and rule parsed by Prometheus's own parser, and
// every metric they read exported by a running `gitops-drift serve` on a real API server,
// scraped as the install's Prometheus scrapes it (HTTPS verified with the metrics
// certificate's CA, the token of a ServiceAccount bound to manifests/rbac.yaml's
// gitops-drift-metrics-reader). The tools (promtool and promql-names, both from
// hack/tools/promtool) are built by `make promtool`; the tests that need them skip under
// -short when they are absent, and fail otherwise.
package monitoring
