package corpus_test

// The edits of each project. Paths and values are what a correct report shows; where the
// diff does not yet do so, the edit's subtest fails and says how.

const (
	monitoring = "monitoring"
	kpManifest = "manifests/"
)

var kubePrometheus = project{
	name:      "kube-prometheus",
	namespace: monitoring,
	setup:     "manifests/setup",
	apply:     []string{"manifests"},
	resources: 87,
	edits: []edit{{
		name:    "set image",
		kubectl: [][]string{{"set", "image", "deployment/grafana", "grafana=grafana/grafana:11.0.0"}},
		want: []drift{{"Deployment monitoring/grafana", "spec.template.spec.containers[name=grafana].image",
			js(`"grafana/grafana:13.1.3"`), js(`"grafana/grafana:11.0.0"`)}},
	}, {
		name:    "set env",
		kubectl: [][]string{{"set", "env", "deployment/prometheus-operator", "-c", "prometheus-operator", "GOGC=50"}},
		want: []drift{{"Deployment monitoring/prometheus-operator", "spec.template.spec.containers[name=prometheus-operator].env[name=GOGC].value",
			js(`"30"`), js(`"50"`)}},
	}, {
		name: "securityContext readOnlyRootFilesystem false",
		kubectl: [][]string{{"patch", "deployment", "kube-state-metrics", "--type", "json", "-p",
			`[{"op":"replace","path":"/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem","value":false}]`}},
		want: []drift{{"Deployment monitoring/kube-state-metrics", "spec.template.spec.containers[name=kube-state-metrics].securityContext.readOnlyRootFilesystem",
			js(`true`), js(`false`)}},
	}, {
		name: "securityContext allowPrivilegeEscalation false removed",
		kubectl: [][]string{{"patch", "deployment", "prometheus-operator", "--type", "json", "-p",
			`[{"op":"remove","path":"/spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation"}]`}},
		want: []drift{{"Deployment monitoring/prometheus-operator", "spec.template.spec.containers[name=prometheus-operator].securityContext.allowPrivilegeEscalation",
			js(`false`), absent}},
	}, {
		name:    "scale",
		kubectl: [][]string{{"scale", "deployment/blackbox-exporter", "--replicas=3"}},
		want:    []drift{{"Deployment monitoring/blackbox-exporter", "spec.replicas", js(`1`), js(`3`)}},
	}, {
		name:    "label overwritten",
		kubectl: [][]string{{"label", "service/node-exporter", "app.kubernetes.io/version=0.0.1", "--overwrite"}},
		want: []drift{{"Service monitoring/node-exporter", `metadata.labels["app.kubernetes.io/version"]`,
			js(`"1.12.1"`), js(`"0.0.1"`)}},
	}, {
		name:    "ConfigMap key edited",
		kubectl: [][]string{{"patch", "configmap", "grafana-dashboards", "--type", "merge", "-p", `{"data":{"dashboards.yaml":"{}"}}`}},
		want: []drift{{"ConfigMap monitoring/grafana-dashboards", `data["dashboards.yaml"]`,
			fromGit(kpManifest+"grafana-dashboardSources.yaml", "data", "dashboards.yaml"), js(`"{}"`)}},
	}, {
		name:    "Secret stringData edited",
		kubectl: [][]string{{"patch", "secret", "grafana-config", "--type", "merge", "-p", `{"stringData":{"grafana.ini":"[date_formats]\ndefault_timezone = browser\n"}}`}},
		want: []drift{{"Secret monitoring/grafana-config", `stringData["grafana.ini"]`,
			redactedGit(kpManifest+"grafana-config.yaml", "stringData", "grafana.ini"), redactedText("[date_formats]\ndefault_timezone = browser\n")}},
	}, {
		name:    "Service selector gains a key",
		kubectl: [][]string{{"patch", "service", "prometheus-k8s", "--type", "merge", "-p", `{"spec":{"selector":{"extra":"x"}}}`}},
		want: []drift{{"Service monitoring/prometheus-k8s", "spec.selector",
			fromGit(kpManifest+"prometheus-service.yaml", "spec", "selector"),
			js(`{"app.kubernetes.io/component":"prometheus","app.kubernetes.io/instance":"k8s","app.kubernetes.io/name":"prometheus","app.kubernetes.io/part-of":"kube-prometheus","extra":"x"}`)}},
	}, {
		name:    "PodDisruptionBudget maxUnavailable",
		kubectl: [][]string{{"patch", "pdb", "alertmanager-main", "--type", "merge", "-p", `{"spec":{"maxUnavailable":2}}`}},
		want:    []drift{{"PodDisruptionBudget monitoring/alertmanager-main", "spec.maxUnavailable", js(`1`), js(`2`)}},
	}, {
		name: "ClusterRole gains a verb",
		kubectl: [][]string{{"patch", "clusterrole", "kube-state-metrics", "--type", "json", "-p",
			`[{"op":"add","path":"/rules/0/verbs/-","value":"delete"}]`}},
		want: []drift{{"ClusterRole kube-state-metrics", "rules[0].verbs", js(`["list","watch"]`), js(`["list","watch","delete"]`)}},
	}, {
		name:    "Prometheus replicas",
		kubectl: [][]string{{"patch", "prometheus", "k8s", "--type", "merge", "-p", `{"spec":{"replicas":1}}`}},
		want:    []drift{{"Prometheus monitoring/k8s", "spec.replicas", js(`2`), js(`1`)}},
	}, {
		name: "PrometheusRule alert delay",
		kubectl: [][]string{{"patch", "prometheusrule", "grafana-rules", "--type", "json", "-p",
			`[{"op":"replace","path":"/spec/groups/0/rules/0/for","value":"1m"}]`}},
		want: []drift{{"PrometheusRule monitoring/grafana-rules", "spec.groups[name=GrafanaAlerts].rules[0].for", js(`"5m"`), js(`"1m"`)}},
	}, {
		name: "ServiceMonitor interval",
		kubectl: [][]string{{"patch", "servicemonitor", "grafana", "--type", "json", "-p",
			`[{"op":"replace","path":"/spec/endpoints/0/interval","value":"5s"}]`}},
		want: []drift{{"ServiceMonitor monitoring/grafana", "spec.endpoints[0].interval", js(`"15s"`), js(`"5s"`)}},
	}},
}

