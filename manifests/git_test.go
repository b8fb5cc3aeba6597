package manifests_test

import (
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
	// The credential files are keys of the Secret, mounted read-only.
	for flag, file := range map[string]string{"--git-token-file": opts.Git.Auth.TokenFile, "--git-refresh-secret-file": opts.GitRefreshSecretFile} {
		v := mountedVolume(t, d, c, path.Dir(file))
		if v.Secret == nil || v.Secret.SecretName != secret.Name {
			t.Errorf("%s %s: not in a volume of Secret %s", flag, file, secret.Name)
			continue
		}
		if _, ok := secret.Data[path.Base(file)]; !ok {
			t.Errorf("%s %s: Secret %s has no key %s", flag, file, secret.Name, path.Base(file))
		}
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
// Secret only; every other object is the ConfigMap install's.
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
	if got, want := keys(render(t, partGit)), keys(loadInstall(t)); !slices.Equal(got, want) {
		t.Errorf("objects of the Git install %q; want those of the ConfigMap install %q", got, want)
	}
}
