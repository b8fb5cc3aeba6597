package chart_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/gitops-drift/gitops-drift/pkg/source"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

const (
	// chartDir is the chart under test, and manifestsDir the kustomize install.
	chartDir     = "../../charts/gitops-drift"
	manifestsDir = "../../manifests"
	// releaseName gives the chart the kustomize install's names; releaseNamespace is its
	// namespace.
	releaseName      = "gitops-drift"
	releaseNamespace = "drift-system"
)

// parts are the opt-in parts of the install: the kustomize Components of manifests/ in the
// order manifests/kustomization.yaml lists them, and the chart's values that mirror them.
var parts = []struct {
	component string // a directory of manifests/
	values    string // YAML: the chart's values that turn it on
}{
	{"git", "git: {enabled: true, token: not-a-real-token}"},
	{"remediation", "remediation: {enabled: true}"},
	{"policy-reports", "policyReports: {enabled: true}"},
	{"secrets", "secrets: {enabled: true}"},
}

// combinations returns every subset of the parts' indexes, the empty one first.
func combinations() [][]int {
	out := [][]int{{}}
	for i := range parts {
		for _, c := range out {
			out = append(out, append(slices.Clone(c), i))
		}
	}
	slices.SortStableFunc(out, func(a, b []int) int { return len(a) - len(b) })
	return out
}

// combinationName names a combination in subtests: "default", "git+secrets".
func combinationName(on []int) string {
	if len(on) == 0 {
		return "default"
	}
	var names []string
	for _, i := range on {
		names = append(names, parts[i].component)
	}
	return strings.Join(names, "+")
}

// partValues returns the chart's values that turn the parts on on.
func partValues(on []int) []string {
	var out []string
	for _, i := range on {
		out = append(out, parts[i].values)
	}
	return out
}

// values merges YAML documents of values, later ones winning, as `helm -f a -f b` does.
func values(t *testing.T, docs ...string) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, d := range docs {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(d), &m); err != nil {
			t.Fatalf("values %q: %v", d, err)
		}
		out = util.MergeTables(m, out)
	}
	return out
}

// rendered is the output of a rendering: its objects, and the chart's NOTES.txt.
type rendered struct {
	objects []*unstructured.Unstructured
	notes   string
}

// renderChart renders the chart as `helm template gitops-drift charts/gitops-drift -n
// drift-system` does with the values docs (YAML), strict about undefined values.
func renderChart(t *testing.T, docs ...string) *rendered {
	t.Helper()
	return renderChartIn(t, releaseNamespace, docs...)
}

// renderChartIn renders the chart as renderChart does, in namespace ns.
func renderChartIn(t *testing.T, ns string, docs ...string) *rendered {
	t.Helper()
	out, err := tryRenderChartIn(t, ns, docs...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func tryRenderChart(t *testing.T, docs ...string) (*rendered, error) {
	t.Helper()
	return tryRenderChartIn(t, releaseNamespace, docs...)
}

func tryRenderChartIn(t *testing.T, ns string, docs ...string) (*rendered, error) {
	t.Helper()
	ch, err := loader.Load(chartDir)
	if err != nil {
		t.Fatal(err)
	}
	caps := common.DefaultCapabilities.Copy()
	caps.KubeVersion = common.KubeVersion{Version: kubeenv.Version, Major: "1", Minor: "37"}
	vals, err := util.ToRenderValues(ch, values(t, docs...), common.ReleaseOptions{Name: releaseName, Namespace: ns, IsInstall: true, Revision: 1}, caps)
	if err != nil {
		return nil, err
	}
	files, err := engine.Engine{Strict: true}.RenderWithContext(t.Context(), ch, vals)
	if err != nil {
		return nil, err
	}
	out := &rendered{}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		switch base := filepath.Base(name); {
		case base == "NOTES.txt":
			out.notes = files[name]
			continue
		case strings.HasPrefix(base, "_"):
			continue
		}
		objs, err := decode([]byte(files[name]))
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, files[name])
		}
		out.objects = append(out.objects, objs...)
	}
	return out, nil
}

// commentedPart matches a part's line in manifests/kustomization.yaml's commented-out
// components list.
var commentedPart = regexp.MustCompile(`(?m)^#   - (\S+).*\n`)

// renderKustomize renders manifests/ with the parts on turned on, as its kustomization.yaml
// says to (uncomment "components:" and their lines), with kustomize as `kubectl apply -k`
// runs it. The git part's credential file holds the value partValues gives the chart.
func renderKustomize(t *testing.T, on []int) []*unstructured.Unstructured {
	t.Helper()
	dir := t.TempDir()
	err := filepath.WalkDir(manifestsDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(manifestsDir, p)
		switch {
		case d.IsDir() && rel == "crds":
			return fs.SkipDir
		case d.IsDir():
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		case filepath.Ext(p) != ".yaml":
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if rel == "kustomization.yaml" && len(on) > 0 {
			list := "components:\n"
			for _, i := range on {
				list += "  - " + parts[i].component + "\n"
			}
			data = []byte(strings.Replace(commentedPart.ReplaceAllString(string(data), ""), "# components:\n", list, 1))
		}
		return os.WriteFile(filepath.Join(dir, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "git", "token"), []byte("not-a-real-token"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := source.Kustomize(dir)
	if err != nil {
		t.Fatalf("kustomize build with %s: %v", combinationName(on), err)
	}
	objs, err := decode(out)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// decode returns the objects of a multi-document YAML stream; empty documents are skipped.
func decode(data []byte) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := yaml.Unmarshal(doc, &m); err != nil {
			return nil, err
		}
		if len(m) == 0 {
			continue
		}
		out = append(out, &unstructured.Unstructured{Object: m})
	}
}

// key names an object: "Deployment.apps drift-system/gitops-drift".
func key(u *unstructured.Unstructured) string {
	return u.GroupVersionKind().GroupKind().String() + " " + u.GetNamespace() + "/" + u.GetName()
}

// find returns the object of kind (Kind or Kind.group) and name (any name if ""), failing
// the test if absent.
func find(t *testing.T, objs []*unstructured.Unstructured, kind, name string) *unstructured.Unstructured {
	t.Helper()
	for _, o := range objs {
		if gk := o.GroupVersionKind().GroupKind(); (gk.String() == kind || gk.Kind == kind) && (name == "" || o.GetName() == name) {
			return o
		}
	}
	t.Fatalf("no %s %s among the objects", kind, name)
	return nil
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// unstructuredStringMap returns the string map at path of obj.
func unstructuredStringMap(obj map[string]any, path ...string) (map[string]string, bool, error) {
	return unstructured.NestedStringMap(obj, path...)
}
