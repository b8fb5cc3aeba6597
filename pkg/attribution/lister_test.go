package attribution_test

import (
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/gitops-drift/gitops-drift/pkg/attribution"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// env is the API server of the tests that need one (nil under -short).
var env *kubeenv.Env

func TestMain(m *testing.M) {
	os.Exit(kubeenv.Main(m, &env, kubeenv.Options{}))
}

// TestLister writes DriftAdmitted Events through the real API server, with another Event of
// the same object beside them, and reads them back by object and by namespace.
func TestLister(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	cs := e.Clientset(t)
	at := time.Date(2026, 12, 4, 10, 0, 7, 0, time.UTC)
	web := attribution.Object{APIVersion: "apps/v1", Kind: "Deployment", Namespace: ns, Name: "web", UID: types.UID("uid-web-" + ns)}
	db := attribution.Object{APIVersion: "v1", Kind: "ConfigMap", Namespace: ns, Name: "db", UID: types.UID("uid-db-" + ns)}
	node := attribution.Object{APIVersion: "v1", Kind: "Namespace", Name: ns, UID: types.UID("uid-ns-" + ns)}
	recs := []attribution.Record{
		{Object: web, User: "alice", Manager: "kubectl-set", Operation: "Update", Time: at, Paths: []string{"spec.replicas"}},
		{Object: web, User: "bob", Manager: "kubectl-label", Operation: "Update", Time: at, Paths: []string{"metadata.labels.tier"}},
		{Object: db, User: "carol", Manager: "kubectl-patch", Operation: "Update", Time: at, Paths: []string{"data.color"}},
		{Object: node, User: "dave", Manager: "kubectl-label", Operation: "Update", Time: at, Paths: []string{"metadata.labels.team"}},
	}
	for i, r := range recs {
		ev, err := attribution.NewEvent(r, attribution.EventOptions{Controller: "gitops-drift", Instance: "test", Now: time.Now().Add(time.Duration(i) * time.Millisecond)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cs.EventsV1().Events(ev.Namespace).Create(t.Context(), ev, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if r.Object.Name == "web" { // another Event about the same object, not a record
			ev.Name, ev.Reason = ev.Name+"x", "DriftDetected"
			if _, err := cs.EventsV1().Events(ev.Namespace).Create(t.Context(), ev, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	dyn, err := dynamic.NewForConfig(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	l := &attribution.Lister{Client: dyn}
	users := func(recs []attribution.Record, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range recs {
			out = append(out, r.User+" "+r.Object.Kind+"/"+r.Object.Name)
		}
		slices.Sort(out)
		return out
	}
	tests := []struct {
		name string
		got  []string
		want []string
	}{
		{"by object", users(l.ObjectRecords(t.Context(), ns, web.UID)), []string{"alice Deployment/web", "bob Deployment/web"}},
		{"by namespace", users(l.NamespaceRecords(t.Context(), ns)), []string{"alice Deployment/web", "bob Deployment/web", "carol ConfigMap/db"}},
		{"a cluster-scoped object", users(l.ObjectRecords(t.Context(), "", node.UID)), []string{"dave Namespace/" + ns}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

// BenchmarkLister compares the CLI's two ways to read the records of the drifted objects of
// a namespace (issue 20): one LIST per drifted object (by UID, the server selecting), or one
// LIST of the namespace's records, joined by name. The namespace holds 200 records, two for
// each of the 20 drifted objects and one for each of 160 others, as an hour of admissions
// may leave.
func BenchmarkLister(b *testing.B) {
	e := kubeenv.Require(b, env)
	ns := e.Namespace(b)
	cs := e.Clientset(b)
	var drifted []types.UID
	for i := range 180 {
		obj := attribution.Object{APIVersion: "v1", Kind: "ConfigMap", Namespace: ns, Name: fmt.Sprintf("cm-%03d", i), UID: types.UID(fmt.Sprintf("uid-%03d", i))}
		n := 1
		if i < 20 {
			drifted, n = append(drifted, obj.UID), 2
		}
		for j := range n {
			r := attribution.Record{Object: obj, User: "alice", Groups: []string{"dev"}, Manager: "kubectl-edit", Operation: "Update",
				Time: time.Now().Add(-time.Duration(j) * time.Minute), Paths: []string{"data.color", "data.size"}}
			ev, err := attribution.NewEvent(r, attribution.EventOptions{Controller: "gitops-drift", Instance: "bench", Now: time.Now().Add(time.Duration(i*2+j) * time.Microsecond)})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := cs.EventsV1().Events(ns).Create(b.Context(), ev, metav1.CreateOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	dyn, err := dynamic.NewForConfig(e.Config)
	if err != nil {
		b.Fatal(err)
	}
	l := &attribution.Lister{Client: dyn}
	b.Run("per-object", func(b *testing.B) {
		for b.Loop() {
			n := 0
			for _, uid := range drifted {
				recs, err := l.ObjectRecords(b.Context(), ns, uid)
				if err != nil {
					b.Fatal(err)
				}
				n += len(recs)
			}
			if n != 40 {
				b.Fatalf("%d records, want 40", n)
			}
		}
	})
	b.Run("per-namespace", func(b *testing.B) {
		for b.Loop() {
			recs, err := l.NamespaceRecords(b.Context(), ns)
			if err != nil {
				b.Fatal(err)
			}
			if len(recs) != 200 {
				b.Fatalf("%d records, want 200", len(recs))
			}
		}
	})
}
