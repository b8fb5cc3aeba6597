package webhook

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	admissionv1 "k8s.io/api/admission/v1"
	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// reviewCases are AdmissionReviews decodeReview must read as the API machinery does; the last
// reviewErrors of them it must refuse.
var reviewCases = []string{
	// Every field of a v1 request, as kube-apiserver v1.37 writes them (trimmed objects).
	`{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"705ab4f5-6393-11e8-b7cc-42010a800002",` +
		`"kind":{"group":"apps","version":"v1","kind":"Deployment"},"resource":{"group":"apps","version":"v1","resource":"deployments"},` +
		`"requestKind":{"group":"apps","version":"v1","kind":"Deployment"},"requestResource":{"group":"apps","version":"v1","resource":"deployments"},` +
		`"name":"web","namespace":"shop","operation":"UPDATE","userInfo":{"username":"admin","uid":"u-1","groups":["system:masters","system:authenticated"],"extra":{"scopes":["a"]}},` +
		`"object":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":3}},` +
		`"oldObject":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2}},` +
		`"dryRun":true,"options":{"kind":"UpdateOptions","apiVersion":"meta.k8s.io/v1","fieldManager":"kubectl-edit"}}}`,
	// A DELETE: no object; a scale.
	`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"group":"","version":"v1","kind":"ConfigMap"},"name":"c","operation":"DELETE","object":null,"oldObject":{"data":{}},"dryRun":false}}`,
	`{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"u","subResource":"scale","kind":{"group":"autoscaling","version":"v1","kind":"Scale"},"object":{"spec":{"replicas":5}}}}`,
	// Nulls, escapes, duplicates, whitespace.
	" {\"apiVersion\" : \"admission.k8s.io/v1\", \"kind\":\"AdmissionReview\",\n \"request\": {\"uid\":\"a\\u00e9\\\"b\", \"name\":null, \"userInfo\":{\"groups\":null}, \"dryRun\":null, \"name\":\"x\", \"object\" : [1, {\"a\":\"b\"}] } } ",
	`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"x"},"request":{"uid":"u","userInfo":{"groups":[]}}}`,
	// Errors (reviewErrors).
	`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`, `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":null}`,
	`{"apiVersion":"admission.k8s.io/v1","kind":"Status","request":{"uid":"u"}}`, `{"kind":"AdmissionReview","request":{"uid":"u"}}`,
	`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":5}}`,
	`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","object":{]}}`,
	`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u"}} {}`, `[]`, ``, `null`,
}

const reviewErrors = 10

func TestDecodeReview(t *testing.T) {
	for i, in := range reviewCases {
		t.Run(in, func(t *testing.T) {
			_, err := decodeReview([]byte(in))
			if wantErr := i >= len(reviewCases)-reviewErrors; (err != nil) != wantErr {
				t.Fatalf("error = %v, want an error: %v", err, wantErr)
			}
			sameReview(t, []byte(in))
		})
	}
}

// sameReview checks that a review decodeReview reads is one the API machinery's decoder (util/json,
// case-sensitive, as controller-runtime's) reads too, with the same values in the fields the
// handler uses.
func sameReview(t *testing.T, body []byte) {
	t.Helper()
	rv, err := decodeReview(body)
	if err != nil {
		return
	}
	var want admissionv1.AdmissionReview
	if err := utiljson.Unmarshal(body, &want); err != nil {
		t.Fatalf("decodeReview(%q) reads a review util/json does not: %v", body, err)
	}
	if want.APIVersion != rv.apiVersion {
		t.Errorf("apiVersion = %q, util/json reads %q", rv.apiVersion, want.APIVersion)
	}
	if diff := cmp.Diff(judged(want.Request), judged(&rv.request)); diff != "" {
		t.Errorf("decodeReview(%q) (-util/json +decodeReview):\n%s", body, diff)
	}
}

// judged returns the fields of req the handler uses; a null or missing dryRun is false.
func judged(req *admissionv1.AdmissionRequest) admissionv1.AdmissionRequest {
	out := admissionv1.AdmissionRequest{
		UID: req.UID, Kind: req.Kind, Resource: req.Resource, SubResource: req.SubResource, Name: req.Name, Namespace: req.Namespace,
		Operation: req.Operation, Object: req.Object, OldObject: req.OldObject, Options: req.Options, DryRun: new(req.DryRun != nil && *req.DryRun),
	}
	out.UserInfo.Username, out.UserInfo.UID, out.UserInfo.Groups = req.UserInfo.Username, req.UserInfo.UID, req.UserInfo.Groups
	return out
}

func FuzzDecodeReview(f *testing.F) {
	for _, c := range reviewCases {
		f.Add([]byte(c))
	}
	f.Fuzz(sameReview)
}
