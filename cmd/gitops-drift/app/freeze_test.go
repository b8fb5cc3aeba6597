package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitops-drift/gitops-drift/cmd/gitops-drift/app"
	"github.com/gitops-drift/gitops-drift/pkg/report"
	"github.com/gitops-drift/gitops-drift/test/capture"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// gadgetCRD is a namespaced CRD of kind Gadget in group whose spec.parts is a list of
// {name, count}: atomic, or a list-map keyed by name when keyed is true.
func gadgetCRD(group string, keyed bool) string {
	listType := "x-kubernetes-list-type: atomic"
	if keyed {
		listType = "x-kubernetes-list-type: map\n                  x-kubernetes-list-map-keys: [name]"
	}
	return fmt.Sprintf(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.%[1]s}
spec:
  group: %[1]s
  names: {kind: Gadget, listKind: GadgetList, plural: gadgets, singular: gadget}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                color: {type: string}
                parts:
                  type: array
                  %[2]s
                  items:
                    type: object
                    required: [name]
                    properties:
                      name: {type: string}
                      count: {type: integer}
`, group, listType)
}

// gadget is a Gadget named g with two parts, a then b.
func gadget(group string) string {
	return fmt.Sprintf("apiVersion: %s/v1\nkind: Gadget\nmetadata: {name: g}\nspec:\n  color: blue\n  parts:\n  - {name: a, count: 1}\n  - {name: b, count: 2}\n", group)
}

// installCRD applies a CRD and waits until it is established.
func installCRD(t *testing.T, e *kubeenv.Env, crd, name string) {
	t.Helper()
	e.KubectlT(t, crd, "apply", "-f", "-")
	e.KubectlT(t, "", "wait", "--for", "condition=Established", "--timeout", "30s", "crd/"+name)
}

// loop runs the check loop (--interval 0.2, JSON report and logs) on dir in ns until the test
// ends, and returns its stdout and stderr.
func loop(t *testing.T, e *kubeenv.Env, ns, dir string) (out, errOut *capture.Buffer) {
	t.Helper()
	out, errOut = &capture.Buffer{}, &capture.Buffer{}
	ctx, cancel := context.WithCancel(t.Context())
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		app.Main(ctx, app.IOStreams{Out: out, ErrOut: errOut}, []string{
			"--manifests", dir, "--namespace", ns, "--kubeconfig", e.Kubeconfig,
			"--interval", "0.2", "--output", "json", "--log-format", "json"})
	}()
	t.Cleanup(func() {
		cancel()
		<-finished
		if t.Failed() {
			t.Logf("stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
		}
	})
	return out, errOut
}

// lastStatus returns the status of kind/name in the last complete JSON report of out, or ""
// when there is none.
func lastStatus(t *testing.T, out *capture.Buffer, kind, name string) report.Status {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out.String()))
	var last report.Report
	for {
		var r report.Report
		if err := dec.Decode(&r); err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("decode report: %v", err)
			}
			break
		}
		last = r
	}
	for _, r := range last.Resources {
		if r.Kind == kind && r.Name == name {
			return r.Status
		}
	}
	return ""
}

// TestLoopTracksCRDInstalledLater: a custom resource in Git whose CRD is not installed is a
// load error; once the CRD is installed, the running loop checks it, without a restart.
func TestLoopTracksCRDInstalledLater(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	group := "later.loop.gitops.io"
	dir := writeFiles(t, map[string]string{"gadget.yaml": gadget(group)})
	out, errOut := loop(t, e, ns, dir)
	eventually(t, "the load error naming the file", func() bool {
		s := errOut.String()
		return strings.Contains(s, "manifests did not load") && strings.Contains(s, filepath.Join(dir, "gadget.yaml")+":1")
	})

	installCRD(t, e, gadgetCRD(group, true), "gadgets."+group)
	e.KubectlT(t, "", "-n", ns, "apply", "-f", dir)
	eventually(t, "the Gadget checked and in sync", func() bool { return lastStatus(t, out, "Gadget", "g") == report.StatusInSync })
}

// TestLoopUsesChangedCRDSchema: when a CRD's list of parts becomes a list-map keyed by name,
// the running loop compares the parts by name from its next load on: reordered parts, drift
// by position before, are in sync after.
func TestLoopUsesChangedCRDSchema(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	group := "changed.loop.gitops.io"
	installCRD(t, e, gadgetCRD(group, false), "gadgets."+group)
	dir := writeFiles(t, map[string]string{"gadget.yaml": gadget(group)})
	e.KubectlT(t, "", "-n", ns, "apply", "-f", dir)
	e.KubectlT(t, "", "-n", ns, "patch", "gadget/g", "--type", "merge", "-p", `{"spec":{"parts":[{"name":"b","count":2},{"name":"a","count":1}]}}`)

	out, _ := loop(t, e, ns, dir)
	eventually(t, "the reordered atomic list reported", func() bool { return lastStatus(t, out, "Gadget", "g") == report.StatusDrifted })
	installCRD(t, e, gadgetCRD(group, true), "gadgets."+group)
	eventually(t, "the parts compared by name", func() bool { return lastStatus(t, out, "Gadget", "g") == report.StatusInSync })
}

// TestClusterScopedNamespaceWarns: a ClusterRole with metadata.namespace loads (kubectl apply
// takes it, the server clears the field), the warning is logged with file and line, and the
// check finds it in sync.
func TestClusterScopedNamespaceWarns(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	role := "reader-" + ns
	rbac := fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: b}\n---\n"+
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: %s\n  namespace: %s\n"+
		"rules:\n- {apiGroups: [\"\"], resources: [configmaps], verbs: [get]}\n", role, ns)
	dir := writeFiles(t, map[string]string{"rbac.yaml": rbac})
	e.KubectlT(t, "", "-n", ns, "apply", "-f", dir)
	t.Cleanup(func() { _, _, _ = e.Run(context.Background(), "", "delete", "clusterrole", role) })

	var out, errOut capture.Buffer
	code := app.Main(t.Context(), app.IOStreams{Out: &out, ErrOut: &errOut}, []string{
		"--manifests", dir, "--namespace", ns, "--kubeconfig", e.Kubeconfig, "--once", "--fail-on-drift",
		"--output", "json", "--log-format", "json"})
	if code != app.ExitOK {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	if got := lastStatus(t, &out, "ClusterRole", role); got != report.StatusInSync {
		t.Errorf("ClusterRole %s status %q, want in-sync", role, got)
	}
	var warnings []map[string]any
	for line := range strings.SplitSeq(errOut.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "manifest warning" {
			warnings = append(warnings, m)
		}
	}
	want := fmt.Sprintf(`ClusterRole %s is cluster-scoped: metadata.namespace %q ignored, as the API server does`, role, ns)
	if len(warnings) != 1 || warnings[0]["file"] != filepath.Join(dir, "rbac.yaml") || warnings[0]["line"] != float64(6) || warnings[0]["warning"] != want {
		t.Errorf("warning log lines = %v; want one at %s:6: %s", warnings, filepath.Join(dir, "rbac.yaml"), want)
	}
}
