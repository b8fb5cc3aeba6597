package chart_test

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// helmLabels are the labels the chart adds to every object (and pod) that the kustomize
// install does not have: Helm's own, which say which release and chart made an object.
var helmLabels = []string{"helm.sh/chart", "app.kubernetes.io/instance", "app.kubernetes.io/version", "app.kubernetes.io/managed-by"}

// withoutHelmLabels returns the objects by key, without helmLabels in their labels and in
// their pod templates' labels (selectors never hold them).
func withoutHelmLabels(t *testing.T, objs []*unstructured.Unstructured) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, o := range objs {
		o = o.DeepCopy()
		for _, path := range [][]string{{"metadata", "labels"}, {"spec", "template", "metadata", "labels"}} {
			l, found, err := unstructured.NestedStringMap(o.Object, path...)
			if err != nil {
				t.Fatalf("%s: %v", key(o), err)
			}
			if !found {
				continue
			}
			for _, k := range helmLabels {
				delete(l, k)
			}
			if err := unstructured.SetNestedStringMap(o.Object, l, path...); err != nil {
				t.Fatal(err)
			}
		}
		if _, dup := out[key(o)]; dup {
			t.Fatalf("%s rendered twice", key(o))
		}
		out[key(o)] = o.Object
	}
	return out
}

// TestChartIsTheKustomizeInstall renders the chart with its default values (namespace.create
// on, as for `helm template | kubectl apply`) and the kustomize install, each with every
// combination of the opt-in parts turned on, and checks that they are the same objects, field
// for field (list order included), but for Helm's own labels: one source for both installs.
func TestChartIsTheKustomizeInstall(t *testing.T) {
	for _, on := range combinations() {
		t.Run(combinationName(on), func(t *testing.T) {
			chart := withoutHelmLabels(t, renderChart(t, append([]string{"namespace: {create: true}"}, partValues(on)...)...).objects)
			kustomize := withoutHelmLabels(t, renderKustomize(t, on))
			if diff := cmp.Diff(slices.Sorted(maps.Keys(kustomize)), slices.Sorted(maps.Keys(chart))); diff != "" {
				t.Errorf("objects (-kustomize +chart):\n%s", diff)
			}
			for k, want := range kustomize {
				if got, ok := chart[k]; ok {
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("%s (-kustomize +chart):\n%s", k, diff)
					}
				}
			}
		})
	}
}

// TestHelmLabels checks that the labels the comparison ignores are on every object the chart
// renders, so that ignoring them hides nothing else.
func TestHelmLabels(t *testing.T) {
	for _, o := range renderChart(t, "namespace: {create: true}").objects {
		for _, l := range append(slices.Clone(helmLabels), "app.kubernetes.io/name") {
			if _, ok := o.GetLabels()[l]; !ok {
				t.Errorf("%s has no label %s", key(o), l)
			}
		}
	}
}

// TestImageTag checks that the chart installs the image tag the kustomize install pins
// (manifests/kustomization.yaml's newTag): the chart's appVersion, which a release sets to
// the version `gitops-drift version` reports, with the newTag.
func TestImageTag(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(manifestsDir, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var k struct {
		Images []struct {
			Name   string `json:"name"`
			NewTag string `json:"newTag"`
		} `json:"images"`
	}
	if err := yaml.Unmarshal(data, &k); err != nil {
		t.Fatal(err)
	}
	ch, err := loader.Load(chartDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Images) != 1 || k.Images[0].NewTag != ch.Metadata.AppVersion {
		t.Errorf("kustomization.yaml images %+v; want one, tagged %q (the chart's appVersion)", k.Images, ch.Metadata.AppVersion)
	}
	d := find(t, renderChart(t).objects, "Deployment.apps", releaseName)
	c, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
	if got, want := c[0].(map[string]any)["image"], k.Images[0].Name+":"+ch.Metadata.AppVersion; got != want {
		t.Errorf("image %v; want %s", got, want)
	}
}
