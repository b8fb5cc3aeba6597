package corpus_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/yaml"
)

// project is one public project of the corpus.
type project struct {
	// name is the folder under testdata/.
	name string
	// namespace is given to objects without one (--namespace, kubectl -n); createNamespace
	// says the test creates it (the project does not).
	namespace       string
	createNamespace bool
	// setup is a folder applied server-side first, whatever the mode (CRDs), or "".
	setup string
	// apply are the folders applied in the mode under test (not recursive).
	apply []string
	// resources is how many objects the project defines.
	resources int
	// edits are made one after the other, without undoing any.
	edits []edit
}

// edit is a realistic hand change: kubectl commands (run with -n namespace) and the drift they
// must add, exactly.
type edit struct {
	name    string
	kubectl [][]string
	want    []drift
}

// drift is one drifted field: the resource ("Kind namespace/name", or "Kind name"), the path,
// and the desired and live values.
type drift struct {
	resource      string
	path          string
	desired, live value
}

// value renders an expected value as compact JSON; dir is the project's folder.
type value func(t *testing.T, dir string) string

// wantLines renders e's wanted drift as driftLines does.
func (e edit) wantLines(t *testing.T, dir string) []string {
	out := []string{}
	for _, d := range e.want {
		out = append(out, fmt.Sprintf("%s %s: %s -> %s", d.resource, d.path, d.desired(t, dir), d.live(t, dir)))
	}
	return out
}

// js is a value written as JSON.
func js(text string) value {
	return func(t *testing.T, _ string) string {
		var v any
		if err := json.Unmarshal([]byte(text), &v); err != nil {
			t.Fatalf("bad JSON in the test table %q: %v", text, err)
		}
		return compact(v)
	}
}

// absent is a value that is not there.
var absent = js("null")

// fromGit is the value at keys in the first document of file (in the project's folder).
func fromGit(file string, keys ...string) value {
	return func(t *testing.T, dir string) string { return compact(gitValue(t, dir, file, keys...)) }
}

// redactedGit is the masked form of the Secret value at keys in file.
func redactedGit(file string, keys ...string) value {
	return func(t *testing.T, dir string) string {
		return compact(redact(fmt.Sprint(gitValue(t, dir, file, keys...))))
	}
}

// redactedText is the masked form of the Secret value s.
func redactedText(s string) value {
	return func(*testing.T, string) string { return compact(redact(s)) }
}

// redact masks a Secret value as compact leaves the reports' masks: the digits are a keyed hash
// under a key random per process (diff.Redact), so only the form is compared.
func redact(string) string {
	return redactedForm
}

func gitValue(t *testing.T, dir, file string, keys ...string) any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: no %q in %v", file, k, keys)
		}
		v = m[k]
	}
	return v
}

var projects = []project{kubePrometheus, podinfo, guestbook}