var podinfo = project{
	name:            "podinfo",
	namespace:       "podinfo",
	createNamespace: true,
	apply:           []string{"kustomize", "deploy/bases/database", "deploy/bases/frontend"},
	resources:       18,
	edits: []edit{{
		name:    "set image",
		kubectl: [][]string{{"set", "image", "deployment/podinfo", "podinfod=ghcr.io/stefanprodan/podinfo:6.0.0"}},
		want: []drift{{"Deployment podinfo/podinfo", "spec.template.spec.containers[name=podinfod].image",
			js(`"ghcr.io/stefanprodan/podinfo:6.14.1"`), js(`"ghcr.io/stefanprodan/podinfo:6.0.0"`)}},
	}, {
		name:    "set env",
		kubectl: [][]string{{"set", "env", "deployment/podinfo", "-c", "podinfod", "PODINFO_UI_COLOR=#ff0000"}},
		want: []drift{{"Deployment podinfo/podinfo", "spec.template.spec.containers[name=podinfod].env[name=PODINFO_UI_COLOR].value",
			js(`"#34577c"`), js(`"#ff0000"`)}},
	}, {
		name: "emptyDir swapped for hostPath",
		kubectl: [][]string{{"patch", "deployment", "podinfo", "--type", "json", "-p",
			`[{"op":"replace","path":"/spec/template/spec/volumes/0","value":{"name":"data","hostPath":{"path":"/"}}}]`}},
		// The hostPath is a hand-added field (issue 10), reported with its server default type.
		want: []drift{
			{"Deployment podinfo/podinfo", "spec.template.spec.volumes[name=data].emptyDir", js(`{}`), absent},
			{"Deployment podinfo/podinfo", "spec.template.spec.volumes[name=data].hostPath", absent, js(`{"path":"/","type":""}`)},
		},
	}, {
		name:    "HorizontalPodAutoscaler maxReplicas",
		kubectl: [][]string{{"patch", "hpa", "podinfo", "--type", "merge", "-p", `{"spec":{"maxReplicas":10}}`}},
		want:    []drift{{"HorizontalPodAutoscaler podinfo/podinfo", "spec.maxReplicas", js(`4`), js(`10`)}},
	}, {
		name:    "Service selector changed",
		kubectl: [][]string{{"patch", "service", "podinfo", "--type", "merge", "-p", `{"spec":{"selector":{"app":"other"}}}`}},
		want:    []drift{{"Service podinfo/podinfo", "spec.selector", js(`{"app":"podinfo"}`), js(`{"app":"other"}`)}},
	}, {
		name:    "CronJob schedule",
		kubectl: [][]string{{"patch", "cronjob", "backup-daily", "--type", "merge", "-p", `{"spec":{"schedule":"0 1 * * *"}}`}},
		want:    []drift{{"CronJob podinfo/backup-daily", "spec.schedule", js(`"0 0 * * *"`), js(`"0 1 * * *"`)}},
	}, {
		name:    "set env of an init container",
		kubectl: [][]string{{"set", "env", "cronjob/warm-cache", "-c", "warm-cache-init", "FRONTEND_URL=http://elsewhere"}},
		want: []drift{{"CronJob podinfo/warm-cache", "spec.jobTemplate.spec.template.spec.initContainers[name=warm-cache-init].env[name=FRONTEND_URL].value",
			js(`"http://frontend"`), js(`"http://elsewhere"`)}},
	}, {
		name:    "set resources",
		kubectl: [][]string{{"set", "resources", "statefulset/database-primary", "-c", "database", "--limits=memory=1Gi"}},
		want: []drift{{"StatefulSet podinfo/database-primary", "spec.template.spec.containers[name=database].resources.limits.memory",
			js(`"512Mi"`), js(`"1Gi"`)}},
	}},
}

