package auditor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"

	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	"github.com/gitops-drift/gitops-drift/pkg/policyreport"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

const (
	// reportCallTimeout bounds each API call of the policy reports' writer.
	reportCallTimeout = 10 * time.Second
	// maxReportErrors bounds the errors in the log line of a round of writes.
	maxReportErrors = 5
)

// policyReports writes the policy report objects of each full audit (serve --policy-reports)
// on a goroutine of its own, so that the audit never waits for the API server: the audit
// hands over its reports (offer) and goes on; the writer writes the latest ones it was given.
// A write that fails is logged and counted, and tried again after the next audit.
//
// Writes are server-side applies by field manager gitops-drift. A report is written only when
// it differs from what this writer last wrote, or when its object changed since (its
// resourceVersion) or is gone: an unchanged audit costs one metadata LIST per report kind.
// A report of a namespace the audit no longer covers is emptied, never deleted.
type policyReports struct {
	api     policyreport.API
	builder *policyreport.Builder // Build by the audit goroutine only
	dyn     dynamic.Interface
	meta    metadata.Interface
	metrics *metrics.Metrics
	log     logr.Logger

	mu         sync.Mutex
	pending    []*policyreport.Report
	hasPending bool          // pending holds reports not taken yet (an audit may yield none)
	wake       chan struct{} // one buffered signal: pending may have reports to write
	done       chan struct{} // closed when run returns

	written map[string]written // by namespace ("" for the cluster report); run's goroutine only
}

// written is what the writer last wrote of one report: a hash of its content and the
// resourceVersion the API server gave it.
type written struct {
	hash            uint64
	resourceVersion string
}

// newPolicyReports returns the writer of api's reports through cfg (and httpClient, when not
// nil).
func newPolicyReports(cfg *rest.Config, httpClient *http.Client, api policyreport.API, m *metrics.Metrics, log logr.Logger) (*policyReports, error) {
	if httpClient == nil {
		var err error
		if httpClient, err = rest.HTTPClientFor(cfg); err != nil {
			return nil, fmt.Errorf("policy reports: HTTP client: %w", err)
		}
	}
	dyn, err := dynamic.NewForConfigAndClient(cfg, httpClient)
	if err != nil {
		return nil, fmt.Errorf("policy reports: dynamic client: %w", err)
	}
	meta, err := metadata.NewForConfigAndClient(cfg, httpClient)
	if err != nil {
		return nil, fmt.Errorf("policy reports: metadata client: %w", err)
	}
	return &policyReports{
		api: api, builder: policyreport.NewBuilder(policyreport.Options{API: api}),
		dyn: dyn, meta: meta, metrics: m, log: log,
		wake: make(chan struct{}, 1), done: make(chan struct{}), written: map[string]written{},
	}, nil
}

// audited builds the reports of a full audit that ended at end and hands them to the writer.
// uid returns the UID of a resource's live object.
func (p *policyReports) audited(r report.Report, end time.Time, uid func(*report.Resource) string) {
	reports := p.builder.Build(r, end, uid)
	p.mu.Lock()
	p.pending, p.hasPending = reports, true
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default: // already signalled: the writer takes the latest reports
	}
}

// run writes the reports handed over until ctx ends.
func (p *policyReports) run(ctx context.Context) {
	defer close(p.done)
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
		}
		if reports, ok := p.take(); ok {
			p.write(ctx, reports)
		}
	}
}

// take returns the reports handed over since the last take, and whether there were any: a
// signal may outlive the reports it announced, taken with those of a later one.
func (p *policyReports) take() ([]*policyreport.Report, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	reports, ok := p.pending, p.hasPending
	p.pending, p.hasPending = nil, false
	return reports, ok
}

// write writes reports, and empties the reports of earlier audits that reports lacks.
func (p *policyReports) write(ctx context.Context, reports []*policyreport.Report) {
	existing, err := p.existing(ctx)
	if err != nil {
		if ctx.Err() == nil {
			p.metrics.PolicyReportWrites(metrics.ReportFailed, 1)
			p.log.Error(err, msgReportsFailed, logAPI, p.api)
		}
		return
	}
	want := make(map[string]*policyreport.Report, len(reports))
	for _, r := range reports {
		want[r.Metadata.Namespace] = r
	}
	for ns := range existing {
		if want[ns] == nil {
			want[ns] = p.builder.Empty(ns)
		}
	}
	var applied, skipped int
	var errs []error
	for _, ns := range slices.Sorted(maps.Keys(want)) {
		switch ok, err := p.writeOne(ctx, want[ns], existing[ns]); {
		case ctx.Err() != nil:
			return
		case err != nil:
			errs = append(errs, err)
		case ok:
			applied++
		default:
			skipped++
		}
	}
	p.metrics.PolicyReportWrites(metrics.ReportApplied, applied)
	p.metrics.PolicyReportWrites(metrics.ReportFailed, len(errs))
	if len(errs) > 0 { // the first few: one cause (RBAC, say) usually fails them all
		p.log.Error(errors.Join(errs[:min(len(errs), maxReportErrors)]...), msgReportsFailed,
			logAPI, p.api, logReportsApplied, applied, logReportsFailed, len(errs))
		return
	}
	p.log.V(1).Info(msgReportsWritten, logAPI, p.api, logReportsApplied, applied, logReportsUnchanged, skipped)
}

