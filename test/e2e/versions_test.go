package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// hpa is a HorizontalPodAutoscaler named web in apiVersion (autoscaling/v1 and v2 share
// these fields) with maxReplicas max.
func hpa(apiVersion string, max int) string {
	return fmt.Sprintf(`apiVersion: %s
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: %d
`, apiVersion, max)
}

// TestWebhookJudgesOtherVersion: Git writes the HorizontalPodAutoscaler in autoscaling/v2
// (the preferred version, the one the install's rule lists); a change made through
// autoscaling/v1 is converted by the API server (matchPolicy Equivalent) and judged.
func TestWebhookJudgesOtherVersion(t *testing.T) {
	e := setup(t)
	ns := e.Namespace(t)
	desired := hpa("autoscaling/v2", 3)
	w := startWebhook(t, e, ns, desired)
	w.applyGit(desired)

	stderr := w.mustKubectl("", "patch", "horizontalpodautoscalers.v1.autoscaling", "web", "--type", "merge", "-p", `{"spec":{"maxReplicas":5}}`)
	wantWarnings(t, stderr, "spec.maxReplicas: Git has 3, change sets 5") // the namespace is clipped
	if v, _ := w.sample(`gitops_drift_admission_decisions_total{decision="other-version"}`); v != 0 {
		t.Errorf(`gitops_drift_admission_decisions_total{decision="other-version"} = %v, want 0`, v)
	}
}

// TestWebhookWarnsGitVersion: Git writes the HorizontalPodAutoscaler in autoscaling/v1, a
// version the install's rule does not list. serve warns at load, naming the file and line;
// a change is allowed unjudged, counted as other-version and logged.
func TestWebhookWarnsGitVersion(t *testing.T) {
	e := setup(t)
	ns := e.Namespace(t)
	desired := desiredApps + "---\n" + hpa("autoscaling/v1", 3)
	w := startServe(t, e, ns, desired, "--webhook-configuration", "gitops-drift-"+ns)
	if w.logLine("webhook configuration not found; not checking which versions the webhook is sent", map[string]string{"webhookConfiguration": "gitops-drift-" + ns}) == nil {
		t.Error("no log line about the webhook configuration missing at start")
	}
	w.register()
	w.applyGit(desired)
	w.writeFile("more.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: more}\n") // a reload
	line := strings.Count(desired, "\n") - strings.Count(hpa("autoscaling/v1", 3), "\n") + 1
	var warning map[string]any
	w.poll("the version warning", 10*time.Second, func() bool {
		warning = w.logLine("manifest warning", map[string]string{"file": w.manifests + "/desired.yaml"})
		return warning != nil
	})
	wantMsg := fmt.Sprintf("HorizontalPodAutoscaler %s/web (autoscaling/v1): webhook validate.drift.gitops.io is sent horizontalpodautoscalers.autoscaling as v2 only", ns)
	if fmt.Sprint(warning["line"]) != fmt.Sprint(line) || !strings.HasPrefix(fmt.Sprint(warning["warning"]), wantMsg) {
		t.Errorf("warning = %v; want line %d and %q...", warning, line, wantMsg)
	}

	const otherVersion = `gitops_drift_admission_decisions_total{decision="other-version"}`
	before, _ := w.sample(otherVersion) // the Git state's apply, in v1, counted too
	stderr := w.mustKubectl("", "patch", "hpa", "web", "--type", "merge", "-p", `{"spec":{"maxReplicas":5}}`)
	wantNoWarnings(t, stderr)
	if v, _ := w.sample(otherVersion); v != before+1 {
		t.Errorf("%s = %v after the change, want %v", otherVersion, v, before+1)
	}
	if w.logLine("cannot judge: the request is in another version than Git's; register the webhook for Git's version alone, with matchPolicy Equivalent",
		map[string]string{"kind": "HorizontalPodAutoscaler", "name": "web", "user": "admin", "gitVersion": "v1", "requestVersion": "v2"}) == nil {
		t.Error("no log line for the request in another version")
	}
}

// gadgetCRD is a namespaced CRD of kind Gadget in group.
func gadgetCRD(group string) string {
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
`, group)
}

// TestServeTracksCRDInstalledLater: a custom resource reaches Git before its CRD is
// installed: the reload fails (reported with file and line, the last good state stays); once
// the CRD is installed, serve loads it and audits the resource, without a restart. (A retry
// may fail once more, differently, while the server publishes the CRD's OpenAPI schema; the
// Reloader's unit test checks that a retry failing the same way is not reported again.)
func TestServeTracksCRDInstalledLater(t *testing.T) {
	e := setup(t)
	ns := e.Namespace(t)
	base := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: base}\ndata: {a: b}\n"
	applyAdmin(t, e, ns, base)
	w := startServe(t, e, ns, base, "--no-webhook", "--audit-interval", "1h")
	w.poll("the ConfigMap in sync", 30*time.Second, func() bool {
		v, _ := w.sample(`gitops_drift_resources{state="in-sync"}`)
		return v == 1
	})

	group := "later.serve.gitops.io"
	gadget := fmt.Sprintf("apiVersion: %s/v1\nkind: Gadget\nmetadata: {name: g}\nspec: {color: blue}\n", group)
	w.writeFile("gadget.yaml", gadget)
	w.poll("the failed reload", 10*time.Second, func() bool {
		return strings.Contains(w.out.String(), w.manifests+"/gadget.yaml:1") && w.metric("gitops_drift_manifest_load_errors_total") == 1
	})

	e.KubectlT(t, gadgetCRD(group), "apply", "-f", "-")
	e.KubectlT(t, "", "wait", "--for", "condition=Established", "--timeout", "30s", "crd/gadgets."+group)
	applyAdmin(t, e, ns, gadget)
	w.poll("the Gadget loaded and in sync", 30*time.Second, func() bool {
		v, _ := w.sample(`gitops_drift_resources{state="in-sync"}`)
		return v == 2
	})
}
