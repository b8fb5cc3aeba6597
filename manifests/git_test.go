package manifests_test

import (
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/gitops-drift/gitops-drift/pkg/source"
)

// gitInstall renders the install with the git component turned on, as the comments of
// kustomization.yaml and git/kustomization.yaml say to do, in a copy of manifests/, with
// kustomize as `kubectl apply -k` runs it, and decodes the objects.
func gitInstall(t *testing.T) *install {
	t.Helper()
	dir := t.TempDir()
	files, err := filepath.Glob("*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	gitFiles, err := filepath.Glob("git/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "git"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range append(files, gitFiles...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if f == "kustomization.yaml" {
			on := strings.Replace(string(data), "# components:\n#   - git\n", "components:\n  - git\n", 1)
			if on == string(data) {
				t.Fatal("kustomization.yaml has no commented-out components: [git] to turn on")
			}
			data = []byte(on)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"git/token", "git/refresh-secret"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("not-a-real-"+path.Base(f)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out, err := source.Kustomize(dir)
	if err != nil {
		t.Fatalf("render the Git install: %v", err)
	}
	objs, err := decodeAll(newDecoder(t), "kustomize build", out)
	if err != nil {
		t.Fatal(err)
	}
	return &install{objects: objs}
}

func TestGitInstall(t *testing.T) {
	in := gitInstall(t)
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
	if got, want := keys(gitInstall(t)), keys(loadInstall(t)); !slices.Equal(got, want) {
		t.Errorf("objects of the Git install %q; want those of the ConfigMap install %q", got, want)
	}
}
