package webhook

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"sync"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	authnv1 "k8s.io/api/authentication/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/clip"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	"github.com/gitops-drift/gitops-drift/pkg/policy"
)

// Path is the URL path the webhook serves.
const Path = "/validate"

// Decision is what the webhook did with one request; it labels the decisions metric and the
// audit log.
type Decision string

// Decisions.
const (
	// DecisionExempt: the user or one of its groups is exempt; the change was evaluated only
	// to record who made it, with a Recorder.
	DecisionExempt Decision = "exempt"
	// DecisionUntracked: Git does not define the object, or skips it, or the request is on a
	// subresource other than scale.
	DecisionUntracked Decision = "untracked"
	// DecisionOtherVersion: Git defines the object, but the request came in another version
	// than Git's, so it was allowed unjudged. The webhook's registration is wrong for the
	// kind (see RegistrationWarnings): with matchPolicy Equivalent and a rule listing only
	// Git's version, the API server converts requests to it.
	DecisionOtherVersion Decision = "other-version"
	// DecisionOff: the Git copy sets enforcement "off".
	DecisionOff Decision = "off"
	// DecisionAllowed: the change introduces no drift.
	DecisionAllowed Decision = "allowed"
	// DecisionWarned: the change introduces drift and was allowed with warnings.
	DecisionWarned Decision = "warned"
	// DecisionDenied: the change introduces drift and was denied.
	DecisionDenied Decision = "denied"
	// DecisionAudited: the change introduces drift and was allowed silently, logged only.
	DecisionAudited Decision = "audited"
	// DecisionError: the request could not be judged; it was allowed with a warning.
	DecisionError Decision = "error"
	// DecisionStale: the change introduces drift and would have been denied, but the desired
	// state may be behind Git (Options.Stale): allowed with warnings that say so.
	DecisionStale Decision = "stale"
)

// Options configure a Handler.
type Options struct {
	// Enforcement is the global mode: warn, deny or audit. An object's
	// drift.gitops.io/enforcement annotation in Git overrides it. Defaults to warn.
	Enforcement policy.Enforcement
	// ExemptUsers are users whose requests are allowed without evaluation: the webhook's own
	// identity (so remediation is never blocked) and, say, the GitOps controller. Defaults to none.
	ExemptUsers []string
	// ExemptGroups are groups whose members' requests are allowed without evaluation.
	// Defaults to none.
	ExemptGroups []string
	// Log receives one line per request that introduced drift (the audit log). Defaults to
	// discarding them.
	Log logr.Logger
	// Metrics counts decisions. Defaults to nil: no metrics.
	Metrics *metrics.Metrics
	// Stale tells whether the desired state may be too far behind Git to deny with, and why
	// (desired.Reloader.Stale): a denial then becomes warnings. Defaults to nil: never stale.
	Stale func() (reason string, stale bool)
	// Recorder records who made each admitted change that drifts (warned, audited, allowed
	// while stale, or exempt), off the request path: DriftAdmitted Events. Defaults to nil:
	// no records.
	Recorder *Recorder
}

// Handler is the admission handler: decode, look up in memory, diff, decide. It is safe for
// concurrent use and makes no API calls. It serves the webhook's HTTP requests itself
// (ServeHTTP), and judges requests decoded by others (Handle).
type Handler struct {
	store  DesiredStore
	opts   Options
	users  map[string]struct{}
	groups map[string]struct{}
	// memory holds *requestMemory: what earlier requests were judged in, for reuse.
	memory sync.Pool
}

var (
	_ admission.Handler = (*Handler)(nil)
	_ http.Handler      = (*Handler)(nil)
)

// NewHandler returns a Handler judging requests against the desired state in store.
func NewHandler(store DesiredStore, opts Options) *Handler {
	if opts.Enforcement == "" {
		opts.Enforcement = policy.EnforcementWarn
	}
	if opts.Log.GetSink() == nil {
		opts.Log = logr.Discard()
	}
	return &Handler{store: store, opts: opts, users: set(opts.ExemptUsers), groups: set(opts.ExemptGroups)}
}

// Handle judges one admission request that controller-runtime (or a test) decoded. ServeHTTP
// judges the same way, from the request's bytes.
func (h *Handler) Handle(ctx context.Context, req admission.Request) admission.Response {
	m := h.acquire()
	resp := h.judge(ctx, &req.AdmissionRequest, m).response()
	h.release(m)
	return resp
}

// verdict is the handler's answer to one request, and its decision.
type verdict struct {
	decision Decision
	denied   bool
	message  string // a denial's message
	warnings []string
}

func allowed(d Decision, warnings ...string) verdict {
	return verdict{decision: d, warnings: warnings}
}

// response returns v as controller-runtime's response.
func (v verdict) response() admission.Response {
	if v.denied {
		return admission.Denied(v.message)
	}
	return admission.Allowed("").WithWarnings(v.warnings...)
}

// judge judges one request, its objects decoded in m, and counts its decision. A panic while
// judging is recovered: the request is allowed with a warning and counted as an error (see
// recovered), and m is not reused.
func (h *Handler) judge(ctx context.Context, req *admissionv1.AdmissionRequest, m *requestMemory) (v verdict) {
	defer func() {
		if r := recover(); r != nil {
			m.kept = true
			v = h.recovered(ctx, req, r)
		}
		h.opts.Metrics.Decision(string(v.decision))
	}()
	return h.verdictOn(ctx, req, m)
}

