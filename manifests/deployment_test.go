package manifests_test

import (
	"net"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/gitops-drift/gitops-drift/cmd/gitops-drift/app"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
)

const (
	containerName = "gitops-drift"
	image         = "ghcr.io/gitops-drift/gitops-drift:latest"
)

// gitopsDriftContainer returns the Deployment's gitops-drift container.
func gitopsDriftContainer(t *testing.T, d *appsv1.Deployment) *corev1.Container {
	t.Helper()
	cs := d.Spec.Template.Spec.Containers
	i := slices.IndexFunc(cs, func(c corev1.Container) bool { return c.Name == containerName })
	if i < 0 {
		t.Fatalf("Deployment %s has no container %q", d.Name, containerName)
	}
	return &cs[i]
}

// serveOptions parses the container's args as `gitops-drift serve` does.
func serveOptions(t *testing.T, c *corev1.Container) *app.ServeOptions {
	t.Helper()
	if len(c.Command) != 0 || len(c.Args) == 0 || c.Args[0] != "serve" {
		t.Fatalf("container %s: command %q, args %q; want the image's entrypoint with args serve ...", c.Name, c.Command, c.Args)
	}
	opts, err := app.ParseServeArgs(c.Args[1:])
	if err != nil {
		t.Fatalf("container %s: args %q are not valid serve flags: %v", c.Name, c.Args[1:], err)
	}
	return opts
}

// containerPort resolves p (a number or a port name) against c's ports, failing the test
// unless c declares it.
func containerPort(t *testing.T, c *corev1.Container, p intstr.IntOrString) int32 {
	t.Helper()
	for _, cp := range c.Ports {
		if (p.Type == intstr.String && cp.Name == p.StrVal) || (p.Type == intstr.Int && cp.ContainerPort == p.IntVal) {
			return cp.ContainerPort
		}
	}
	t.Fatalf("container %s declares no port %s", c.Name, p.String())
	return 0
}

// bindPort returns the port of a serve bind address such as ":8081".
func bindPort(t *testing.T, flag, addr string) int32 {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	n, perr := strconv.ParseInt(p, 10, 32)
	if err != nil || perr != nil {
		t.Fatalf("%s %q: want host:port", flag, addr)
	}
	return int32(n)
}

// mountedVolume returns the volume mounted at dir in c.
func mountedVolume(t *testing.T, d *appsv1.Deployment, c *corev1.Container, dir string) corev1.Volume {
	t.Helper()
	i := slices.IndexFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return path.Clean(m.MountPath) == path.Clean(dir) })
	if i < 0 {
		t.Fatalf("container %s mounts nothing at %s", c.Name, dir)
	}
	m := c.VolumeMounts[i]
	if !m.ReadOnly || m.SubPath != "" {
		t.Errorf("mount at %s: readOnly %t, subPath %q; want read-only, no subPath (which would stop updates)", dir, m.ReadOnly, m.SubPath)
	}
	vs := d.Spec.Template.Spec.Volumes
	j := slices.IndexFunc(vs, func(v corev1.Volume) bool { return v.Name == m.Name })
	if j < 0 {
		t.Fatalf("Deployment %s has no volume %q", d.Name, m.Name)
	}
	return vs[j]
}

func TestServeArgs(t *testing.T) {
	c := gitopsDriftContainer(t, only[*appsv1.Deployment](t, loadInstall(t)))
	opts := serveOptions(t, c)
	if opts.Log.Format != "json" {
		t.Errorf("--log-format %q; want json", opts.Log.Format)
	}
	if opts.CertDir != "/tmp/k8s-webhook-server/serving-certs" || opts.Manifests != "/etc/gitops-drift/desired" {
		t.Errorf("--cert-dir %q, --manifests %q; want /tmp/k8s-webhook-server/serving-certs and /etc/gitops-drift/desired", opts.CertDir, opts.Manifests)
	}
	if !opts.LeaderElect {
		t.Errorf("args %q: want --leader-elect (two replicas)", c.Args)
	}
	if opts.Remediate {
		t.Errorf("args %q: remediation must be opt-in, off in the install", c.Args)
	}
}

