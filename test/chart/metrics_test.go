package chart_test

import (
	"net"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/gitops-drift/gitops-drift/cmd/gitops-drift/app"
)

// tokenFile is the token of Prometheus' own ServiceAccount, which the ServiceMonitor sends.
const tokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token"

// serviceMonitor is what the tests read of a prometheus-operator ServiceMonitor (the module
// does not require its Go types).
type serviceMonitor struct {
	Spec struct {
		Selector  metav1.LabelSelector `json:"selector"`
		Endpoints []struct {
			Port            string         `json:"port"`
			Scheme          string         `json:"scheme"`
			Path            string         `json:"path"`
			BearerTokenFile string         `json:"bearerTokenFile"`
			Authorization   map[string]any `json:"authorization"`
			TLSConfig       map[string]any `json:"tlsConfig"`
		} `json:"endpoints"`
	} `json:"spec"`
}

// convert decodes o into out, a typed object, failing the test on any error.
func convert(t *testing.T, o *unstructured.Unstructured, out any) {
	t.Helper()
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, out); err != nil {
		t.Fatalf("%s: %v", key(o), err)
	}
}

// TestServiceMonitorScrapesMetrics renders the chart with a ServiceMonitor and checks that
// its one endpoint scrapes serve's secure metrics as they are served: the port name of the
// metrics Service, which alone it selects, the scheme of that port (its appProtocol, https,
// as serve's args serve them), whose target is the container port of --metrics-bind-address;
// Prometheus' own token (or the authorization given); and a tlsConfig that verifies the
// certificate serve is given (--metrics-cert-dir, cert-manager's Secret: its ca.crt, for one
// of its names), or skips verification only when serve's certificate is self-signed.
func TestServiceMonitorScrapesMetrics(t *testing.T) {
	const sm = "monitoring: {serviceMonitor: {enabled: true}}"
	tests := []struct {
		name      string
		values    []string
		verify    bool           // against the CA of the certificate at --metrics-cert-dir
		tlsConfig map[string]any // when given as a value
		auth      map[string]any // when given as a value
	}{
		{name: "cert-manager", values: []string{sm}, verify: true},
		{name: "cert-manager, another release and issuer", verify: true, values: []string{sm, "fullnameOverride: drift",
			"certificates: {certManager: {issuerRef: {kind: ClusterIssuer, name: ca}}}"}},
		{name: "self-managed", values: []string{sm, "certificates: {mode: self-managed}"}},
		{
			name:      "tlsConfig and authorization given",
			values:    []string{sm, "monitoring: {serviceMonitor: {tlsConfig: {serverName: metrics.example.com, ca: {configMap: {name: ca, key: ca.crt}}}, authorization: {type: Bearer, credentials: {name: scraper-token, key: token}}}}"},
			tlsConfig: map[string]any{"serverName": "metrics.example.com", "ca": map[string]any{"configMap": map[string]any{"name": "ca", "key": "ca.crt"}}},
			auth:      map[string]any{"type": "Bearer", "credentials": map[string]any{"name": "scraper-token", "key": "token"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := renderChart(t, tt.values...)
			c := container(t, r)
			opts, err := app.ParseServeArgs(c.Args[1:])
			if err != nil {
				t.Fatal(err)
			}
			var monitor serviceMonitor
			convert(t, find(t, r.objects, "ServiceMonitor.monitoring.coreos.com", ""), &monitor)
			svc := metricsService(t, r, &monitor.Spec.Selector)
			if len(monitor.Spec.Endpoints) != 1 || len(svc.Spec.Ports) != 1 {
				t.Fatalf("ServiceMonitor endpoints %+v, Service %s ports %+v; want one each", monitor.Spec.Endpoints, svc.Name, svc.Spec.Ports)
			}
			ep, port := monitor.Spec.Endpoints[0], svc.Spec.Ports[0]

			scheme := "http"
			if opts.MetricsSecure {
				scheme = "https"
			}
			if ep.Port != port.Name || ep.Scheme != scheme || ptr.Deref(port.AppProtocol, "") != scheme || ep.Path != "/metrics" {
				t.Errorf("endpoint port %q, scheme %q, path %q; the metrics Service's port is %q (appProtocol %q); serve serves %s on /metrics",
					ep.Port, ep.Scheme, ep.Path, port.Name, ptr.Deref(port.AppProtocol, ""), scheme)
			}
			if got, want := namedPort(t, c, port.TargetPort.String()), bindPort(t, opts.MetricsBindAddress); got != want {
				t.Errorf("Service %s targetPort %s is container port %d; --metrics-bind-address is on %d", svc.Name, port.TargetPort.String(), got, want)
			}

			wantTokenFile := ""
			if tt.auth == nil {
				wantTokenFile = tokenFile
			}
			if diff := cmp.Diff([]any{wantTokenFile, tt.auth}, []any{ep.BearerTokenFile, ep.Authorization}); diff != "" {
				t.Errorf("endpoint [bearerTokenFile authorization] (-want +got):\n%s", diff)
			}

			want := tt.tlsConfig
			switch {
			case want != nil:
			case tt.verify:
				want = verifiedTLS(t, r, c, opts)
			case opts.MetricsCertDir != "":
				t.Errorf("--metrics-cert-dir %s without cert-manager", opts.MetricsCertDir)
			default:
				want = map[string]any{"insecureSkipVerify": true}
			}
			if diff := cmp.Diff(want, ep.TLSConfig); diff != "" {
				t.Errorf("endpoint tlsConfig (-want +got):\n%s", diff)
			}
		})
	}
}

// metricsService returns the one Service sel selects, failing the test unless there is
// exactly one.
func metricsService(t *testing.T, r *rendered, sel *metav1.LabelSelector) corev1.Service {
	t.Helper()
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil || s.Empty() {
		t.Fatalf("ServiceMonitor selector %v: %v", sel, err)
	}
	var out []corev1.Service
	for _, o := range r.objects {
		if o.GetKind() == "Service" && s.Matches(labels.Set(o.GetLabels())) {
			var svc corev1.Service
			convert(t, o, &svc)
			out = append(out, svc)
		}
	}
	if len(out) != 1 {
		t.Fatalf("the ServiceMonitor selects %d Services; want 1, the metrics Service", len(out))
	}
	return out[0]
}

// namedPort returns the container port of c named name.
func namedPort(t *testing.T, c corev1.Container, name string) int32 {
	t.Helper()
	i := slices.IndexFunc(c.Ports, func(p corev1.ContainerPort) bool { return p.Name == name })
	if i < 0 {
		t.Fatalf("container %s has no port %s", c.Name, name)
	}
	return c.Ports[i].ContainerPort
}

// bindPort returns the port of a serve bind address such as ":8443".
func bindPort(t *testing.T, addr string) int32 {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	n, perr := strconv.ParseInt(p, 10, 32)
	if err != nil || perr != nil {
		t.Fatalf("bind address %q: want host:port", addr)
	}
	return int32(n)
}

// verifiedTLS returns the tlsConfig that verifies the metrics server's certificate: the
// ca.crt of the Secret mounted at --metrics-cert-dir, which a Certificate of the chart fills,
// for the first of that Certificate's names.
func verifiedTLS(t *testing.T, r *rendered, c corev1.Container, opts *app.ServeOptions) map[string]any {
	t.Helper()
	var d struct {
		Spec struct {
			Template struct {
				Spec corev1.PodSpec `json:"spec"`
			} `json:"template"`
		} `json:"spec"`
	}
	convert(t, find(t, r.objects, "Deployment.apps", ""), &d)
	m := slices.IndexFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.MountPath == opts.MetricsCertDir })
	if opts.MetricsCertDir == "" || m < 0 {
		t.Fatalf("--metrics-cert-dir %q: want the mount of a certificate's Secret", opts.MetricsCertDir)
	}
	volumes := d.Spec.Template.Spec.Volumes
	v := slices.IndexFunc(volumes, func(v corev1.Volume) bool { return v.Name == c.VolumeMounts[m].Name })
	if v < 0 || volumes[v].Secret == nil {
		t.Fatalf("--metrics-cert-dir %s: not a Secret's volume", opts.MetricsCertDir)
	}
	secret := volumes[v].Secret.SecretName
	for _, o := range r.objects {
		names, _, _ := unstructured.NestedStringSlice(o.Object, "spec", "dnsNames")
		if name, _, _ := unstructured.NestedString(o.Object, "spec", "secretName"); o.GetKind() == "Certificate" && name == secret && len(names) > 0 {
			return map[string]any{
				"serverName": names[0],
				"ca":         map[string]any{"secret": map[string]any{"name": secret, "key": "ca.crt"}},
			}
		}
	}
	t.Fatalf("no Certificate fills the Secret %s at --metrics-cert-dir", secret)
	return nil
}

