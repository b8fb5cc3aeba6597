package check_test

import (
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
)

// placedTarget is what TestCompilation compares of a target: its key, where Git defines it,
// whether it is skipped, and its Want.
type placedTarget struct {
	Key  manifest.Key
	File string
	Line int
	Skip bool
	Want map[string]any
}

// TestCompilation checks that a Compilation given a load's objects as they are read
// (manifest.LoadFSEach, in file order, not the Set's) ends as Compile of the loaded Set does:
// the same targets in the same order, the same warnings in the same order, or the same
// errors in the same order.
func TestCompilation(t *testing.T) {
	cm := func(name, extra string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  namespace: app\n" + extra
	}
	bad := func(name string) string {
		return cm(name, "  annotations: {drift.gitops.io/ignore-fields: \"data[\"}\n")
	}
	tests := []struct {
		name    string
		files   map[string]string
		wantErr bool
	}{{
		name: "targets and warnings, read out of order",
		files: map[string]string{
			"a.yaml": cm("zeta", "data: {a: b}\n") + "---\n" + cm("alpha", "bogus: 1\n"),
			"0.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: app}\nspec:\n  replicas: 2\n  extra: x\n",
			"c.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: app, namespace: other}\n",
			"d.yaml": cm("beta", "  annotations: {drift.gitops.io/skip: \"true\"}\n"),
		},
	}, {
		name: "errors, read out of order",
		files: map[string]string{
			"a.yaml": bad("zeta"),
			"b.yaml": cm("ok", ""),
			"c.yaml": bad("alpha") + "---\n" + bad("beta"),
		},
		wantErr: true,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, data := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			c := check.Compiler{Schemas: schema.NewResolver(nil)}
			set, err := manifest.LoadFS(fsys, manifest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			want, wantErr := c.Compile(set, "rev")

			comp, err := c.Start("rev")
			if err != nil {
				t.Fatal(err)
			}
			warnings, err := manifest.LoadFSEach(fsys, manifest.Options{}, comp.Add)
			if err != nil {
				comp.Stop()
				t.Fatal(err)
			}
			got, gotErr := comp.Done(warnings)

			if (gotErr != nil) != tt.wantErr || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Fatalf("Done() error = %v\nwant Compile's: %v", gotErr, wantErr)
			}
			if tt.wantErr {
				if got != nil {
					t.Errorf("Done() = %v, want no Desired", got)
				}
				return
			}
			if diff := cmp.Diff(targets(want), targets(got)); diff != "" {
				t.Errorf("targets, against Compile's (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want.Warnings, got.Warnings); diff != "" {
				t.Errorf("warnings, against Compile's (-want +got):\n%s", diff)
			}
			if len(got.Warnings) < 3 || got.Revision != "rev" {
				t.Errorf("revision %q, %d warnings; want rev, and the load's and the compilation's", got.Revision, len(got.Warnings))
			}
			for _, tg := range got.Targets {
				if found, ok := got.Lookup(tg.Key); !ok || found.Key != tg.Key {
					t.Errorf("Lookup(%s) = %v, %v; want the target", tg.Key, found, ok)
				}
			}
		})
	}
}

// targets lists what TestCompilation compares of d's targets, in order.
func targets(d *check.Desired) []placedTarget {
	var out []placedTarget
	for i := range d.Targets {
		tg := &d.Targets[i]
		out = append(out, placedTarget{Key: tg.Key, File: tg.File, Line: tg.Line, Skip: tg.Policy.Skip, Want: tg.Want()})
	}
	return out
}

// TestCompilationStop checks that a Compilation stopped after a failed load returns, with
// every object added compiled, and can be dropped.
func TestCompilationStop(t *testing.T) {
	comp, err := check.Compiler{Schemas: schema.NewResolver(nil)}.Start("rev")
	if err != nil {
		t.Fatal(err)
	}
	var added int
	_, err = manifest.LoadFSEach(fstest.MapFS{
		"a.yaml": {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")},
		"b.yaml": {Data: []byte("kind: [\n")},
	}, manifest.Options{}, func(o manifest.Object) {
		added++
		comp.Add(o)
	})
	comp.Stop()
	if err == nil || added != 1 {
		t.Errorf("load error %v after %d objects; want an error after 1", err, added)
	}
}
