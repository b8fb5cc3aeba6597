package webhook

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// pathCases are paths pathReader must read as diff.ParsePath does, or refuse.
var pathCases = []string{
	"spec.replicas",
	"spec.template.spec.containers[name=frontend].image",
	"spec.template.spec.containers[name=frontend].ports[containerPort=8080,protocol=TCP]",
	`metadata.labels["app.kubernetes.io/name"]`,
	`metadata.annotations["a\"b"]`,
	`data["a b"].x`,
	"spec.template.spec.tolerations[0].value",
	`spec.list[name="a,b"].x`,
	`spec.list[name=""]`,
	"spec.list[*].x", "spec.list[]", "spec..x", ".x", "x.", "x[", "x]", "x[a=1", "x[a=1,a=2]",
	"x[a]", "x[99999999999999999999]", `x["unterminated]`, "x y", "", "[0]", `["a"]`, "x[0]y",
}

func TestPathReaderReadsAsParsePath(t *testing.T) {
	var r pathReader
	for _, s := range pathCases {
		t.Run(s, func(t *testing.T) { sameAsParsePath(t, &r, s) })
	}
	if _, ok := r.read("spec.template.spec.containers[name=frontend].image"); !ok {
		t.Error("cannot read the path of a container's image")
	}
}

// sameAsParsePath checks that what r reads of s, if it reads it, is what diff.ParsePath reads.
func sameAsParsePath(t *testing.T, r *pathReader, s string) {
	t.Helper()
	got, ok := r.read(s)
	if !ok {
		return
	}
	want, err := diff.ParsePath(s)
	if err != nil {
		t.Fatalf("read(%q) reads a path diff.ParsePath refuses: %v", s, err)
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("read(%q) (-ParsePath +read):\n%s", s, diff)
	}
}

func FuzzPathReader(f *testing.F) {
	for _, s := range pathCases {
		f.Add(s)
	}
	var r pathReader
	f.Fuzz(func(t *testing.T, s string) { sameAsParsePath(t, &r, s) })
}
