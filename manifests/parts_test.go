package manifests_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/gitops-drift/gitops-drift/pkg/source"
)

// The opt-in parts of the install: kustomize Components in the directories of these names,
// listed (commented out) in kustomization.yaml in this order. A Helm chart mirrors them with
// switches of the same names.
const (
	partGit           = "git"
	partRemediation   = "remediation"
	partPolicyReports = "policy-reports"
	partSecrets       = "secrets"
)

// parts are the opt-in parts in kustomization.yaml's order.
var parts = []string{partGit, partRemediation, partPolicyReports, partSecrets}

// combinations returns every subset of parts, each in kustomization.yaml's order, the empty
// one (the default install) first.
func combinations() [][]string {
	out := [][]string{{}}
	for _, p := range parts {
		for _, c := range out {
			out = append(out, append(slices.Clone(c), p))
		}
	}
	slices.SortStableFunc(out, func(a, b []string) int { return len(a) - len(b) })
	return out
}

// name names a combination in subtests: "default", "git+secrets".
func name(on []string) string {
	if len(on) == 0 {
		return "default"
	}
	return strings.Join(on, "+")
}

// has reports whether the combination on turns part on.
func has(on []string, part string) bool { return slices.Contains(on, part) }

// commentedPart matches a part's line in kustomization.yaml's commented-out components list.
var commentedPart = regexp.MustCompile(`(?m)^#   - (\S+).*\n`)

// render renders the install with the parts on turned on, in that order, as
// kustomization.yaml's comments say to do (uncomment "components:" and the parts' lines), in
// a copy of manifests/, with kustomize as `kubectl apply -k` runs it, and decodes the objects.
// The git part's credential file is written with a placeholder value.
func render(t *testing.T, on ...string) *install {
	t.Helper()
	dir := t.TempDir()
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && p == "crds":
			return fs.SkipDir // not part of the install (crds/README.md)
		case d.IsDir():
			return os.MkdirAll(filepath.Join(dir, p), 0o755)
		case filepath.Ext(p) != ".yaml":
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if p == "kustomization.yaml" {
			data = turnOn(t, data, on)
		}
		return os.WriteFile(filepath.Join(dir, p), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if has(on, partGit) {
		if err := os.WriteFile(filepath.Join(dir, partGit, "token"), []byte("not-a-real-token"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out, err := source.Kustomize(dir)
	if err != nil {
		t.Fatalf("render the install with %s: %v", name(on), err)
	}
	objs, err := decodeAll(newDecoder(t), "kustomize build", out)
	if err != nil {
		t.Fatal(err)
	}
	return &install{objects: objs}
}

// turnOn returns kustomization.yaml with "components:" uncommented and listing on, each of
// which must be listed commented out.
func turnOn(t *testing.T, kustomization []byte, on []string) []byte {
	t.Helper()
	if len(on) == 0 {
		return kustomization
	}
	s := string(kustomization)
	var listed []string
	for _, m := range commentedPart.FindAllStringSubmatch(s, -1) {
		listed = append(listed, m[1])
	}
	for _, p := range on {
		if !slices.Contains(listed, p) {
			t.Fatalf("kustomization.yaml does not list part %q among its commented-out components %q", p, listed)
		}
	}
	s = commentedPart.ReplaceAllString(s, "") // rewritten below, in the order asked for
	list := "components:\n"
	for _, p := range on {
		list += "  - " + p + "\n"
	}
	if !strings.Contains(s, "# components:\n") {
		t.Fatal(`kustomization.yaml has no commented-out "components:" to turn on`)
	}
	return []byte(strings.Replace(s, "# components:\n", list, 1))
}

// TestPartsAddTheirFlags checks each combination's Deployment args and webhook rules: each
// part turns on exactly its own flags (secrets has none: it sends Secrets to the webhook).
func TestPartsAddTheirFlags(t *testing.T) {
	for _, on := range combinations() {
		t.Run(name(on), func(t *testing.T) {
			in := render(t, on...)
			opts := serveOptions(t, gitopsDriftContainer(t, only[*appsv1.Deployment](t, in)))
			secrets := webhookResources(only[*admissionregistrationv1.ValidatingWebhookConfiguration](t, in))[schema.GroupResource{Resource: "secrets"}]
			got := map[string]bool{
				partGit:           opts.Git.URL != "" && opts.Manifests == "",
				partRemediation:   opts.Remediate,
				partPolicyReports: opts.PolicyReports,
				partSecrets:       secrets,
			}
			for _, p := range parts {
				if got[p] != has(on, p) {
					t.Errorf("part %s: turned on %t, want %t (args %q)", p, got[p], has(on, p), gitopsDriftContainer(t, only[*appsv1.Deployment](t, in)).Args)
				}
			}
			if !opts.LeaderElect || opts.NoAudit || opts.NoWebhook {
				t.Errorf("args: want --leader-elect, the webhook and the auditor in every combination")
			}
		})
	}
}

// TestPartsInAnyOrder renders every combination of two parts or more in the reverse order
// too: the same objects, the same args (as a set), the same permissions. Parts patch each
// other's objects (remediation and secrets add the Secret writes to whichever came first).
func TestPartsInAnyOrder(t *testing.T) {
	for _, on := range combinations() {
		if len(on) < 2 {
			continue
		}
		t.Run(name(on), func(t *testing.T) {
			reversed := slices.Clone(on)
			slices.Reverse(reversed)
			fwd, rev := render(t, on...), render(t, reversed...)
			type view struct {
				Keys, Args, Cluster, Namespaced []string
			}
			see := func(in *install) view {
				var v view
				for _, o := range in.objects {
					v.Keys = append(v.Keys, o.key())
				}
				v.Args = slices.Clone(gitopsDriftContainer(t, only[*appsv1.Deployment](t, in)).Args)
				cluster, namespaced := grants(t, in, serviceAccount(t, in))
				v.Cluster, v.Namespaced = permissions(cluster), permissions(namespaced)
				slices.Sort(v.Keys)
				slices.Sort(v.Args)
				return v
			}
			if diff := cmp.Diff(see(fwd), see(rev)); diff != "" {
				t.Errorf("in reverse order (-forward +reverse):\n%s", diff)
			}
		})
	}
}

// TestPartsListEveryFile checks that each part is a kustomize Component whose kustomization
// names every YAML file of its directory, as a resource or a patch: a file left out would be
// silently ignored.
func TestPartsListEveryFile(t *testing.T) {
	for _, p := range parts {
		t.Run(p, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(p, "kustomization.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var k struct {
				APIVersion string   `json:"apiVersion"`
				Kind       string   `json:"kind"`
				Resources  []string `json:"resources"`
				Patches    []struct {
					Path string `json:"path"`
				} `json:"patches"`
			}
			if err := yaml.Unmarshal(data, &k); err != nil {
				t.Fatal(err)
			}
			if k.APIVersion != "kustomize.config.k8s.io/v1alpha1" || k.Kind != "Component" {
				t.Errorf("%s/kustomization.yaml is a %s %s; want a kustomize.config.k8s.io/v1alpha1 Component", p, k.APIVersion, k.Kind)
			}
			got := slices.Clone(k.Resources)
			for _, patch := range k.Patches {
				got = append(got, patch.Path)
			}
			slices.Sort(got)
			files, err := filepath.Glob(filepath.Join(p, "*.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, f := range files {
				if b := filepath.Base(f); b != "kustomization.yaml" {
					want = append(want, b)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s/kustomization.yaml resources and patches differ from the YAML files beside it (-files +listed):\n%s", p, diff)
			}
		})
	}
}
