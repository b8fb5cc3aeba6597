package manifest_test

import (
	"errors"
	"fmt"
	"testing/fstest"

	"github.com/gitops-drift/gitops-drift/pkg/manifest"
)

func ExampleLoad() {
	set, err := manifest.Load("testdata/basic", manifest.Options{Namespace: "demo"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range set.Objects() {
		fmt.Printf("%s (%s:%d)\n", o.Key(), o.File, o.Line)
	}
	// Output:
	// ClusterRole frontend-reader (testdata/basic/apps/roles.json:1)
	// ConfigMap demo/settings (testdata/basic/namespace.yaml:7)
	// Deployment demo/frontend (testdata/basic/apps/frontend.yaml:1)
	// Namespace demo (testdata/basic/namespace.yaml:2)
	// Service demo/frontend (testdata/basic/apps/frontend.yaml:18)
}

func ExampleLoadFS() {
	fsys := fstest.MapFS{
		"a.yaml": {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")},
		"b.yaml": {Data: []byte("# copy\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")},
	}
	_, err := manifest.LoadFS(fsys, manifest.Options{})
	fmt.Println(err)
	var e *manifest.Error
	if errors.As(err, &e) {
		fmt.Println(e.File, e.Line)
	}
	// Output:
	// b.yaml:3: ConfigMap default/a is also defined at a.yaml:1
	// b.yaml 3
}
