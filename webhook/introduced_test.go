package webhook

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// edit is a change to a live object, as a request makes one. It fails where the object has
// no place for it (a list item in a list an earlier edit removed).
type edit struct {
	name  string
	apply func(obj map[string]any, s *diff.Schema) error
}

// setTo sets the value at path to v.
func setTo(path string, v any) func(map[string]any, *diff.Schema) error {
	return func(obj map[string]any, s *diff.Schema) error {
		p, err := diff.ParsePath(path)
		if err != nil {
			return err
		}
		return diff.Set(obj, p, s, v)
	}
}

// drop deletes the value at path.
func drop(path string) func(map[string]any, *diff.Schema) error {
	return func(obj map[string]any, s *diff.Schema) error {
		p, err := diff.ParsePath(path)
		if err != nil {
			return err
		}
		diff.Delete(obj, p, s)
		return nil
	}
}

// appendItem appends item to the list at path.
func appendItem(path string, item any) func(map[string]any, *diff.Schema) error {
	return func(obj map[string]any, s *diff.Schema) error {
		p, err := diff.ParsePath(path)
		if err != nil {
			return err
		}
		l, _ := diff.Get(obj, p, s)
		list, ok := l.([]any)
		if !ok {
			return fmt.Errorf("%s is a %T, not a list", path, l)
		}
		c, err := copyJSON(item)
		if err != nil {
			return err
		}
		return diff.Set(obj, p, s, append(list, c))
	}
}

// reverse reverses the list at path.
func reverse(path string) func(map[string]any, *diff.Schema) error {
	return func(obj map[string]any, s *diff.Schema) error {
		p, err := diff.ParsePath(path)
		if err != nil {
			return err
		}
		l, _ := diff.Get(obj, p, s)
		list, ok := l.([]any)
		if !ok {
			return fmt.Errorf("%s is a %T, not a list", path, l)
		}
		out := make([]any, len(list))
		for i, v := range list {
			out[len(list)-1-i] = v
		}
		return diff.Set(obj, p, s, out)
	}
}

// copyOf sets the value at to a copy of the one at from.
func copyOf(from, to string) func(map[string]any, *diff.Schema) error {
	return func(obj map[string]any, s *diff.Schema) error {
		p, err := diff.ParsePath(from)
		if err != nil {
			return err
		}
		v, ok := diff.Get(obj, p, s)
		if !ok {
			return fmt.Errorf("no %s", from)
		}
		c, err := copyJSON(v)
		if err != nil {
			return err
		}
		return setTo(to, c)(obj, s)
	}
}

// copyJSON copies v through JSON, whole numbers as int64, as the API machinery decodes them.
func copyJSON(v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	return toInt64(out), nil
}

// toInt64 turns the whole float64 numbers encoding/json decodes into int64.
func toInt64(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = toInt64(e)
		}
	case []any:
		for i, e := range x {
			x[i] = toInt64(e)
		}
	case float64:
		if x == float64(int64(x)) {
			return int64(x)
		}
	}
	return v
}

const (
	benchContainer = "spec.template.spec.containers[name=frontend]"
	leanContainer  = "spec.template.spec.containers[name=app]"
)