// verdictOn judges one request.
func (h *Handler) verdictOn(ctx context.Context, req *admissionv1.AdmissionRequest, m *requestMemory) verdict {
	if h.exempt(&req.UserInfo) {
		h.recordExempt(ctx, req, m)
		return allowed(DecisionExempt)
	}
	desired := h.store.Load()
	if desired == nil {
		return h.errored(ctx, req, errNotLoaded)
	}
	t, ok := lookup(desired, req)
	if !ok {
		return allowed(DecisionUntracked)
	}
	mode := h.opts.Enforcement.Effective(t.Policy.Enforcement)
	if mode == policy.EnforcementOff {
		return allowed(DecisionOff)
	}
	if v := t.GVK.Version; req.SubResource == "" && req.Kind.Version != v {
		// Comparing objects of two versions would report their differences of shape as drift.
		// A Scale is compared by its replicas alone, the same in every version.
		requestLog(ctx, req).Info("cannot judge: the request is in another version than Git's; register the webhook for Git's version alone, with matchPolicy Equivalent",
			logKind, req.Kind.Kind, logGitVersion, v, logRequestVersion, req.Kind.Version)
		return allowed(DecisionOtherVersion)
	}
	c, err := evaluate(req, t, m)
	if err != nil {
		return h.errored(ctx, req, err)
	}
	if c == nil {
		return allowed(DecisionAllowed)
	}
	return h.decide(req, c, mode, desired.Revision)
}

// decide answers a request that introduces drift, as mode says, logs it and, unless it is
// denied, records who made it (Options.Recorder).
func (h *Handler) decide(req *admissionv1.AdmissionRequest, c *change, mode policy.Enforcement, revision string) verdict {
	var v verdict
	switch mode {
	case policy.EnforcementDeny:
		if reason, stale := h.stale(); stale {
			v = allowed(DecisionStale, append([]string{staleWarning(reason, revision)}, warnings(c, revision)...)...)
			break
		}
		v = verdict{decision: DecisionDenied, denied: true, message: denyMessage(c, revision)}
	case policy.EnforcementAudit:
		v = allowed(DecisionAudited)
	default:
		v = allowed(DecisionWarned, warnings(c, revision)...)
	}
	h.audit(req, c, v.decision, revision)
	if !v.denied && h.recording(req) {
		h.record(req, c, v.decision, revision)
	}
	return v
}

func (h *Handler) stale() (string, bool) {
	if h.opts.Stale == nil {
		return "", false
	}
	return h.opts.Stale()
}

// exempt reports whether the user, or one of its groups, is exempt.
func (h *Handler) exempt(u *authnv1.UserInfo) bool {
	if _, ok := h.users[u.Username]; ok {
		return true
	}
	for _, g := range u.Groups {
		if _, ok := h.groups[g]; ok {
			return true
		}
	}
	return false
}

// errored answers a request the webhook could not judge. It allows it, with a warning, rather
// than answering Errored: the API server treats an error answer as a denial whatever the
// failurePolicy, and a webhook that cannot judge must never block the cluster (the auditor still
// reports any drift the change causes).
func (h *Handler) errored(ctx context.Context, req *admissionv1.AdmissionRequest, err error) verdict {
	requestLog(ctx, req).Error(err, "cannot judge admission request")
	return allowed(DecisionError, clip.Middle(prefix+"could not judge this change: "+err.Error(), maxWarning))
}

// internalErrorWarning is the warning of a request whose judging panicked: no detail, which
// could show a value.
const internalErrorWarning = prefix + "could not judge this change: internal error"

// recovered answers a request whose judging panicked, r the panic's value: allowed with a
// warning, like any request the webhook cannot judge, the stack in the log.
// controller-runtime's own recovery would answer Errored(500), a denial.
func (h *Handler) recovered(ctx context.Context, req *admissionv1.AdmissionRequest, r any) verdict {
	requestLog(ctx, req).Error(panicError(r), "panic while judging admission request", logStack, string(debug.Stack()))
	return allowed(DecisionError, internalErrorWarning)
}

// panicError returns a panic's value as an error to log: an error as it is (the project's
// errors never hold Secret values), anything else by its type alone.
func panicError(r any) error {
	if err, ok := r.(error); ok {
		return fmt.Errorf("panic: %w", err)
	}
	return fmt.Errorf("panic with a %T", r)
}

// requestLog returns ctx's logger with the request's identity, for the rare lines logged while
// judging it (built only then: the request path logs nothing else).
func requestLog(ctx context.Context, req *admissionv1.AdmissionRequest) logr.Logger {
	return logr.FromContextOrDiscard(ctx).WithName(loggerName).WithValues(logUID, req.UID, logNamespace, req.Namespace, logName, req.Name,
		logResource, resourceText(req), logUser, req.UserInfo.Username)
}

// lookup returns the tracked target the request is about, from the request's kind (its
// resource, for a scale), namespace and name alone, without decoding the object. Skipped
// objects are not tracked.
func lookup(d *check.Desired, req *admissionv1.AdmissionRequest) (*check.Target, bool) {
	k, ok := requestKey(req)
	if !ok {
		return nil, false
	}
	t, ok := d.Lookup(k)
	if !ok || t.Policy.Skip {
		return nil, false
	}
	return t, true
}

// requestKey returns the key of the object a request is about: the object itself, or for the
// scale subresource the object scaled (see scaleKey). Other subresources (status, ...) are not
// judged.
func requestKey(req *admissionv1.AdmissionRequest) (manifest.Key, bool) {
	switch req.SubResource {
	case "":
		k := manifest.Key{Group: req.Kind.Group, Kind: req.Kind.Kind, Namespace: req.Namespace, Name: req.Name}
		if k.Group == "" && k.Kind == "Namespace" {
			k.Namespace = "" // the API server gives a Namespace's own name as its namespace
		}
		return k, true
	case subresourceScale:
		return scaleKey(req)
	}
	return manifest.Key{}, false
}

func set(items []string) map[string]struct{} {
	m := make(map[string]struct{}, len(items))
	for _, s := range items {
		m[s] = struct{}{}
	}
	return m
}
