package webhook

import (
	"encoding/json"
	"fmt"

	admissionv1 "k8s.io/api/admission/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
)

// `kubectl scale deployment/web --replicas=5` does not change the Deployment: it updates its
// scale subresource, and the API server sends the webhook an UPDATE whose objects are Scales
// (autoscaling/v1: metadata, spec.replicas, status), with the Deployment's resource, namespace
// and name. The Scale is judged against the spec.replicas that Git sets on the object scaled,
// found in memory by that resource, namespace and name: no API call, no need of the parent
// object in the request.

// subresourceScale is the name of the scale subresource.
const subresourceScale = "scale"

// scaledKind returns the kind of the built-in objects whose scale subresource is the resource
// gr: the kinds the webhook judges a Scale of. A custom resource's scale subresource maps its
// replicas to a path of its own: not judged.
func scaledKind(gr schema.GroupResource) (string, bool) {
	switch gr {
	case schema.GroupResource{Group: "apps", Resource: "deployments"}:
		return "Deployment", true
	case schema.GroupResource{Group: "apps", Resource: "statefulsets"}:
		return "StatefulSet", true
	case schema.GroupResource{Group: "apps", Resource: "replicasets"}:
		return "ReplicaSet", true
	case schema.GroupResource{Group: "", Resource: "replicationcontrollers"}:
		return "ReplicationController", true
	}
	return "", false
}

// scaleKey returns the key of the object a request on the scale subresource scales: its kind
// from the request's resource, its namespace and name from the request.
func scaleKey(req *admissionv1.AdmissionRequest) (manifest.Key, bool) {
	kind, ok := scaledKind(schema.GroupResource{Group: req.Resource.Group, Resource: req.Resource.Resource})
	if !ok {
		return manifest.Key{}, false
	}
	return manifest.Key{Group: req.Resource.Group, Kind: kind, Namespace: req.Namespace, Name: req.Name}, true
}

// evaluateScale returns the change a request on the scale subresource makes to the tracked
// target t, or nil when it introduces no drift. Only an UPDATE changes a scale. When Git does
// not set spec.replicas (an autoscaler owns it), no scale is drift; otherwise the new replicas
// are drift when they differ from Git's, unless the old Scale already had them (drift left as
// it was, as evaluate judges an object). Ignore paths apply as to the object.
func evaluateScale(req *admissionv1.AdmissionRequest, t *check.Target) (*change, error) {
	if req.Operation != admissionv1.Update {
		return nil, nil
	}
	desired, ok := gitReplicas(t)
	if !ok {
		return nil, nil
	}
	now, err := decodeReplicas(req, req.Object.Raw, "object")
	if err != nil {
		return nil, err
	}
	fields := compareReplicas(t, desired, now)
	if len(fields) == 0 {
		return nil, nil
	}
	old, err := decodeReplicas(req, req.OldObject.Raw, "oldObject")
	if err != nil {
		return nil, err
	}
	if fields = introduced(fields, compareReplicas(t, desired, old)); len(fields) == 0 {
		return nil, nil
	}
	return &change{op: req.Operation, key: t.Key, apiVersion: t.APIVersion(), fields: fields}, nil
}

// gitReplicas returns spec.replicas as Git writes it on t, and whether Git sets it: a value
// normalisation added (a default) is not Git's (check.Target.GitValue).
func gitReplicas(t *check.Target) (any, bool) {
	return t.GitValue(diff.Path{{Kind: diff.FieldSegment, Name: "spec"}, {Kind: diff.FieldSegment, Name: "replicas"}})
}

// decodeReplicas returns the spec.replicas of a Scale in raw JSON, the request's object or
// oldObject (name). autoscaling/v1 leaves out replicas 0.
func decodeReplicas(req *admissionv1.AdmissionRequest, raw []byte, name string) (int64, error) {
	if req.Kind.Kind != "Scale" {
		return 0, fmt.Errorf("scale subresource: want a Scale, the request has a %s", req.Kind.Kind)
	}
	if len(raw) == 0 {
		return 0, fmt.Errorf("request has no %s", name)
	}
	var s autoscalingv1.Scale
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, fmt.Errorf("decode %s: %w", name, err)
	}
	return int64(s.Spec.Replicas), nil
}

// compareReplicas returns the drift of replicas against Git's value desired, as t.Compare
// would report it on the whole object: at spec.replicas, unless an ignore path covers it.
func compareReplicas(t *check.Target, desired any, replicas int64) []diff.Field {
	return diff.Compare(
		map[string]any{"spec": map[string]any{"replicas": desired}},
		map[string]any{"spec": map[string]any{"replicas": replicas}},
		diff.Options{Schema: t.Schema, Ignore: t.Ignore},
	)
}