// writeOne applies r unless it is what was last written and its object (at resourceVersion
// rv, "" when absent) has not changed since. It returns whether it applied r. A namespace
// that is gone, or going, is no error: its report goes with it.
func (p *policyReports) writeOne(ctx context.Context, r *policyreport.Report, rv string) (bool, error) {
	ns := r.Metadata.Namespace
	h, err := hashReport(r)
	if err != nil {
		return false, err
	}
	if w, ok := p.written[ns]; ok && w.hash == h && w.resourceVersion == rv {
		return false, nil
	}
	delete(p.written, ns)
	obj, err := r.Object()
	if err != nil {
		return false, err
	}
	ctx, cancel := context.WithTimeout(ctx, reportCallTimeout)
	defer cancel()
	out, err := p.dyn.Resource(p.api.KindOf(ns).GroupVersionResource).Namespace(ns).
		Apply(ctx, r.Metadata.Name, obj, metav1.ApplyOptions{FieldManager: policyreport.Source, Force: true})
	switch {
	case ns != "" && apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause):
		if rv != "" { // not tried again while the report stays as it is: it goes with its namespace
			p.written[ns] = written{hash: h, resourceVersion: rv}
		}
		p.log.V(1).Info(msgReportSkipped, logAPI, p.api, logNamespace, ns, logError, err.Error())
		return false, nil
	case ns != "" && apierrors.IsNotFound(err): // tried again: the namespace may be created
		p.log.V(1).Info(msgReportSkipped, logAPI, p.api, logNamespace, ns, logError, err.Error())
		return false, nil
	case err != nil:
		return false, fmt.Errorf("apply %s %s/%s: %w", r.Kind, ns, r.Metadata.Name, err)
	}
	p.written[ns] = written{hash: h, resourceVersion: out.GetResourceVersion()}
	return true, nil
}

// existing returns the resourceVersion of every report object gitops-drift wrote, by
// namespace ("" for the cluster report): one metadata LIST per report kind.
func (p *policyReports) existing(ctx context.Context) (map[string]string, error) {
	ctx, cancel := context.WithTimeout(ctx, reportCallTimeout)
	defer cancel()
	out := map[string]string{}
	namespaced, cluster := p.api.Kinds()
	for _, k := range []policyreport.Kind{namespaced, cluster} {
		list, err := p.meta.Resource(k.GroupVersionResource).List(ctx, metav1.ListOptions{
			LabelSelector: policyreport.LabelManagedBy + "=" + policyreport.Source,
			FieldSelector: "metadata.name=" + policyreport.Name,
		})
		if apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("list %s: %w (are the CRDs of %s installed? see manifests/crds/)", k.Resource, err, p.api)
		}
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", k.Resource, err)
		}
		for _, item := range list.Items {
			out[item.Namespace] = item.ResourceVersion
		}
	}
	return out, nil
}

// wait returns once run has returned.
func (p *policyReports) wait() { <-p.done }

// hashReport hashes r's content.
func hashReport(r *policyreport.Report) (uint64, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return 0, fmt.Errorf("encode %s %s: %w", r.Kind, r.Metadata.Namespace, err)
	}
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64(), nil
}

// uidOf returns the UID of res's live object from the informers, "" when it has none.
func (a *Auditor) uidOf(res *report.Resource) string {
	if res.Status != report.StatusDrifted {
		return ""
	}
	gv, err := schema.ParseGroupVersion(res.APIVersion)
	if err != nil {
		return ""
	}
	obj, err := a.live.get(a.live.ctx, scope{gvk: gv.WithKind(res.Kind), namespace: res.Namespace}, res.Name)
	if err != nil || obj == nil {
		return ""
	}
	return string(obj.GetUID())
}
