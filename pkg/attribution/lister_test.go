package attribution_test

import (
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