// TestCallerBindings checks that metrics.readers and git.refreshers bind the callers' roles to
// the subjects given, and that without them the roles are bound to nobody (as in the kustomize
// install).
func TestCallerBindings(t *testing.T) {
	const git = "git: {enabled: true, token: not-a-real-token}"
	prometheus := rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: "prometheus-k8s", Namespace: "monitoring"}
	flux := rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: "kustomize-controller", Namespace: "flux-system"}
	tests := []struct {
		name   string
		values []string
		want   map[string][]rbacv1.Subject // ClusterRole -> subjects
	}{
		{name: "defaults", values: []string{git}, want: map[string][]rbacv1.Subject{}},
		{
			name:   "readers and refreshers",
			values: []string{git, "metrics: {readers: [{kind: ServiceAccount, name: prometheus-k8s, namespace: monitoring}]}", "git: {refreshers: [{kind: ServiceAccount, name: kustomize-controller, namespace: flux-system}]}"},
			want:   map[string][]rbacv1.Subject{releaseName + "-metrics-reader": {prometheus}, releaseName + "-refresh": {flux}},
		},
		{
			name:   "refreshers without git",
			values: []string{"git: {refreshers: [{kind: ServiceAccount, name: kustomize-controller, namespace: flux-system}]}"},
			want:   map[string][]rbacv1.Subject{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string][]rbacv1.Subject{}
			for _, o := range renderChart(t, tt.values...).objects {
				if o.GetKind() != "ClusterRoleBinding" {
					continue
				}
				var b rbacv1.ClusterRoleBinding
				convert(t, o, &b)
				if b.RoleRef.Name != releaseName { // the ServiceAccount's own
					got[b.RoleRef.Name] = b.Subjects
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("bindings of the callers' roles (-want +got):\n%s", diff)
			}
		})
	}
}