func TestPorts(t *testing.T) {
	c := gitopsDriftContainer(t, only[*appsv1.Deployment](t, loadInstall(t)))
	opts := serveOptions(t, c)
	health := bindPort(t, "--health-probe-bind-address", opts.HealthProbeBindAddress)
	probes := []struct {
		name  string
		probe *corev1.Probe
		path  string
	}{
		{"readinessProbe", c.ReadinessProbe, "/readyz"},
		{"livenessProbe", c.LivenessProbe, "/healthz"},
	}
	for _, p := range probes {
		if p.probe == nil || p.probe.HTTPGet == nil {
			t.Errorf("%s: want an httpGet probe", p.name)
			continue
		}
		if got := p.probe.HTTPGet; got.Path != p.path || containerPort(t, c, got.Port) != health {
			t.Errorf("%s: GET %s on port %s; want %s on %d (--health-probe-bind-address)", p.name, got.Path, got.Port.String(), p.path, health)
		}
	}
	metrics := bindPort(t, "--metrics-bind-address", opts.MetricsBindAddress)
	containerPort(t, c, intstr.FromInt32(metrics))
	if got := containerPort(t, c, intstr.FromString("webhook")); got != int32(opts.WebhookPort) {
		t.Errorf("container port webhook is %d; --webhook-port is %d", got, opts.WebhookPort)
	}
}

func TestReplicasAndDisruptionBudget(t *testing.T) {
	in := loadInstall(t)
	d := only[*appsv1.Deployment](t, in)
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 2 {
		t.Errorf("Deployment replicas %v; want 2", d.Spec.Replicas)
	}
	pods := labels.Set(d.Spec.Template.Labels)
	pdb := only[*policyv1.PodDisruptionBudget](t, in)
	if pdb.Spec.MinAvailable == nil || *pdb.Spec.MinAvailable != intstr.FromInt32(1) {
		t.Errorf("PodDisruptionBudget minAvailable %v; want 1", pdb.Spec.MinAvailable)
	}
	if diff := cmp.Diff(d.Spec.Selector, pdb.Spec.Selector); diff != "" {
		t.Errorf("PodDisruptionBudget selector differs from the Deployment's (-deployment +pdb):\n%s", diff)
	}
	for what, sel := range map[string]*metav1.LabelSelector{"Deployment selector": d.Spec.Selector, "PodDisruptionBudget selector": pdb.Spec.Selector} {
		if s, err := metav1.LabelSelectorAsSelector(sel); err != nil || s.Empty() || !s.Matches(pods) {
			t.Errorf("%s %v does not select the pod labels %v (%v)", what, sel, pods, err)
		}
	}
	terms := d.Spec.Template.Spec.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution
	if len(terms) != 1 || terms[0].PodAffinityTerm.TopologyKey != corev1.LabelHostname ||
		!matches(terms[0].PodAffinityTerm.LabelSelector, pods) {
		t.Errorf("pod anti-affinity %+v; want one preferred term by %s selecting the pods", terms, corev1.LabelHostname)
	}
}

func matches(sel *metav1.LabelSelector, l labels.Set) bool {
	s, err := metav1.LabelSelectorAsSelector(sel)
	return err == nil && !s.Empty() && s.Matches(l)
}

