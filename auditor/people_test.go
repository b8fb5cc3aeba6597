package auditor

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/gitops-drift/gitops-drift/pkg/attribution"
)

const settingsGit = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels: {tier: web}
data: {color: blue, size: small}
`

// countingRecords is an attribution.Lister that counts its LISTs.
type countingRecords struct {
	l     attribution.Lister
	lists atomic.Int32
}

func (c *countingRecords) ObjectRecords(ctx context.Context, ns string, uid types.UID) ([]attribution.Record, error) {
	c.lists.Add(1)
	return c.l.ObjectRecords(ctx, ns, uid)
}

// TestAuditorNamesPeople: alice and bob change two fields of a ConfigMap with kubectl, and
// DriftAdmitted Events record them as the webhook would (written here after each change, later
// than the auditor's first check of it). The audit log and the DriftDetected Event name each
// field's person; the records are listed once per change of the owners, not at every audit;
// and they are remembered once their Events are gone (the API server's --event-ttl).
func TestAuditorNamesPeople(t *testing.T) {
	f := newFixture(t, settingsGit)
	allowConfigMaps(t, f, "alice@example.com", "bob@example.com")
	dyn, err := dynamic.NewForConfig(f.env.Config)
	if err != nil {
		t.Fatal(err)
	}
	records := &countingRecords{l: attribution.Lister{Client: dyn}}
	f.start(t, Options{Interval: 300 * time.Millisecond, Admissions: records})

	f.kubectlAs(t, "alice@example.com", nil, "patch", "configmap/settings", "-p", `{"data":{"color":"red"}}`)
	f.record(t, "alice@example.com", "kubectl-patch", "data.color")
	f.poll(t, "the audit log naming alice", 10*time.Second, func() bool {
		return f.people(t) == "data.color=alice@example.com"
	})
	f.poll(t, "a DriftDetected Event naming alice", 10*time.Second, func() bool {
		return f.noted("data.color (by kubectl-patch, alice@example.com)")
	})

	f.kubectlAs(t, "bob@example.com", []string{"KUBE_EDITOR=sed -i -e s/small/large/"}, "edit", "configmap/settings")
	f.record(t, "bob@example.com", "kubectl-edit", "data.size")
	f.poll(t, "the audit log naming alice and bob", 10*time.Second, func() bool {
		return f.people(t) == "data.color=alice@example.com data.size=bob@example.com"
	})
	lists := records.lists.Load()
	audits := len(f.logs.Find(msgSummary, nil))
	f.poll(t, "five more audits", 10*time.Second, func() bool { return len(f.logs.Find(msgSummary, nil)) >= audits+5 })
	if got := records.lists.Load(); got != lists {
		t.Errorf("records listed %d times over 5 audits of unchanged drift, want none", got-lists)
	}

	// The Events expire; a change no webhook saw has the records listed again: the auditor
	// remembers alice and bob, and knows nobody for the new change.
	if err := f.env.Clientset(t).EventsV1().Events(f.ns).DeleteCollection(t.Context(), metav1.DeleteOptions{},
		metav1.ListOptions{FieldSelector: "reason=" + attribution.Reason}); err != nil {
		t.Fatal(err)
	}
	f.kubectl(t, "label", "--overwrite", "configmap/settings", "tier=db")
	f.poll(t, "the audit log naming alice and bob, and nobody for the label", 10*time.Second, func() bool {
		return f.people(t) == "data.color=alice@example.com data.size=bob@example.com metadata.labels.tier="
	})
	if got := records.lists.Load(); got == lists {
		t.Error("the records were not listed again after the owners changed")
	}
}

// people returns the users the last full audit's line of settings names, by path:
// "data.color=alice@example.com ...", or "" before there is one. Each user's groups must
// hold system:authenticated.
func (f *fixture) people(t *testing.T) string {
	t.Helper()
	lines := f.logs.Find(msgDrift, map[string]any{logName: "settings", logTrigger: triggerAudit})
	if len(lines) == 0 {
		return ""
	}
	fields, _ := lines[len(lines)-1]["fields"].([]any)
	var out []string
	for _, x := range fields {
		fd, _ := x.(map[string]any)
		o, _ := fd["owner"].(map[string]any)
		user, _ := o["user"].(string)
		groups, _ := o["groups"].([]any)
		if user != "" && !slices.Contains(groups, any("system:authenticated")) {
			t.Errorf("%v: groups %v, want system:authenticated among them", fd["path"], groups)
		}
		path, _ := fd["path"].(string)
		out = append(out, path+"="+user)
	}
	return strings.Join(out, " ")
}

// noted reports whether a DriftDetected Event's note holds s.
func (f *fixture) noted(s string) bool {
	f.events.mu.Lock()
	defer f.events.mu.Unlock()
	for _, e := range f.events.events {
		if e.Reason == ReasonDriftDetected && strings.Contains(e.Note, s) {
			return true
		}
	}
	return false
}

// record writes the DriftAdmitted Event the webhook would for user's change of path in the
// ConfigMap settings by manager: with the managedFields entry the change left.
func (f *fixture) record(t *testing.T, user, manager string, path string) {
	t.Helper()
	cm, err := f.env.Clientset(t).CoreV1().ConfigMaps(f.ns).Get(t.Context(), "settings", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rec := attribution.Record{
		Object: attribution.Object{APIVersion: "v1", Kind: "ConfigMap", Namespace: f.ns, Name: "settings", UID: cm.UID},
		User:   user, Groups: []string{"system:authenticated"}, Operation: "Update", Paths: []string{path},
	}
	for _, e := range cm.ManagedFields {
		if e.Manager == manager {
			rec.Manager, rec.Time = e.Manager, e.Time.Time
		}
	}
	if rec.Manager == "" {
		t.Fatalf("no managedFields entry of %s", manager)
	}
	ev, err := attribution.NewEvent(rec, attribution.EventOptions{Controller: "gitops-drift", Instance: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.env.Clientset(t).EventsV1().Events(f.ns).Create(t.Context(), ev, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// kubectlAs runs kubectl in the fixture's namespace as user (impersonated by the admin), with
// env added.
func (f *fixture) kubectlAs(t *testing.T, user string, env []string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), f.env.Kubectl, append([]string{"--kubeconfig", f.env.Kubeconfig, "-n", f.ns, "--as", user}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("kubectl %s as %s: %v\n%s", strings.Join(args, " "), user, err, out.String())
	}
}

// allowConfigMaps lets users read and change ConfigMaps in the fixture's namespace.
func allowConfigMaps(t *testing.T, f *fixture, users ...string) {
	t.Helper()
	cs := f.env.Clientset(t)
	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "editors", Namespace: f.ns},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "list", "watch", "update", "patch"}}},
	}
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "editors", Namespace: f.ns},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "editors"},
	}
	for _, u := range users {
		rb.Subjects = append(rb.Subjects, rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: u})
	}
	if _, err := cs.RbacV1().Roles(f.ns).Create(t.Context(), role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.RbacV1().RoleBindings(f.ns).Create(t.Context(), rb, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}
