package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/gitops-drift/gitops-drift/pkg/attribution"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/policy"
)

// recording reports whether the Handler records who makes req's change, should it drift: with
// a Recorder, for a CREATE or an UPDATE that is not a dry run. A deletion leaves no field to
// name a person for; a dry run changes nothing.
func (h *Handler) recording(req *admissionv1.AdmissionRequest) bool {
	return h.opts.Recorder != nil && (req.Operation == admissionv1.Create || req.Operation == admissionv1.Update) &&
		(req.DryRun == nil || !*req.DryRun)
}

// record hands the Recorder the record of req, whose change c drifts from Git at revision,
// answered with decision d. It never waits and makes no API call: the Recorder reads the
// request's object on its own goroutine. What the record holds is copied out of the request's
// memory, which the next request reuses once this one is answered: the object's and options'
// bytes, the strings, the drifted paths (and, for a subresource, their values, which the
// record digests).
func (h *Handler) record(req *admissionv1.AdmissionRequest, c *change, d Decision, revision string) {
	object, options := bytes.Clone(req.Object.Raw), bytes.Clone(req.Options.Raw)
	groups := make([]string, len(req.UserInfo.Groups))
	for i, g := range req.UserInfo.Groups {
		groups[i] = strings.Clone(g)
	}
	fields := make([]diff.Field, len(c.fields))
	for i, f := range c.fields {
		fields[i].Path = strings.Clone(f.Path)
		if req.SubResource != "" {
			fields[i].Live = detach(f.Live)
		}
	}
	h.opts.Recorder.offer(admitted{
		at:         time.Now(),
		decision:   d,
		revision:   revision,
		op:         admissionv1.Operation(strings.Clone(string(req.Operation))),
		apiVersion: strings.Clone(c.apiVersion),
		kind:       strings.Clone(c.key.Kind),
		namespace:  strings.Clone(c.key.Namespace),
		name:       strings.Clone(c.key.Name),
		sub:        strings.Clone(req.SubResource),
		user:       strings.Clone(req.UserInfo.Username),
		groups:     groups,
		object:     object,
		options:    options,
		fields:     fields,
		size:       int64(len(object) + len(options)),
	})
}

// detach returns a copy of v, a value decoded from a request, that shares no memory with it.
func detach(v any) any {
	switch x := v.(type) {
	case string:
		return strings.Clone(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[strings.Clone(k)] = detach(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = detach(e)
		}
		return out
	}
	return v // numbers, booleans, nil: values
}

// recordExempt records who made the change of an exempt user's request, when it drifts:
// exempt requests are not judged, but are recorded as any other. It evaluates the request as
// far as that needs, as verdictOn does, and never changes the answer: an error or a panic
// here leaves the request exempt (a panic is logged).
func (h *Handler) recordExempt(ctx context.Context, req *admissionv1.AdmissionRequest, m *requestMemory) {
	if !h.recording(req) {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			requestLog(ctx, req).Error(panicError(r), "panic while recording an exempt request", logStack, string(debug.Stack()))
		}
	}()
	desired := h.store.Load()
	if desired == nil {
		return
	}
	t, ok := lookup(desired, req)
	if !ok || h.opts.Enforcement.Effective(t.Policy.Enforcement) == policy.EnforcementOff ||
		req.SubResource == "" && req.Kind.Version != t.GVK.Version {
		return
	}
	if c, err := evaluate(req, t, m); err == nil && c != nil {
		h.record(req, c, DecisionExempt, desired.Revision)
	}
}

// admitted is what the Handler hands the Recorder of an admitted change that drifts: what the
// Event needs, as the request holds it (strings and slices of the request, not copies).
type admitted struct {
	at         time.Time
	decision   Decision
	revision   string
	op         admissionv1.Operation
	apiVersion string // of the object changed (scaled, for a scale)
	kind       string
	namespace  string
	name       string
	sub        string // the request's subresource
	user       string
	groups     []string
	object     []byte       // the request's object: its uid and managedFields
	options    []byte       // the request's options: its fieldManager
	fields     []diff.Field // the drift the change introduced: its paths
	size       int64        // the request bytes held
}

