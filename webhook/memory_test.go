package webhook

import (
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	builtin "github.com/gitops-drift/gitops-drift/pkg/schema"
	"github.com/gitops-drift/gitops-drift/test/capture"
)

// TestReusedMemoryAnswersAsFresh serves a series of different requests through one Handler,
// whose request memory each request reuses, forward and backward, and requires of each the
// answer and the audit line a new Handler gives it.
func TestReusedMemoryAnswersAsFresh(t *testing.T) {
	d := compileManual(t, "testdata/desired")
	deploy := func(name string, m ...mutator) map[string]any {
		return gitObject(t, d, "apps", "Deployment", "default", name, m...)
	}
	image := setField("spec.template.spec.containers[name=frontend].image", "nginx:1.19")
	edited := setField("metadata.managedFields", []any{map[string]any{"manager": "kubectl-edit", "operation": "Update", "apiVersion": "apps/v1",
		"fieldsType": "FieldsV1", "fieldsV1": map[string]any{"f:metadata": map[string]any{"f:labels": map[string]any{"f:hand": map[string]any{}}}}}})
	requests := []admission.Request{
		newRequest(t, admissionv1.Update, deploy("frontend", image), deploy("frontend")),
		newRequest(t, admissionv1.Update, deploy("frontend", setField("metadata.labels.hand", "yes"), edited), deploy("frontend")),
		newRequest(t, admissionv1.Create, deploy("frontend", setField("spec.replicas", 1)), nil),
		newRequest(t, admissionv1.Update, deploy("frontend", setField("spec.template.spec.containers[name=frontend].env[name=MODE].value", "dev")), deploy("frontend", image)),
		newRequest(t, admissionv1.Update, gitObject(t, d, "", "Namespace", "", "team-a", setField("metadata.labels.team", "b")), gitObject(t, d, "", "Namespace", "", "team-a")),
		newRequest(t, admissionv1.Update, gitObject(t, d, "", "ConfigMap", "default", "settings", setField("data.color", "red\u00e9\"")), gitObject(t, d, "", "ConfigMap", "default", "settings")),
		newRequest(t, admissionv1.Update, gitObject(t, d, "", "Secret", "default", "db", setField("data.password", "c3dvcmRmaXNo")), gitObject(t, d, "", "Secret", "default", "db")),
		newRequest(t, admissionv1.Delete, nil, deploy("frontend")),
		newRequest(t, admissionv1.Update, deploy("frontend", image), deploy("frontend"), asUser("bob", "a", "b", "c", "d", "e")),
	}
	bench := compileManual(t, "testdata/bench/desired")
	for _, file := range []string{benchLiveFile, benchAppliedFile} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		live, err := decodeObject(data, nil)
		if err != nil {
			t.Fatal(err)
		}
		obj := gitCopy(live)
		setField("spec.template.spec.containers[name=frontend].image", "shop/frontend:9.9.9")(t, obj, target(t, bench, "apps", "Deployment", "shop", "frontend").Schema)
		requests = append(requests, newRequest(t, admissionv1.Update, obj, live))
	}
	fresh := func(req admission.Request) (string, []map[string]any) {
		var logs capture.JSONLog
		h := NewHandler(storeOf(d), Options{Log: logs.Logger(t)})
		if req.Namespace == "shop" {
			h = NewHandler(storeOf(bench), Options{Log: logs.Logger(t)})
		}
		_, body := serve(t, h, "application/json", reviewOf(t, reviewV1, req))
		return string(body), logs.Lines()
	}
	want := make([]string, len(requests))
	wantLogs := make([][]map[string]any, len(requests))
	for i, req := range requests {
		want[i], wantLogs[i] = fresh(req)
	}
	var logs, benchLogs capture.JSONLog
	h := NewHandler(storeOf(d), Options{Log: logs.Logger(t)})
	hb := NewHandler(storeOf(bench), Options{Log: benchLogs.Logger(t)})
	order := make([]int, 0, 2*len(requests))
	for i := range requests {
		order = append(order, i)
	}
	for i := range requests {
		order = append(order, len(requests)-1-i)
	}
	for n, i := range order {
		handler, l := h, &logs
		if requests[i].Namespace == "shop" {
			handler, l = hb, &benchLogs
		}
		before := len(l.Lines())
		_, body := serve(t, handler, "application/json", reviewOf(t, reviewV1, requests[i]))
		if diff := cmp.Diff(want[i], string(body)); diff != "" {
			t.Errorf("request %d (served %d-th): answer differs from a new Handler's (-new +reused):\n%s", i, n, diff)
		}
		if diff := cmp.Diff(wantLogs[i], l.Lines()[before:], cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("request %d (served %d-th): audit lines differ (-new +reused):\n%s", i, n, diff)
		}
		if got := h.Handle(t.Context(), requests[i]); requests[i].Namespace != "shop" && len(got.Warnings) != countWarnings(t, want[i]) {
			t.Errorf("request %d through Handle: %d warnings, want those of ServeHTTP's %s", i, len(got.Warnings), want[i])
		}
	}
}