var guestbook = project{
	name:            "guestbook",
	namespace:       "guestbook",
	createNamespace: true,
	apply:           []string{"web/guestbook"},
	resources:       6,
	edits: []edit{{
		name:    "scale",
		kubectl: [][]string{{"scale", "deployment/frontend", "--replicas=1"}},
		want:    []drift{{"Deployment guestbook/frontend", "spec.replicas", js(`3`), js(`1`)}},
	}, {
		name:    "set image",
		kubectl: [][]string{{"set", "image", "deployment/redis-master", "master=redis:7"}},
		want: []drift{{"Deployment guestbook/redis-master", "spec.template.spec.containers[name=master].image",
			js(`"registry.k8s.io/redis:e2e"`), js(`"redis:7"`)}},
	}, {
		name:    "set env",
		kubectl: [][]string{{"set", "env", "deployment/redis-replica", "GET_HOSTS_FROM=env"}},
		want: []drift{{"Deployment guestbook/redis-replica", "spec.template.spec.containers[name=slave].env[name=GET_HOSTS_FROM].value",
			js(`"dns"`), js(`"env"`)}},
	}, {
		name:    "label overwritten",
		kubectl: [][]string{{"label", "service/frontend", "tier=web", "--overwrite"}},
		want:    []drift{{"Service guestbook/frontend", "metadata.labels.tier", js(`"frontend"`), js(`"web"`)}},
	}, {
		name:    "Service selector gains a key",
		kubectl: [][]string{{"patch", "service", "redis-master", "--type", "merge", "-p", `{"spec":{"selector":{"extra":"x"}}}`}},
		want: []drift{{"Service guestbook/redis-master", "spec.selector",
			js(`{"app":"redis","role":"master","tier":"backend"}`), js(`{"app":"redis","extra":"x","role":"master","tier":"backend"}`)}},
	}, {
		name:    "Service type",
		kubectl: [][]string{{"patch", "service", "frontend", "--type", "merge", "-p", `{"spec":{"type":"ClusterIP"}}`}},
		want:    []drift{{"Service guestbook/frontend", "spec.type", js(`"NodePort"`), js(`"ClusterIP"`)}},
	}},
}