// requestMeta is what a record reads of the request's object.
type requestMeta struct {
	Metadata struct {
		UID           types.UID      `json:"uid"`
		ManagedFields []managedEntry `json:"managedFields"`
	} `json:"metadata"`
}

// managedEntry is a managedFields entry without its fields.
type managedEntry struct {
	Manager     string       `json:"manager"`
	Operation   string       `json:"operation"`
	Subresource string       `json:"subresource"`
	Time        *metav1.Time `json:"time"`
}

// record returns the Record of a: the object's uid, and the managedFields entry the request
// updated (requestEntry). A request on a subresource whose object carries no managedFields
// (a Scale) gives an approximate record: the time the webhook saw it, the fieldManager its
// options name, if any, and digests of the values it wrote.
func (a *admitted) record() (attribution.Record, error) {
	var meta requestMeta
	if err := json.Unmarshal(a.object, &meta); err != nil {
		return attribution.Record{}, fmt.Errorf("read the request's object: %w", err)
	}
	var opts struct {
		FieldManager string `json:"fieldManager"`
	}
	if len(a.options) > 0 {
		if err := json.Unmarshal(a.options, &opts); err != nil {
			return attribution.Record{}, fmt.Errorf("read the request's options: %w", err)
		}
	}
	rec := attribution.Record{
		Object:  attribution.Object{APIVersion: a.apiVersion, Kind: a.kind, Namespace: a.namespace, Name: a.name, UID: meta.Metadata.UID},
		User:    a.user,
		Groups:  a.groups,
		Request: string(a.op),
		Paths:   paths(a.fields),
	}
	if len(meta.Metadata.ManagedFields) == 0 && a.sub != "" {
		rec.Manager, rec.Subresource, rec.Time, rec.Approximate = opts.FieldManager, a.sub, a.at.UTC(), true
		rec.Digests = make(map[string]string, len(a.fields))
		for _, f := range a.fields {
			rec.Digests[f.Path] = attribution.Digest(f.Live)
		}
		return rec, nil
	}
	e, err := requestEntry(meta.Metadata.ManagedFields, a.sub, opts.FieldManager)
	if err != nil {
		return attribution.Record{}, err
	}
	rec.Manager, rec.Operation, rec.Subresource, rec.Time = e.Manager, e.Operation, e.Subresource, e.Time.UTC()
	return rec, nil
}

// errNoEntry: the request's object has no managedFields entry that the request can have
// updated (the API server tracks no managed fields for it).
var errNoEntry = errors.New("no managedFields entry for the request")

// requestEntry returns the managedFields entry that a request through subresource sub, with
// the fieldManager of its options (empty when it sets none), updated. The API server updates
// them before it calls validating webhooks: the entry of the request's manager (the
// fieldManager, or the one it derives from the user agent: "kubectl" for kubectl scale) and
// subresource gets the time of the request, the newest of the object's. With no fieldManager,
// the newest entry of the subresource is the request's; two entries at that second cannot be
// told apart, and are an error.
func requestEntry(entries []managedEntry, sub, fieldManager string) (managedEntry, error) {
	var best *managedEntry
	tie := false
	for i := range entries {
		e := &entries[i]
		if e.Subresource != sub || e.Time == nil || fieldManager != "" && e.Manager != fieldManager {
			continue
		}
		switch {
		case best == nil || e.Time.After(best.Time.Time):
			best, tie = e, false
		case e.Time.Equal(best.Time):
			tie = true
		}
	}
	switch {
	case best == nil:
		return managedEntry{}, errNoEntry
	case tie:
		return managedEntry{}, fmt.Errorf("several managedFields entries at %s: cannot tell which the request updated", best.Time.UTC().Format(time.RFC3339))
	}
	return *best, nil
}

// paths returns the paths of fields.
func paths(fields []diff.Field) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.Path
	}
	return out
}
