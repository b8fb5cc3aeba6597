package chart_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// container returns the rendered Deployment's gitops-drift container.
func container(t *testing.T, r *rendered) corev1.Container {
	t.Helper()
	var pod struct {
		Spec struct {
			Template struct {
				Spec corev1.PodSpec `json:"spec"`
			} `json:"template"`
		} `json:"spec"`
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(find(t, r.objects, "Deployment.apps", "").Object, &pod); err != nil {
		t.Fatal(err)
	}
	return pod.Spec.Template.Spec.Containers[0]
}

func TestGoMemLimit(t *testing.T) {
	tests := []struct {
		values string
		want   []corev1.EnvVar
	}{
		{values: "", want: []corev1.EnvVar{{Name: "GOMEMLIMIT", Value: "460MiB"}}},
		{values: "resources: {limits: {memory: 1Gi}}", want: []corev1.EnvVar{{Name: "GOMEMLIMIT", Value: "921MiB"}}},
		{values: "{resources: {limits: {memory: 600M}}, goMemLimitPercent: 80}", want: []corev1.EnvVar{{Name: "GOMEMLIMIT", Value: "457MiB"}}},
		{values: "resources: {limits: {memory: '268435456'}}", want: []corev1.EnvVar{{Name: "GOMEMLIMIT", Value: "230MiB"}}},
		{values: "goMemLimitPercent: 0", want: nil},
		{values: "{goMemLimitPercent: 0, extraEnv: [{name: GOGC, value: '50'}]}", want: []corev1.EnvVar{{Name: "GOGC", Value: "50"}}},
	}
	for _, tt := range tests {
		t.Run(tt.values, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, container(t, renderChart(t, tt.values)).Env); diff != "" {
				t.Errorf("env (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMonitoringFromFiles checks that the PrometheusRule holds the groups of
// files/alerts.yaml as written (their {{ $value }} templates are Prometheus', not Helm's) and
// the dashboard ConfigMap the dashboard, byte for byte.
func TestMonitoringFromFiles(t *testing.T) {
	r := renderChart(t, "monitoring: {serviceMonitor: {enabled: true}, prometheusRule: {enabled: true}, grafanaDashboard: {enabled: true, namespace: grafana}}")
	alerts := readFile(t, chartDir+"/files/alerts.yaml")
	var file map[string]any
	if err := yaml.Unmarshal(alerts, &file); err != nil {
		t.Fatal(err)
	}
	rule := find(t, r.objects, "PrometheusRule.monitoring.coreos.com", releaseName)
	if diff := cmp.Diff(file["groups"], rule.Object["spec"].(map[string]any)["groups"]); diff != "" {
		t.Errorf("PrometheusRule groups differ from files/alerts.yaml's (-file +rule):\n%s", diff)
	}
	cm := find(t, r.objects, "ConfigMap", releaseName+"-dashboard")
	if got := cm.Object["data"].(map[string]any)["gitops-drift.json"]; got != string(readFile(t, chartDir+"/files/dashboard.json")) {
		t.Error("the dashboard ConfigMap does not hold files/dashboard.json as it is")
	}
	if cm.GetNamespace() != "grafana" || cm.GetLabels()["grafana_dashboard"] != "1" {
		t.Errorf("dashboard ConfigMap in %q with labels %v; want namespace grafana, label grafana_dashboard=1", cm.GetNamespace(), cm.GetLabels())
	}
	svc := find(t, r.objects, "Service", releaseName+"-metrics")
	sm := find(t, r.objects, "ServiceMonitor.monitoring.coreos.com", releaseName)
	sel, _, _ := unstructuredStringMap(sm.Object, "spec", "selector", "matchLabels")
	for k, v := range sel {
		if svc.GetLabels()[k] != v {
			t.Errorf("ServiceMonitor selects %s=%s; the metrics Service has %v", k, v, svc.GetLabels())
		}
	}
}
