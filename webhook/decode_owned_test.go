package webhook

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
	"sigs.k8s.io/yaml"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/normalize"
	builtin "github.com/gitops-drift/gitops-drift/pkg/schema"
)

// handEditCorpus is where pkg/check keeps the live objects a real API server gave after a
// client-side kubectl apply of testdata/handedits/desired.yaml and each of its kubectl verbs
// (kubectl set env, set image, label, annotate, patch, scale): one file per verb, and
// applied.yaml for the state right after the apply.
const handEditCorpus = "../pkg/check/testdata/handedits"

// compileHandEditApp compiles testdata/handedits/desired.yaml (pkg/check's handEditApp) as
// pkg/check's offline tests do: built-in schemas and defaults, kubectl's hand-edit managers.
func compileHandEditApp(t *testing.T) *check.Desired {
	t.Helper()
	data, err := os.ReadFile("testdata/handedits/desired.yaml")
	if err != nil {
		t.Fatal(err)
	}
	set, err := manifest.LoadFS(fstest.MapFS{"desired.yaml": {Data: data}}, manifest.Options{Namespace: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	norm, err := normalize.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := check.Compiler{Schemas: builtin.NewResolver(nil), Normalizer: norm, Manual: check.DefaultManualManagers()}.Compile(set, testRevision)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// corpusObjects returns the objects of a file of handEditCorpus, by kind and name.
func corpusObjects(t *testing.T, file string) map[string]map[string]any {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var obj map[string]any
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			t.Fatal(err)
		}
		out[obj["kind"].(string)+"/"+obj["metadata"].(map[string]any)["name"].(string)] = obj
	}
	return out
}

// serverSide returns obj as a server-side apply would have left it: the client-side applier's
// entry is kubectl's Apply entry, and the last-applied annotation is gone.
func serverSide(t *testing.T, obj map[string]any) map[string]any {
	t.Helper()
	out := gitCopy(obj)
	md := out["metadata"].(map[string]any)
	if a, ok := md["annotations"].(map[string]any); ok {
		delete(a, "kubectl.kubernetes.io/last-applied-configuration")
	}
	for _, e := range md["managedFields"].([]any) {
		if e := e.(map[string]any); e["manager"] == "kubectl-client-side-apply" {
			e["manager"], e["operation"] = "kubectl", "Apply"
		}
	}
	return out
}

// ownedCase is an UPDATE from old to obj of the object of target.
type ownedCase struct {
	name     string
	target   *check.Target
	obj, old map[string]any
}

// TestDecodeOwnedCompares checks that decoding an object for the hand-edit search pruned to
// what Git sets and what the hand-edit managers own (decodeFor) hides nothing from
// CompareRequest: on the objects of pkg/check's hand-edit corpus (each kubectl verb, after a
// client-side apply and as a server-side apply would leave them) and on the benchmark's
// Deployment after more hand edits (kubectl edit of a list item, a whole container, a
// finalizer, the last-applied annotation), CompareRequest on it and on the whole decode give
// the same fields, and an UPDATE between the applied object and the edited one, either way,
// is judged alike from the decoded request (Handle) and from the review (ServeHTTP).
func TestDecodeOwnedCompares(t *testing.T) {
	var cases []ownedCase
	app := compileHandEditApp(t)
	applied := corpusObjects(t, filepath.Join(handEditCorpus, "applied.yaml"))
	files, err := filepath.Glob(filepath.Join(handEditCorpus, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		for key, obj := range corpusObjects(t, file) {
			kind, name, _ := strings.Cut(key, "/")
			group := ""
			if kind == "Deployment" {
				group = "apps"
			}
			tg := target(t, app, group, kind, "demo", name)
			old := applied[key]
			base := strings.TrimSuffix(filepath.Base(file), ".yaml") + "/" + key
			cases = append(cases,
				ownedCase{name: base + "/client-side", target: tg, obj: obj, old: old},
				ownedCase{name: base + "/server-side", target: tg, obj: serverSide(t, obj), old: serverSide(t, old)})
		}
	}
	bench := manualTarget(t)
	benchObj := benchApplied(t)
	edited := func(m ...mutator) map[string]any {
		obj := gitCopy(benchObj)
		for _, f := range m {
			f(t, obj, bench.Schema)
		}
		return obj
	}
	container := func(name string, fields map[string]any) map[string]any {
		return map[string]any{"f:spec": map[string]any{"f:template": map[string]any{"f:spec": map[string]any{"f:containers": map[string]any{
			`k:{"name":"` + name + `"}`: fields}}}}}
	}
	for _, c := range []struct {
		name string
		obj  map[string]any
	}{
		{"kubectl rollout restart, edited", edited()},
		{"image set by kubectl set image", edited(setField("spec.template.spec.containers[name=frontend].image", "shop/frontend:2"),
			handEdit("kubectl-set", "", container("frontend", map[string]any{"f:image": map[string]any{}})))},
		{"env variable added by kubectl set env", edited(
			setField("spec.template.spec.containers[name=frontend].env", []any{
				map[string]any{"name": "LOG_FORMAT", "value": "json"}, map[string]any{"name": "CACHE_URL", "value": "redis://cache:6379"},
				map[string]any{"name": "DEBUG", "value": "1"}}),
			handEdit("kubectl-set", "", container("frontend", map[string]any{"f:env": map[string]any{`k:{"name":"DEBUG"}`: map[string]any{".": map[string]any{}, "f:name": map[string]any{}, "f:value": map[string]any{}}}})))},
		{"env variable set by kubectl set env on a sidecar Git does not set", edited(
			handEdit("kubectl-set", "", container("istio-proxy", map[string]any{"f:env": map[string]any{`k:{"name":"X"}`: map[string]any{".": map[string]any{}, "f:name": map[string]any{}}}})))},
		{"container added by kubectl edit", edited(
			func(t testing.TB, obj map[string]any, s *diff.Schema) {
				spec, _ := lookupPath(obj, "spec.template.spec")
				cs := spec.(map[string]any)["containers"].([]any)
				spec.(map[string]any)["containers"] = append(cs, map[string]any{"name": "debug", "image": "busybox", "imagePullPolicy": "Always", "terminationMessagePath": "/dev/termination-log"})
			},
			handEdit("kubectl-edit", "", container("debug", map[string]any{".": map[string]any{}, "f:image": map[string]any{}, "f:name": map[string]any{}})))},
		{"finalizer added by kubectl patch", edited(setField("metadata.finalizers", []any{"example.com/hold"}),
			handEdit("kubectl-patch", "", map[string]any{"f:metadata": map[string]any{"f:finalizers": map[string]any{".": map[string]any{}, `v:"example.com/hold"`: map[string]any{}}}}))},
		{"last-applied annotation and a label rewritten by kubectl edit", edited(setField("metadata.labels.team", "x"),
			handEdit("kubectl-edit", "", map[string]any{"f:metadata": map[string]any{
				"f:annotations": map[string]any{"f:kubectl.kubernetes.io/last-applied-configuration": map[string]any{}},
				"f:labels":      map[string]any{"f:team": map[string]any{}}}}))},
		{"securityContext added by kubectl patch", edited(setField("spec.template.spec.containers[name=frontend].securityContext", map[string]any{"privileged": true}),
			handEdit("kubectl-patch", "", container("frontend", map[string]any{"f:securityContext": map[string]any{".": map[string]any{}, "f:privileged": map[string]any{}}})))},
	} {
		cases = append(cases, ownedCase{name: "bench/" + c.name, target: bench, obj: c.obj, old: benchObj})
	}
	for _, c := range cases {
		for _, enc := range encodings {
			t.Run(c.name+"/"+enc.name, func(t *testing.T) {
				checkDecodeOwned(t, c.target, enc.encode(t, c.obj))
				checkUpdateOwned(t, c.target, enc, c.obj, c.old)
				checkUpdateOwned(t, c.target, enc, c.old, c.obj)
			})
		}
	}
}

// encoding is a way to write an object's JSON.
type encoding struct {
	name   string
	encode func(t testing.TB, obj map[string]any) []byte
}

// encodings write an object's keys in ascending order (the metadata's labels and annotations
// before its managedFields), in descending order (the spec before the metadata, the labels
// after the managedFields), and indented.
var encodings = []encoding{
	{"ascending", func(t testing.TB, obj map[string]any) []byte { return orderedJSON(t, obj, false) }},
	{"descending", func(t testing.TB, obj map[string]any) []byte { return orderedJSON(t, obj, true) }},
	{"indented", func(t testing.TB, obj map[string]any) []byte {
		b, err := json.MarshalIndent(obj, " ", "  ")
		if err != nil {
			t.Fatal(err)
		}
		return b
	}},
}

// checkDecodeOwned checks that tg.CompareRequest gives the same fields on the object raw
// decoded by decodeFor, with its managers found as it goes (Handle) and given by the review
// (ServeHTTP), as on raw decoded whole, and that decodeFor took the hand-edit path when the
// object has hand edits to look for.
func checkDecodeOwned(t *testing.T, tg *check.Target, raw []byte) {
	t.Helper()
	whole, got := checkDecodes(t, tg, raw)
	wantEdits := handEdits(managersOf(whole), tg)
	for i, g := range got {
		if g.edits != wantEdits {
			t.Errorf("decode %d: decoded for hand edits: %v, want %v", i, g.edits, wantEdits)
		}
		if g.byOwn != wantEdits {
			t.Errorf("decode %d: decoded by what the hand-edit managers own: %v, want %v", i, g.byOwn, wantEdits)
		}
	}
	for i, g := range got {
		if _, ok := lookupPath(g.obj, "status"); ok {
			t.Errorf("decode %d kept the status", i)
		}
		// Neither Git nor a hand-edit manager sets a Deployment's dnsPolicy: a default the
		// applier owns, left out.
		if _, ok := lookupPath(g.obj, "spec.template.spec.dnsPolicy"); ok && tg.Key.Kind == "Deployment" {
			t.Errorf("decode %d kept spec.template.spec.dnsPolicy, which no hand-edit manager owns", i)
		}
	}
}

// decoded is an object as decodeFor decoded it.
type decoded struct {
	obj   map[string]any
	edits bool
	// byOwn: decoded by what the hand-edit managers own (requestMemory.byOwn).
	byOwn bool
}

// checkDecodes decodes the object raw whole, and with decodeFor as Handle and as ServeHTTP
// do, and checks that tg.CompareRequest gives the same fields on each.
func checkDecodes(t *testing.T, tg *check.Target, raw []byte) (map[string]any, []decoded) {
	t.Helper()
	whole, err := decodeObject(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := tg.CompareRequest(whole)
	var out []decoded
	for _, scanned := range []bool{false, true} {
		m := newRequestMemory()
		m.want = tg.Want() // as evaluate sets it
		obj := raw
		if scanned { // as the review reads it
			m.dec.reset(raw)
			if err := m.dec.rawObject(&obj, &m.review.objectManagers); err != nil {
				t.Fatal(err)
			}
			m.scanned = true
		}
		got, edits, err := m.decodeFor(obj, objectName, tg)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, tg.CompareRequest(got)); diff != "" {
			t.Errorf("CompareRequest differs (-whole decode +hand-edit decode, from the review: %v):\n%s", scanned, diff)
		}
		out = append(out, decoded{got, edits, m.byOwn})
	}
	return whole, out
}

// TestDecodeOwnedFallback checks decodeFor on objects the API server never sends: with two
// managedFields lists, of which the decode keeps the last, or metadata objects, or a hand-edit
// entry whose fields cannot be read. CompareRequest finds what it finds on the whole decode,
// hand edits or none.
func TestDecodeOwnedFallback(t *testing.T) {
	tg := manualTarget(t)
	obj := benchApplied(t)
	raw := string(orderedJSON(t, obj, false)) // metadata: ..., managedFields, name, ...
	tests := []struct {
		name      string
		raw       string
		wantEdits int
	}{
		{"an empty list, then the entries", strings.Replace(raw, `"metadata":{`, `"metadata":{"managedFields":[],`, 1), 1},
		{"the entries, then an empty list", strings.Replace(raw, `"name":"frontend"`, `"managedFields":[],"name":"frontend"`, 1), 0},
		{"the metadata twice", strings.Replace(raw, `"spec":{`, `"metadata":{"name":"frontend"},"spec":{`, 1), 0},
		// pkg/ownership cannot read the entry, so the search finds no hand edit at all.
		{"a malformed key", strings.Replace(raw, `"fieldsV1":{"f:spec":{"f:template"`, `"fieldsV1":{"f:spec":{"f:x":{"k:{bad":{}},"f:template"`, 1), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			whole, got := checkDecodes(t, tg, []byte(tt.raw))
			if got[0].byOwn {
				t.Error("decoded as Handle does, by what the hand-edit managers own: the decode cannot tell which entries it kept")
			}
			edits := 0
			for _, f := range tg.CompareRequest(whole) {
				if f.Added || f.Default {
					edits++
				}
			}
			if edits != tt.wantEdits {
				t.Errorf("whole decode: %d hand edits, want %d", edits, tt.wantEdits)
			}
		})
	}
}

// managersOf returns the managers of obj's managedFields entries.
func managersOf(obj map[string]any) []fieldManager {
	var out []fieldManager
	list, _ := lookupPath(obj, "metadata.managedFields")
	for _, e := range list.([]any) {
		e := e.(map[string]any)
		sub, _ := e["subresource"].(string)
		out = append(out, fieldManager{manager: e["manager"].(string), subresource: sub})
	}
	return out
}

// checkUpdateOwned checks that an UPDATE from old to obj introduces the drift that the whole
// decodes of both objects give, judged from the decoded request and from its review, with the
// objects written as enc writes them.
func checkUpdateOwned(t *testing.T, tg *check.Target, enc encoding, obj, old map[string]any) {
	t.Helper()
	req := newRequest(t, admissionv1.Update, obj, old)
	req.Object.Raw, req.OldObject.Raw = enc.encode(t, obj), enc.encode(t, old)
	checkUpdate(t, tg, req)
}

// TestUpdateOwnedFallback checks an UPDATE whose old object the decode cannot read by what its
// hand-edit managers own (two managedFields lists, the entries in the last): the new object
// restarts the pods again and sets an image, and both are introduced, as the whole decodes
// tell, although the kept entries are the same.
func TestUpdateOwnedFallback(t *testing.T) {
	tg := manualTarget(t)
	old := benchApplied(t)
	obj := gitCopy(old)
	for path, v := range map[string]string{
		`spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]`: "2026-12-03T00:00:00Z",
		benchContainer + ".image": "shop/frontend:9.9.9",
	} {
		if err := setTo(path, v)(obj, tg.Schema); err != nil {
			t.Fatal(err)
		}
	}
	req := newRequest(t, admissionv1.Update, obj, old)
	req.Object.Raw = orderedJSON(t, obj, false)
	req.OldObject.Raw = []byte(strings.Replace(string(orderedJSON(t, old, false)), `"metadata":{`, `"metadata":{"managedFields":[],`, 1))
	checkUpdate(t, tg, req)
}

// checkUpdate checks that the UPDATE req of the target tg introduces the drift that the whole
// decodes of its objects give, judged from the decoded request and from its review.
func checkUpdate(t *testing.T, tg *check.Target, req admission.Request) {
	t.Helper()
	wholeObj, err := decodeObject(req.Object.Raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	wholeOld, err := decodeObject(req.OldObject.Raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	var want []diff.Field
	if now := tg.CompareRequest(wholeObj); len(now) > 0 {
		want = introduced(now, tg.CompareRequest(wholeOld))
	}
	fields := func(c *change) []diff.Field {
		if c == nil {
			return nil
		}
		return c.fields
	}
	m := newRequestMemory()
	c, err := evaluate(&req.AdmissionRequest, tg, m)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, fields(c)); diff != "" {
		t.Errorf("drift introduced, from the request (-whole decodes +Handle):\n%s", diff)
	}
	m = newRequestMemory()
	if err := m.review.decode(&m.dec, reviewOf(t, reviewV1, req)); err != nil {
		t.Fatal(err)
	}
	m.scanned = true
	c, err = evaluate(&m.review.request, tg, m)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, fields(c)); diff != "" {
		t.Errorf("drift introduced, from the review (-whole decodes +ServeHTTP):\n%s", diff)
	}
}
