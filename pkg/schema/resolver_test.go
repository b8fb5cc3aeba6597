package schema

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/openapi"
	"k8s.io/client-go/openapi/openapitest"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// fakeGV serves one GroupVersion's OpenAPI document and counts the fetches.
type fakeGV struct {
	doc   []byte
	err   error
	calls atomic.Int32
}

func (g *fakeGV) Schema(string) ([]byte, error) {
	g.calls.Add(1)
	return g.doc, g.err
}

func (g *fakeGV) ServerRelativeURL() string { return "" }

var _ openapi.GroupVersion = &fakeGV{}

// newFakeServer returns a client serving doc as the OpenAPI v3 document of example.com/v1.
func newFakeServer(doc []byte) (*openapitest.FakeClient, *fakeGV) {
	gv := &fakeGV{doc: doc}
	client := openapitest.NewFakeClient()
	client.PathsMap["apis/example.com/v1"] = gv
	return client, gv
}

// widgetDoc returns testdata/example.com_v1.json, with its Widget kind renamed to kind.
func widgetDoc(t testing.TB, kind string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/example.com_v1.json")
	if err != nil {
		t.Fatal(err)
	}
	return bytes.ReplaceAll(b, []byte(`"kind": "Widget"`), []byte(`"kind": "`+kind+`"`))
}

func TestResolverFor(t *testing.T) {
	client, _ := newFakeServer(widgetDoc(t, "Widget"))
	tests := []struct {
		name     string
		resolver *Resolver
		gvk      k8sschema.GroupVersionKind
		path     string
		want     node
		wantErr  error
	}{
		{name: "built in", resolver: NewResolver(client), gvk: deploymentGVK,
			path: podSpec + ".containers", want: listMap(map[string]any{"name": ""}, "name")},
		{name: "from OpenAPI", resolver: NewResolver(client), gvk: widgetGVK,
			path: "spec.ports", want: listMap(map[string]any{"protocol": "TCP"}, "port", "protocol")},
		{name: "kind not in its GroupVersion", resolver: NewResolver(client),
			gvk: k8sschema.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Gadget"}, wantErr: ErrUnknownKind},
		{name: "GroupVersion not served", resolver: NewResolver(client),
			gvk: k8sschema.GroupVersionKind{Group: "example.com", Version: "v2", Kind: "Widget"}, wantErr: ErrUnknownKind},
		{name: "offline built in", resolver: NewResolver(nil), gvk: serviceGVK,
			path: "spec.ports", want: listMap(map[string]any{"port": int64(0), "protocol": "TCP"}, "port", "protocol")},
		{name: "offline custom resource", resolver: NewResolverForDiscovery(nil), gvk: widgetGVK, wantErr: ErrUnknownKind},
		{name: "built in needs no API server", resolver: NewResolver(&openapitest.FakeClient{ForcedErr: errors.New("down")}),
			gvk: deploymentGVK, path: "metadata.finalizers", want: node{Found: true, ListType: diff.ListSet}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := tc.resolver.For(tc.gvk)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || s != nil {
					t.Fatalf("For(%s) = %p, %v; want nil, %v", tc.gvk, s, err, tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.gvk.String()) {
					t.Errorf("error %q does not name %s", err, tc.gvk)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, at(s, tc.path)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.path, diff)
			}
		})
	}
}

// TestResolverConcurrent checks that goroutines asking at once fetch a GroupVersion once and
// share one schema per kind.
func TestResolverConcurrent(t *testing.T) {
	client, gv := newFakeServer(widgetDoc(t, "Widget"))
	r := NewResolver(client)
	var wg sync.WaitGroup
	got := make([]*diff.Schema, 16)
	for i := range got {
		wg.Go(func() {
			gvk := widgetGVK
			if i%2 == 1 {
				gvk = deploymentGVK
			}
			s, err := r.For(gvk)
			if err != nil {
				t.Error(err)
			}
			got[i] = s
		})
	}
	wg.Wait()
	if n := gv.calls.Load(); n != 1 {
		t.Errorf("example.com/v1 fetched %d times, want 1", n)
	}
	for i := 2; i < len(got); i++ {
		if got[i] != got[i%2] {
			t.Errorf("call %d got a different schema than call %d", i, i%2)
		}
	}
}

// TestResolverRefetch checks when a GroupVersion is fetched again: not while its last fetch is
// younger than refetchAfter, then if that fetch failed or lacked the kind asked for, and after
// Reset.
func TestResolverRefetch(t *testing.T) {
	client, gv := newFakeServer(widgetDoc(t, "Gizmo"))
	r := NewResolver(client)
	now := time.Unix(0, 0)
	r.now = func() time.Time { return now }
	steps := []struct {
		name      string
		mutate    func()
		wantErr   bool
		wantCalls int32
	}{
		{"kind missing", func() {}, true, 1},
		{"CRD installed, cached miss", func() { gv.doc = widgetDoc(t, "Widget") }, true, 1},
		{"refetched after a while", func() { now = now.Add(refetchAfter) }, false, 2},
		{"cached hit", func() { now = now.Add(time.Hour) }, false, 2},
		{"reset, server down", func() { r.Reset(); gv.err = errors.New("connection refused") }, true, 3},
		{"server back, cached error", func() { gv.err = nil }, true, 3},
		{"server back, refetched", func() { now = now.Add(refetchAfter) }, false, 4},
	}
	for _, step := range steps {
		step.mutate()
		s, err := r.For(widgetGVK)
		if gotErr := err != nil; gotErr != step.wantErr || gotErr == (s != nil) {
			t.Errorf("%s: For = %p, %v; want error %v", step.name, s, err, step.wantErr)
		}
		if n := gv.calls.Load(); n != step.wantCalls {
			t.Errorf("%s: %d fetches, want %d", step.name, n, step.wantCalls)
		}
	}
}

// BenchmarkResolverFor measures a Deployment from a new Resolver (cold: decoding the table of
// built-in kinds) and from one that has it cached.
func BenchmarkResolverFor(b *testing.B) {
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			if _, err := NewResolver(nil).For(deploymentGVK); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		r := NewResolver(nil)
		for b.Loop() {
			if _, err := r.For(deploymentGVK); err != nil {
				b.Fatal(err)
			}
		}
	})
}