// countWarnings returns the number of warnings of an answer.
func countWarnings(t *testing.T, body string) int {
	t.Helper()
	return len(answerOf(t, []byte(body)).Response.Warnings)
}

// TestKeptMemoryIsNotReused checks that the memory of a request marked kept (as a panic leaves
// it) is not handed to the next request, and that its values stay as they were.
func TestKeptMemoryIsNotReused(t *testing.T) {
	d := testDesired(t)
	tg, _ := d.Lookup(manifest.Key{Group: "apps", Kind: "Deployment", Namespace: "default", Name: "frontend"})
	h := NewHandler(storeOf(d), Options{})
	drift := func(image string) *admissionv1.AdmissionRequest {
		req := newRequest(t, admissionv1.Update,
			gitObject(t, d, "apps", "Deployment", "default", "frontend", setField("spec.template.spec.containers[name=frontend].image", image)),
			gitObject(t, d, "apps", "Deployment", "default", "frontend"))
		return &req.AdmissionRequest
	}
	for _, keep := range []bool{false, true} {
		t.Run(fmt.Sprintf("kept %v", keep), func(t *testing.T) {
			m := h.acquire()
			c, err := evaluate(drift("nginx:kept"), tg, m)
			if err != nil || c == nil {
				t.Fatalf("evaluate = %v, %v; want a change", c, err)
			}
			m.kept = keep
			h.release(m)
			var others []*requestMemory
			for range 4 { // the pool hands out what it was given back, first
				o := h.acquire()
				if _, err := evaluate(drift("nginx:other"), tg, o); err != nil {
					t.Fatal(err)
				}
				others = append(others, o)
			}
			if got := slices.Contains(others, m); got == keep {
				t.Errorf("the memory was handed out again: %v, want %v", got, !keep)
			}
			if keep && (len(c.fields) != 1 || c.fields[0].Live != "nginx:kept") {
				t.Errorf("the kept change's fields changed: %+v", c.fields)
			}
		})
	}
}

// TestArenaReset checks what an arena keeps for the next request: its maps emptied, in the
// order they were handed out, large ones dropped; no list item kept.
func TestArenaReset(t *testing.T) {
	var a arena
	small, large := a.newMap(), a.newMap()
	small["k"] = "v"
	for i := range maxArenaMapLen + 1 {
		large[fmt.Sprint(i)] = i
	}
	l := a.list([]any{small, "x"})
	a.reset()
	if len(small) != 0 {
		t.Errorf("a map kept %d keys", len(small))
	}
	if l[0] != nil || l[1] != nil {
		t.Errorf("the lists' items are kept: %v", l)
	}
	if m := a.newMap(); len(m) != 0 || fmt.Sprintf("%p", m) != fmt.Sprintf("%p", small) {
		t.Errorf("the first map handed out is not the first one of the last request, emptied")
	}
	if m := a.newMap(); fmt.Sprintf("%p", m) == fmt.Sprintf("%p", large) {
		t.Errorf("a map of %d keys was kept", maxArenaMapLen+1)
	}
	if got := a.list(nil); got == nil {
		t.Error("an empty list is nil")
	}
}

// compileManual compiles the manifests of dir as serve does, with kubectl's hand-edit managers.
func compileManual(t testing.TB, dir string) *check.Desired {
	t.Helper()
	set, err := manifest.Load(dir, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := check.Compiler{Schemas: builtin.NewResolver(nil), Manual: check.DefaultManualManagers()}.Compile(set, testRevision)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