// benchEdits are edits of testdata/bench/live.json, the Deployment of testdata/bench/desired.
var benchEdits = []edit{
	{"image", setTo(benchContainer+".image", "shop/frontend:9.9.9")},
	{"another image", setTo(benchContainer+".image", "shop/frontend:0.1")},
	{"env value", setTo(benchContainer+".env[name=CACHE_URL].value", "redis://other:6379")},
	{"env in Git's order", reverse(benchContainer + ".env")},
	{"env repeated", appendItem(benchContainer+".env", map[string]any{"name": "CACHE_URL", "value": "redis://cache:6379"})},
	{"env gone", drop(benchContainer + ".env")},
	{"container gone", drop(benchContainer)},
	{"container repeated", copyOf("spec.template.spec.containers[name=auth-proxy]", "spec.template.spec.containers[4]")},
	{"sidecar renamed as Git's", setTo("spec.template.spec.containers[name=istio-proxy].name", "frontend")},
	{"keyless container", appendItem("spec.template.spec.containers", map[string]any{"image": "x:1"})},
	{"containers not a list", setTo("spec.template.spec.containers", "oops")},
	{"replicas", setTo("spec.replicas", int64(5))},
	{"replicas as a float", setTo("spec.replicas", 3.5)},
	{"label", setTo("metadata.labels.env", "dev")},
	{"labels gone", drop("metadata.labels")},
	{"port protocol", setTo(benchContainer+".ports[containerPort=8080,protocol=TCP].protocol", "UDP")},
	{"port number", setTo(benchContainer+".ports[containerPort=8080,protocol=TCP].containerPort", int64(8081))},
	{"port repeated", appendItem(benchContainer+".ports", map[string]any{"containerPort": int64(8080)})},
	{"volume", setTo("spec.template.spec.volumes[name=config].configMap.name", "other")},
	{"cpu as Git writes it", setTo(benchContainer+".resources.limits.cpu", "0.5")},
	{"cpu", setTo(benchContainer+".resources.limits.cpu", "2")},
	{"args", setTo(benchContainer+".args", []any{"--port=9090"})},
	{"template label", setTo("spec.template.metadata.labels.extra", "x")},
	{"selector", setTo("spec.selector.matchLabels.extra", "x")},
	{"annotation", setTo("metadata.annotations.note", "x")},
	{"strategy", setTo("spec.strategy.type", "Recreate")},
	{"resources gone", drop(benchContainer + ".resources")},
	{"mount repeated", appendItem(benchContainer+".volumeMounts", map[string]any{"name": "other", "mountPath": "/etc/frontend"})},
}

// leanEdits are edits of the Git copy of testdata/lean's Deployment.
var leanEdits = []edit{
	{"image", setTo(leanContainer+".image", "workload/app:2")},
	{"init image", setTo("spec.template.spec.initContainers[name=warm].image", "workload/warm:2")},
	{"init order", reverse("spec.template.spec.initContainers")},
	{"toleration", setTo("spec.template.spec.tolerations[0].value", "other")},
	{"toleration added", appendItem("spec.template.spec.tolerations", map[string]any{"key": "x", "operator": "Exists"})},
	{"tolerations gone", drop("spec.template.spec.tolerations")},
	{"host alias", setTo("spec.template.spec.hostAliases[ip=10.0.0.1].hostnames", []any{"db.other"})},
	{"host alias repeated", appendItem("spec.template.spec.hostAliases", map[string]any{"ip": "10.0.0.1"})},
	{"port defaulted", setTo(leanContainer+".ports[containerPort=8080,protocol=TCP].protocol", "TCP")},
	{"port name", setTo(leanContainer+".ports[containerPort=9090,protocol=TCP].name", "prom")},
	{"env order", reverse(leanContainer + ".env")},
	{"env value", setTo(leanContainer+".env[name=LEVEL].value", "4")},
	{"selector", setTo("spec.selector.matchLabels.extra", "x")},
	{"replicas", setTo("spec.replicas", int64(1))},
	{"mount", setTo(leanContainer+".volumeMounts[mountPath=/etc/workload].name", "other")},
}

// editedEdits are edits of testdata/bench/live-applied.json, which kubectl edit changed:
// its managedFields name kubectl-client-side-apply, then kubectl-edit.
var editedEdits = append([]edit{
	{"pod security by kubectl edit", ownedBy(map[string]any{"f:securityContext": map[string]any{"f:runAsUser": map[string]any{}}},
		setTo("spec.template.spec.securityContext.runAsUser", int64(1000)))},
	{"pod security by a controller", setTo("spec.template.spec.securityContext.fsGroup", int64(2000))},
	{"container security by kubectl edit", ownedBy(map[string]any{"f:containers": map[string]any{`k:{"name":"frontend"}`: map[string]any{
		"f:securityContext": map[string]any{"f:runAsUser": map[string]any{}}}}},
		setTo(benchContainer+".securityContext.runAsUser", int64(1000)))},
	{"container security by a controller", setTo(benchContainer+".securityContext.privileged", false)},
	{"template annotation by a controller", setTo("spec.template.metadata.annotations.other", "x")},
	{"image by kubectl apply", func(obj map[string]any, s *diff.Schema) error {
		if err := setTo(benchContainer+".image", "shop/frontend:9.9.9")(obj, s); err != nil {
			return err
		}
		return setTo("metadata.managedFields[0].time", "2026-12-03T00:00:00Z")(obj, s)
	}},
	{"hand edit changed", setTo(`spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]`, "2026-12-03T00:00:00Z")},
	{"hand edit again", func(obj map[string]any, s *diff.Schema) error {
		if err := setTo(`spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]`, "2026-12-03T00:00:00Z")(obj, s); err != nil {
			return err
		}
		return setTo("metadata.managedFields[1].time", "2026-12-03T00:00:00Z")(obj, s)
	}},
	{"hand edit gone", drop("metadata.managedFields[1]")},
	{"managedFields reversed", reverse("metadata.managedFields")},
	{"label by a controller", setTo("metadata.labels.hand", "yes")},
	{"label by kubectl label", func(obj map[string]any, s *diff.Schema) error {
		if err := setTo("metadata.labels.hand", "yes")(obj, s); err != nil {
			return err
		}
		return appendItem("metadata.managedFields", map[string]any{"manager": "kubectl-label", "operation": "Update", "apiVersion": "apps/v1",
			"time": "2026-12-03T00:00:00Z", "fieldsType": "FieldsV1", "fieldsV1": map[string]any{"f:metadata": map[string]any{"f:labels": map[string]any{"f:hand": map[string]any{}}}}})(obj, s)
	}},
}, benchEdits...)

