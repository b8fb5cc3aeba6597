package manifests_test

import (
	"maps"
	"path"
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

func TestGitInstall(t *testing.T) {
	in := render(t, partGit)
	for _, cm := range all[*corev1.ConfigMap](in) {
		t.Errorf("the Git install keeps ConfigMap %s", cm.Name)
	}
	secret := only[*corev1.Secret](t, in)
	if secret.Name != "gitops-drift-git" || secret.Namespace != installNamespace {
		t.Errorf("Secret %s/%s; want %s/gitops-drift-git", secret.Namespace, secret.Name, installNamespace)
	}
	d := only[*appsv1.Deployment](t, in)
	c := gitopsDriftContainer(t, d)
	opts := serveOptions(t, c)
	if opts.Manifests != "" || opts.Git.URL == "" || !opts.LeaderElect || opts.Remediate {
		t.Errorf("args %q: want --git-url without --manifests, --leader-elect, no --remediate", c.Args)
	}
	// The credential file is a key of the Secret, mounted read-only, and the Secret's only key:
	// with secure metrics, callers of /git/refresh are authorized by RBAC, not by a shared
	// secret (gitops-drift-refresh, TestCallerRoles).
	file := opts.Git.Auth.TokenFile
	if v := mountedVolume(t, d, c, path.Dir(file)); v.Secret == nil || v.Secret.SecretName != secret.Name {
		t.Errorf("--git-token-file %s: not in a volume of Secret %s", file, secret.Name)
	}
	if keys := slices.Sorted(maps.Keys(secret.Data)); !slices.Equal(keys, []string{path.Base(file)}) {
		t.Errorf("Secret %s has keys %q; want only %s, --git-token-file's", secret.Name, keys, path.Base(file))
	}
	if opts.GitRefreshSecretFile != "" || !secureMetrics(opts) {
		t.Errorf("args %q: want secure metrics, no --git-refresh-secret-file (ignored with them)", c.Args)
	}
	// The cache is a writable emptyDir: the root filesystem is read-only.
	i := slices.IndexFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.MountPath == opts.Git.CacheDir })
	if i < 0 || c.VolumeMounts[i].ReadOnly {
		t.Fatalf("--git-cache-dir %s: want a writable mount", opts.Git.CacheDir)
	}
	vi := slices.IndexFunc(d.Spec.Template.Spec.Volumes, func(v corev1.Volume) bool { return v.Name == c.VolumeMounts[i].Name })
	if vi < 0 || d.Spec.Template.Spec.Volumes[vi].EmptyDir == nil {
		t.Errorf("--git-cache-dir %s: want an emptyDir volume", opts.Git.CacheDir)
	}
	for _, v := range d.Spec.Template.Spec.Volumes {
		if v.ConfigMap != nil {
			t.Errorf("volume %s still mounts ConfigMap %s", v.Name, v.ConfigMap.Name)
		}
	}
	// A stale Git must not take the webhook out of its Service: readiness leaves git-fresh out.
	if p := c.ReadinessProbe; p == nil || p.HTTPGet == nil || p.HTTPGet.Path != "/readyz?exclude=git-fresh" {
		t.Errorf("readinessProbe %+v; want GET /readyz?exclude=git-fresh", p)
	}
	if p := c.LivenessProbe; p == nil || p.HTTPGet == nil || p.HTTPGet.Path != "/healthz" {
		t.Errorf("livenessProbe %+v; want GET /healthz, as in the ConfigMap install", p)
	}
}

// TestGitInstallKeepsTheRest: the component changes the Deployment, the ConfigMap and the
// Secret, and adds the ClusterRole of /git/refresh's callers; every other object is the
// ConfigMap install's.
func TestGitInstallKeepsTheRest(t *testing.T) {
	keys := func(in *install) []string {
		var out []string
		for _, o := range in.objects {
			switch o.obj.(type) {
			case *corev1.ConfigMap, *corev1.Secret:
				continue
			}
			out = append(out, o.key())
		}
		slices.Sort(out)
		return out
	}
	want := append(keys(loadInstall(t)), "ClusterRole.rbac.authorization.k8s.io /gitops-drift-refresh")
	slices.Sort(want)
	if got := keys(render(t, partGit)); !slices.Equal(got, want) {
		t.Errorf("objects of the Git install %q; want those of the ConfigMap install %q", got, want)
	}
}