func TestPodHardening(t *testing.T) {
	in := loadInstall(t)
	d := only[*appsv1.Deployment](t, in)
	pod, c := d.Spec.Template.Spec, gitopsDriftContainer(t, d)
	sa := only[*corev1.ServiceAccount](t, in)
	if c.Image != image || c.ImagePullPolicy != corev1.PullIfNotPresent {
		t.Errorf("image %s (%s); want %s (IfNotPresent)", c.Image, c.ImagePullPolicy, image)
	}
	psc, sc := pod.SecurityContext, c.SecurityContext
	if psc == nil || sc == nil || sc.Capabilities == nil {
		t.Fatal("want a pod and a container securityContext with capabilities")
	}
	checks := map[string]bool{
		"runAsNonRoot":                   psc.RunAsNonRoot != nil && *psc.RunAsNonRoot,
		"readOnlyRootFilesystem":         sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem,
		"allowPrivilegeEscalation=false": sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation,
		"capabilities drop ALL":          slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) && len(sc.Capabilities.Add) == 0,
		"seccompProfile RuntimeDefault":  psc.SeccompProfile != nil && psc.SeccompProfile.Type == corev1.SeccompProfileTypeRuntimeDefault,
		"serviceAccountName":             pod.ServiceAccountName == sa.Name,
	}
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		_, req := c.Resources.Requests[r]
		_, lim := c.Resources.Limits[r]
		checks["requests and limits of "+string(r)] = req && lim
	}
	for name, ok := range checks {
		if !ok {
			t.Errorf("Deployment %s: want %s", d.Name, name)
		}
	}
}

// TestDesiredState checks that the desired-state ConfigMap is mounted at --manifests and that
// its example loads, with kinds the webhook judges.
func TestDesiredState(t *testing.T) {
	in := loadInstall(t)
	d := only[*appsv1.Deployment](t, in)
	c := gitopsDriftContainer(t, d)
	opts := serveOptions(t, c)
	cm := only[*corev1.ConfigMap](t, in)
	if v := mountedVolume(t, d, c, opts.Manifests); v.ConfigMap == nil || v.ConfigMap.Name != cm.Name {
		t.Fatalf("volume %q at --manifests %s is not the ConfigMap %s", v.Name, opts.Manifests, cm.Name)
	}
	files := fstest.MapFS{}
	for k, v := range cm.Data {
		files[k] = &fstest.MapFile{Data: []byte(v)}
	}
	set, err := manifest.LoadFS(files, manifest.Options{Namespace: opts.Namespace})
	if err != nil {
		t.Fatalf("ConfigMap %s does not load as desired state: %v", cm.Name, err)
	}
	if set.Len() == 0 {
		t.Fatalf("ConfigMap %s holds no desired object", cm.Name)
	}
	judged := webhookResources(only[*admissionregistrationv1.ValidatingWebhookConfiguration](t, in))
	for _, o := range set.Objects() {
		if gr := guessResource(o.Obj.GroupVersionKind()); !judged[gr] {
			t.Errorf("%s: the example's kind (%s) is not in the webhook's rules", o.Key(), gr)
		}
	}
}

// TestGoMemLimit checks that GOMEMLIMIT, the Go runtime's soft memory limit, is 90% of the
// container's memory limit in whole MiB, as the chart computes it (goMemLimitPercent): below
// the limit, where the kernel kills the container, and not so far below that the heap gives
// up room it has.
func TestGoMemLimit(t *testing.T) {
	c := gitopsDriftContainer(t, only[*appsv1.Deployment](t, loadInstall(t)))
	i := slices.IndexFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == "GOMEMLIMIT" })
	if i < 0 {
		t.Fatal("no GOMEMLIMIT in the container's env")
	}
	mib, ok := strings.CutSuffix(c.Env[i].Value, "MiB")
	n, err := strconv.ParseInt(mib, 10, 64)
	if !ok || err != nil {
		t.Fatalf("GOMEMLIMIT %q: want whole MiB, such as 460MiB", c.Env[i].Value)
	}
	limit := c.Resources.Limits.Memory().Value()
	if want := limit * 90 / 100 / (1 << 20); n != want {
		t.Errorf("GOMEMLIMIT %dMiB; want %dMiB, 90%% of the memory limit %s", n, want, c.Resources.Limits.Memory())
	}
}