// TestIntroducedAt holds the lookup of introduced drift (introducedAt) to the comparison of
// the old object (introduced): for each pair of edits a and b, an UPDATE from the object with
// a to the one with a and b, and from the one with a to the one with b. Where introducedAt
// tells, it must tell the same fields; it must tell for the UPDATEs that edit one value.
func TestIntroducedAt(t *testing.T) {
	tests := []struct {
		name  string
		t     *check.Target
		base  map[string]any
		edits []edit
		// tells are edits whose UPDATE from base introducedAt must tell.
		tells []string
	}{
		{
			name:  "bench deployment",
			t:     target(t, compileDir(t, "testdata/bench/desired"), "apps", "Deployment", "shop", "frontend"),
			base:  benchLive(t),
			edits: benchEdits,
			tells: []string{"image", "env value", "replicas", "label", "cpu", "args", "volume", "template label"},
		},
		{
			name:  "hand-edited deployment",
			t:     target(t, compileManual(t, "testdata/bench/desired"), "apps", "Deployment", "shop", "frontend"),
			base:  benchApplied(t),
			edits: editedEdits,
			tells: []string{"image", "image by kubectl apply", "replicas", "env value"},
		},
		{
			name:  "every kind of list",
			t:     target(t, compileDir(t, "testdata/lean"), "apps", "Deployment", "lean", "workload"),
			edits: leanEdits,
			tells: []string{"image", "init image", "toleration", "host alias", "env value", "replicas"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := tt.base
			if base == nil {
				base = gitObject(t, compileDir(t, "testdata/lean"), "apps", "Deployment", "lean", "workload")
			}
			// edited returns base with edits, or nil when one has no place in it.
			edited := func(edits ...edit) map[string]any {
				c, err := copyJSON(base)
				if err != nil {
					t.Fatal(err)
				}
				obj := c.(map[string]any)
				for _, e := range edits {
					if err := e.apply(obj, tt.t.Schema); err != nil {
						return nil
					}
				}
				return obj
			}
			told := map[string]bool{}
			nothing := edit{name: "nothing", apply: func(map[string]any, *diff.Schema) error { return nil }}
			all := append([]edit{nothing}, tt.edits...)
			for _, a := range all {
				for _, b := range all {
					for _, pair := range []struct {
						name     string
						old, obj map[string]any
					}{
						{a.name + ", then " + b.name, edited(a), edited(a, b)},
						{a.name + " or " + b.name, edited(a), edited(b)},
					} {
						if pair.old == nil || pair.obj == nil {
							continue
						}
						ok := sameIntroduced(t, pair.name, tt.t, pair.old, pair.obj)
						if a.name == "nothing" && ok {
							told[b.name] = true
						}
					}
				}
			}
			for _, name := range tt.tells {
				if !told[name] {
					t.Errorf("introducedAt cannot tell the drift %s introduces", name)
				}
			}
		})
	}
}

