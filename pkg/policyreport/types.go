package policyreport

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Report is one report object, in the shape both APIs share (OpenReports' Report is
// wgpolicyk8s.io's PolicyReport, plus a report-level source and configuration). These local
// types stand for the APIs' own Go modules, which gitops-drift does not import (see
// DECISIONS.md).
type Report struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Metadata   Metadata `json:"metadata"`
	// Source is set for OpenReports only: wgpolicyk8s.io/v1alpha2 has it on results alone.
	Source string `json:"source,omitempty"`
	// Configuration is set for OpenReports only.
	Configuration *Configuration `json:"configuration,omitempty"`
	Summary       Summary        `json:"summary"`
	Results       []Result       `json:"results"`
}

// Metadata is the part of a report's metadata that gitops-drift sets.
type Metadata struct {
	Name        string            `json:"name"`
	Namespace   string            `json:"namespace,omitempty"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Configuration is OpenReports' contract between a report's writer and its readers.
type Configuration struct {
	Limits Limits `json:"limits"`
}

// Limits tells readers that a report holds at most MaxResults results.
type Limits struct {
	MaxResults int `json:"maxResults"`
}

// Summary counts a report's results by outcome.
type Summary struct {
	Pass  int `json:"pass"`
	Fail  int `json:"fail"`
	Warn  int `json:"warn"`
	Error int `json:"error"`
	Skip  int `json:"skip"`
}

// Outcomes of a result.
const (
	// ResultFail: the resource drifts from Git, or is missing.
	ResultFail = "fail"
	// ResultError: the resource could not be checked.
	ResultError = "error"
)

// Result is one resource's drift.
type Result struct {
	Source    string    `json:"source"`
	Policy    string    `json:"policy"`
	Rule      string    `json:"rule"`
	Category  string    `json:"category"`
	Timestamp Timestamp `json:"timestamp"`
	Result    string    `json:"result"`
	Scored    bool      `json:"scored"`
	// Resources holds the one resource the result is about.
	Resources  []ObjectReference `json:"resources"`
	Message    string            `json:"message"`
	Properties map[string]string `json:"properties,omitempty"`
}

// Timestamp is a point in time as the APIs write it (metav1.Timestamp).
type Timestamp struct {
	Seconds int64 `json:"seconds"`
	Nanos   int32 `json:"nanos"`
}

// ObjectReference names a resource (the APIs' corev1.ObjectReference).
type ObjectReference struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	UID        string `json:"uid,omitempty"`
}

// Object returns r as an unstructured object, ready to be applied.
func (r *Report) Object() (*unstructured.Unstructured, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode %s %s/%s: %w", r.Kind, r.Metadata.Namespace, r.Metadata.Name, err)
	}
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(b); err != nil {
		return nil, fmt.Errorf("decode %s %s/%s: %w", r.Kind, r.Metadata.Namespace, r.Metadata.Name, err)
	}
	return obj, nil
}
