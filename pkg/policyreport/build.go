package policyreport

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// DefaultMaxResults bounds the results of one report, so that a namespace with thousands of
// drifted resources still fits in one object (etcd refuses objects over 1.5 MiB; a result is
// at most about 1.5 kB).
const DefaultMaxResults = 500

// Category is the category of every result.
const Category = "GitOps Drift"

// Rules of the results: what is wrong with the resource.
const (
	// RuleDrifted: fields differ from Git (result fail).
	RuleDrifted = "drifted"
	// RuleMissing: Git defines the resource and the cluster lacks it (result fail).
	RuleMissing = "missing"
	// RuleError: the resource could not be checked (result error).
	RuleError = "error"
)

// Properties of a result.
const (
	// PropertyRevision is the Git revision checked against.
	PropertyRevision = "revision"
	// PropertyAction is what gitops-drift did about the drift (report.Action).
	PropertyAction = "action"
	// PropertyFields is the number of drifted fields.
	PropertyFields = "fields"
)

// Options configure a Builder.
type Options struct {
	// API is the API of the report objects. Defaults to OpenReports.
	API API
	// MaxResults bounds the results of one report; the rest are counted in the summary and
	// in the AnnotationOmitted annotation. Defaults to DefaultMaxResults.
	MaxResults int
}

// Builder builds the report objects of successive audits. It remembers when each result was
// first found, so that a drift that stays the same keeps its timestamp (and its report object
// stays byte for byte the same, costing no write). Not safe for concurrent use.
type Builder struct {
	opts  Options
	found map[resultKey]time.Time
}

// resultKey is one result's identity: its resource, its rule and its message.
type resultKey struct {
	ref           ObjectReference
	rule, message string
}

// NewBuilder returns a Builder.
func NewBuilder(opts Options) *Builder {
	if opts.API == "" {
		opts.API = OpenReports
	}
	if opts.MaxResults <= 0 {
		opts.MaxResults = DefaultMaxResults
	}
	return &Builder{opts: opts, found: map[resultKey]time.Time{}}
}

// Build returns the report objects of an audit that ended at now: one per namespace that r has
// resources in, and the cluster report if r has cluster-scoped resources, sorted by namespace
// (the cluster report first). uid returns the UID of a resource's live object, "" if unknown;
// it may be nil.
func (b *Builder) Build(r report.Report, now time.Time, uid func(*report.Resource) string) []*Report {
	byNamespace := map[string]*Report{}
	found := make(map[resultKey]time.Time, len(b.found))
	for i := range r.Resources {
		res := &r.Resources[i]
		rep := byNamespace[res.Namespace]
		if rep == nil {
			rep = b.Empty(res.Namespace)
			byNamespace[res.Namespace] = rep
		}
		result, ok := resultOf(res, r.Revision)
		if !ok {
			continue
		}
		if uid != nil {
			result.Resources[0].UID = uid(res)
		}
		key := resultKey{ref: result.Resources[0], rule: result.Rule, message: result.Message}
		at, seen := b.found[key]
		if !seen {
			at = now
		}
		found[key] = at
		result.Timestamp = Timestamp{Seconds: at.Unix()}
		b.add(rep, result)
	}
	b.found = found
	out := make([]*Report, 0, len(byNamespace))
	for _, ns := range slices.Sorted(maps.Keys(byNamespace)) {
		out = append(out, byNamespace[ns])
	}
	return out
}

// add counts result in rep and appends it while rep holds fewer than MaxResults.
func (b *Builder) add(rep *Report, result Result) {
	switch result.Result {
	case ResultFail:
		rep.Summary.Fail++
	case ResultError:
		rep.Summary.Error++
	}
	if len(rep.Results) < b.opts.MaxResults {
		rep.Results = append(rep.Results, result)
		return
	}
	if rep.Metadata.Annotations == nil {
		rep.Metadata.Annotations = map[string]string{}
	}
	omitted, _ := strconv.Atoi(rep.Metadata.Annotations[AnnotationOmitted])
	rep.Metadata.Annotations[AnnotationOmitted] = strconv.Itoa(omitted + 1)
}

// Empty returns the report of namespace ns ("" for the cluster report) with no results: what a
// report becomes once its drift is gone. Unlike Build, it is safe to call at any time.
func (b *Builder) Empty(ns string) *Report {
	k := b.opts.API.KindOf(ns)
	rep := &Report{
		APIVersion: string(b.opts.API),
		Kind:       k.Kind,
		Metadata:   Metadata{Name: Name, Namespace: ns, Labels: map[string]string{LabelManagedBy: Source}},
		Results:    []Result{},
	}
	if b.opts.API == OpenReports {
		rep.Source = Source
		rep.Configuration = &Configuration{Limits: Limits{MaxResults: b.opts.MaxResults}}
	}
	return rep
}

// resultOf returns the result of one checked resource, without its timestamp and UID, and
// false for a resource in sync: one never checked wrong, or one just remediated or created, or
// whose drift was gone when it was read to be repaired.
func resultOf(res *report.Resource, revision string) (Result, bool) {
	var rule, outcome, message string
	switch {
	case res.Action == report.ActionRemediated || res.Action == report.ActionCreated || res.Action == report.ActionResolvedMeanwhile:
		return Result{}, false
	case res.Status == report.StatusDrifted:
		rule, outcome, message = RuleDrifted, ResultFail, driftedMessage(res, report.Who)
	case res.Status == report.StatusMissing:
		rule, outcome, message = RuleMissing, ResultFail, missingMessage(res)
	case res.Status == report.StatusError:
		rule, outcome, message = RuleError, ResultError, errorMessage(res)
	default:
		return Result{}, false
	}
	props := map[string]string{PropertyRevision: cmp.Or(revision, report.NoRevision)}
	if res.Action != report.ActionNone {
		props[PropertyAction] = string(res.Action)
	}
	if res.Status == report.StatusDrifted {
		props[PropertyFields] = strconv.Itoa(len(res.Fields))
	}
	return Result{
		Source:   Source,
		Policy:   Policy,
		Rule:     rule,
		Category: Category,
		Result:   outcome,
		Scored:   true,
		Resources: []ObjectReference{{
			APIVersion: res.APIVersion, Kind: res.Kind, Namespace: res.Namespace, Name: res.Name,
		}},
		Message:    message,
		Properties: props,
	}, true
}
