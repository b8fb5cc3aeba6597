package chart_test

import (
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"

	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// valueSets are the main combinations of values the tests render: the defaults, every part,
// the certificates without cert-manager (and so a ServiceMonitor that cannot verify serve's
// self-signed metrics certificate), monitoring, and the knobs that change the objects' shape.
var valueSets = map[string][]string{
	"default":      nil,
	"all parts":    {parts[0].values, parts[1].values, parts[2].values, parts[3].values},
	"self-managed": {"certificates: {mode: self-managed}", "monitoring: {serviceMonitor: {enabled: true}}"},
	"monitoring":   {"monitoring: {serviceMonitor: {enabled: true}, prometheusRule: {enabled: true}, grafanaDashboard: {enabled: true}}"},
	"variants": {
		"remediation: {enabled: true, strategy: replace}", "policyReports: {enabled: true, api: wgpolicyk8s.io/v1alpha2}",
		"git: {enabled: true, auth: ssh, existingSecret: my-git}", "fullnameOverride: drift", "podAntiAffinity: hard",
		"webhook: {enforcement: deny, failurePolicy: Fail, exemptUsers: [flux], exemptGroups: [gitops], objectSelector: {matchLabels: {tracked: 'yes'}}}",
		"certificates: {certManager: {issuerRef: {kind: ClusterIssuer, name: ca}}}", "image: {digest: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'}",
		"trackedKinds: [{group: example.com, version: v1, namespaced: [widgets], customResources: true}]",
		"desired: {existingConfigMap: my-desired}",
		"metrics: {readers: [{kind: ServiceAccount, name: prometheus-k8s, namespace: monitoring}]}",
		"git: {refreshers: [{kind: ServiceAccount, name: kustomize-controller, namespace: flux-system}]}",
		"monitoring: {serviceMonitor: {enabled: true, tlsConfig: {serverName: metrics.example.com, ca: {configMap: {name: ca, key: ca.crt}}}, authorization: {type: Bearer, credentials: {name: scraper-token, key: token}}}}",
	},
}

// TestLint runs `helm lint --strict` (Helm's lint action, warnings count as errors) over the
// chart with each set of values.
func TestLint(t *testing.T) {
	for name, docs := range valueSets {
		t.Run(name, func(t *testing.T) {
			l := action.NewLint()
			l.Strict, l.Namespace = true, releaseNamespace
			l.KubeVersion = &common.KubeVersion{Version: kubeenv.Version, Major: "1", Minor: "37"}
			res := l.Run([]string{chartDir}, values(t, docs...))
			for _, m := range res.Messages {
				if m.Severity > support.InfoSev {
					t.Errorf("lint: %s", m)
				}
			}
			for _, err := range res.Errors {
				t.Errorf("lint: %v", err)
			}
			if res.TotalChartsLinted != 1 {
				t.Errorf("linted %d charts; want 1", res.TotalChartsLinted)
			}
		})
	}
}

// TestRenderRefuses checks that values the chart cannot install fail the rendering (helm
// install and template) with the chart's own message. Lint mode only logs these.
func TestRenderRefuses(t *testing.T) {
	tests := map[string]string{
		"certificates: {mode: vault}":                   `certificates.mode "vault"`,
		"remediation: {enabled: true, strategy: merge}": `remediation.strategy "merge"`,
		"policyReports: {enabled: true, api: v1}":       `policyReports.api "v1"`,
		"resources: {limits: {memory: 0.5Gi}}":          `resources.limits.memory "0.5Gi"`,
		"git: {enabled: true}":                          "git.token",
		"git: {enabled: true, auth: ssh}":               "git.auth ssh needs git.existingSecret",
		"podAntiAffinity: sometimes":                    `podAntiAffinity "sometimes"`,
	}
	for doc, want := range tests {
		t.Run(doc, func(t *testing.T) {
			_, err := tryRenderChart(t, doc)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("rendering with %s: %v; want an error saying %s", doc, err, want)
			}
		})
	}
}
