package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// perNamespace is how many objects of the corpus share a namespace.
const perNamespace = 500

// lastApplied is the annotation in which `kubectl apply` keeps what it applied; kubectl diff
// (client side) reads it to compute its three-way patch.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// corpus is N tracked objects as Git has them: 60% Deployments, 20% Services, 20% ConfigMaps,
// 500 to a namespace, one file each, each with an annotation. (Without any annotation,
// `kubectl diff --server-side` reports every object `kubectl apply` created: it rewrites the
// last-applied annotation without the empty "annotations" map client-side apply put in it.) One object in driftEvery drifts once populated, the
// drifted ones cycling through the three kinds.
type corpus struct {
	namespaces []string
	objects    []*unstructured.Unstructured
	drifted    map[string]bool // by objectKey
}

// newCorpus builds the corpus of n objects; namespaces are prefix-0, prefix-1, ...
func newCorpus(n, driftEvery int, prefix string) *corpus {
	c := &corpus{drifted: map[string]bool{}}
	for i := range n {
		ns := fmt.Sprintf("%s-%d", prefix, i/perNamespace)
		if i%perNamespace == 0 {
			c.namespaces = append(c.namespaces, ns)
		}
		obj := corpusObject(i, ns)
		c.objects = append(c.objects, obj)
		// Block b of driftEvery objects drifts at offset b%5: with driftEvery a multiple of 5,
		// the drifted objects cycle through the kinds (i%5 picks the kind).
		if b := i / driftEvery; i%driftEvery == b%5 {
			c.drifted[objectKey(obj.GetKind(), obj.GetNamespace(), obj.GetName())] = true
		}
	}
	return c
}

// objectKey names an object the way every tool's output is reduced to.
func objectKey(kind, namespace, name string) string {
	return kind + " " + namespace + "/" + name
}

func corpusObject(i int, ns string) *unstructured.Unstructured {
	app := fmt.Sprintf("app-%d", i)
	var obj map[string]any
	switch i % 5 {
	case 0, 1, 2:
		obj = deployment(ns, app, i)
	case 3:
		obj = map[string]any{
			"apiVersion": "v1", "kind": "Service",
			"metadata": meta(fmt.Sprintf("svc-%d", i), ns),
			"spec": map[string]any{
				"selector": map[string]any{"app": app},
				"ports":    []any{map[string]any{"name": "http", "port": int64(80), "targetPort": int64(8080)}},
			},
		}
	default:
		obj = map[string]any{
			"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": meta(fmt.Sprintf("cfg-%d", i), ns),
			"data":     map[string]any{"LOG_LEVEL": "info", "TTL": "300", "ID": fmt.Sprint(i)},
		}
	}
	return &unstructured.Unstructured{Object: obj}
}

// meta returns the metadata of a corpus object.
func meta(name, ns string) map[string]any {
	return map[string]any{"name": name, "namespace": ns, "annotations": map[string]any{"example.com/owner": "team-" + ns}}
}

func deployment(ns, app string, i int) map[string]any {
	labels := map[string]any{"app": app}
	md := meta(app, ns)
	md["labels"] = map[string]any{"app": app, "tier": "web"}
	return map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": md,
		"spec": map[string]any{
			"replicas": int64(2),
			"selector": map[string]any{"matchLabels": labels},
			"template": map[string]any{
				"metadata": map[string]any{"labels": labels},
				"spec": map[string]any{"containers": []any{
					map[string]any{
						"name": "app", "image": fmt.Sprintf("registry.example.com/app:1.%d", i),
						"ports": []any{map[string]any{"containerPort": int64(8080)}},
						"env": []any{
							map[string]any{"name": "MODE", "value": "prod"},
							map[string]any{"name": "ID", "value": fmt.Sprint(i)},
						},
						"resources": map[string]any{
							"requests": map[string]any{"cpu": "100m", "memory": "128Mi"},
							"limits":   map[string]any{"cpu": "1", "memory": "256Mi"},
						},
					},
					map[string]any{"name": "log", "image": "busybox:1.36", "args": []any{"tail", "-f", "/var/log/app.log"}},
				}},
			},
		},
	}
}

// write writes one YAML file per object into dir, flat, as `kubectl diff -f DIR` reads them.
func (c *corpus) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	for _, obj := range c.objects {
		data, err := yaml.Marshal(obj.Object)
		if err != nil {
			return fmt.Errorf("encode %s: %w", obj.GetName(), err)
		}
		name := fmt.Sprintf("%s-%s-%s.yaml", obj.GetNamespace(), obj.GetKind(), obj.GetName())
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}

// applied returns obj as `kubectl apply` (client side) creates it: with the
// last-applied-configuration annotation holding the object itself, as kubectl encodes it.
func applied(obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	out := obj.DeepCopy()
	// kubectl sets the annotations (an empty map if there were none) before encoding, and its
	// JSON encoder ends with a newline.
	annots := out.GetAnnotations()
	if annots == nil {
		annots = map[string]string{}
	}
	delete(annots, lastApplied)
	out.SetAnnotations(annots)
	data, err := json.Marshal(out.Object)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", obj.GetName(), err)
	}
	annots[lastApplied] = string(data) + "\n"
	out.SetAnnotations(annots)
	return out, nil
}

// drift returns the patch that makes a corpus object drift in a field Git sets: a
// Deployment's image, a Service's selector, a ConfigMap's value.
func drift(obj *unstructured.Unstructured) string {
	switch obj.GetKind() {
	case "Deployment":
		return `{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"registry.example.com/app:debug"}]}}}}`
	case "Service":
		return `{"spec":{"selector":{"app":"other"}}}`
	default:
		return `{"data":{"LOG_LEVEL":"debug"}}`
	}
}