// sameIntroduced checks that introducedAt, when it tells, tells the drift introduced(now,
// Compare(old)) tells of an UPDATE of tg from old to obj, decoded as evaluate decodes them;
// it reports whether introducedAt told.
func sameIntroduced(t *testing.T, name string, tg *check.Target, old, obj map[string]any) bool {
	t.Helper()
	m := newRequestMemory()
	m.want = tg.Want() // as evaluate sets it
	o, objEdits, err := m.decodeFor(raw(t, obj).Raw, objectName, tg)
	if err != nil {
		t.Fatal(err)
	}
	objOwned := m.byOwn
	p, oldEdits, err := m.decodeFor(raw(t, old).Raw, oldObjectName, tg)
	if err != nil {
		t.Fatal(err)
	}
	now := tg.CompareRequest(o)
	if len(now) == 0 {
		return false // evaluate stops here
	}
	want := introduced(now, tg.CompareRequest(p))
	got, ok := lookUpIntroduced(tg, m.want, now, o, p, m.editsOf(objEdits, objOwned, oldEdits), &m.resolver)
	if ok {
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: the lookup differs from the comparison of the old object (-compared +looked up):\n%s", name, diff)
		}
	}
	return ok
}

// TestIntroducedAtGivesUp checks the cases introducedAt leaves to the old object's comparison.
func TestIntroducedAtGivesUp(t *testing.T) {
	d := testDesired(t)
	bench := target(t, compileDir(t, "testdata/bench/desired"), "apps", "Deployment", "shop", "frontend")
	secret := target(t, d, "", "Secret", "default", "db")
	tests := []struct {
		name     string
		t        *check.Target
		old, obj map[string]any
	}{
		{
			name: "a Secret: masked values",
			t:    secret,
			old:  gitObject(t, d, "", "Secret", "default", "db", setField("data.password", "b2xk")),
			obj:  gitObject(t, d, "", "Secret", "default", "db", setField("data.password", "bmV3")),
		},
		{
			name: "a value Git sets removed",
			t:    bench,
			old:  benchLive(t),
			obj:  edited(t, benchLive(t), bench, drop(benchContainer+".image")),
		},
		{
			name: "repeated keys",
			t:    bench,
			old:  benchLive(t),
			obj: edited(t, benchLive(t), bench, setTo(benchContainer+".env[name=CACHE_URL].value", "x"),
				appendItem(benchContainer+".env", map[string]any{"name": "CACHE_URL", "value": "other"})),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newRequestMemory()
			m.want = tt.t.Want() // as evaluate sets it
			o, _, err := m.decodeFor(raw(t, tt.obj).Raw, objectName, tt.t)
			if err != nil {
				t.Fatal(err)
			}
			p, _, err := m.decodeFor(raw(t, tt.old).Raw, oldObjectName, tt.t)
			if err != nil {
				t.Fatal(err)
			}
			now := tt.t.CompareRequest(o)
			if len(now) == 0 {
				t.Fatal("the new object does not drift")
			}
			if got, ok := introducedAt(tt.t, m.want, now, o, p, &m.resolver); ok {
				t.Errorf("introducedAt tells %v, want it to give up", got)
			}
		})
	}
}

// edited returns obj with edits applied.
func edited(t testing.TB, obj map[string]any, tg *check.Target, edits ...func(map[string]any, *diff.Schema) error) map[string]any {
	t.Helper()
	for _, e := range edits {
		if err := e(obj, tg.Schema); err != nil {
			t.Fatal(err)
		}
	}
	return obj
}

func benchApplied(t testing.TB) map[string]any {
	t.Helper()
	data, err := os.ReadFile(benchAppliedFile)
	if err != nil {
		t.Fatal(err)
	}
	var live map[string]any
	if err := utiljson.Unmarshal(data, &live); err != nil {
		t.Fatal(err)
	}
	return live
}

// ownedBy returns an edit that applies set and makes kubectl-edit's entry
// (metadata.managedFields[1] of testdata/bench/live-applied.json) own podSpec, fieldsV1 under
// the pod template's spec, besides the template's restartedAt annotation.
func ownedBy(podSpec map[string]any, set func(map[string]any, *diff.Schema) error) func(map[string]any, *diff.Schema) error {
	return func(obj map[string]any, s *diff.Schema) error {
		if err := set(obj, s); err != nil {
			return err
		}
		fields := map[string]any{"f:spec": map[string]any{"f:template": map[string]any{
			"f:metadata": map[string]any{"f:annotations": map[string]any{".": map[string]any{}, "f:kubectl.kubernetes.io/restartedAt": map[string]any{}}},
			"f:spec":     podSpec,
		}}}
		return setTo("metadata.managedFields[1].fieldsV1", fields)(obj, s)
	}
}
