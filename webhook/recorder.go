package webhook

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"golang.org/x/time/rate"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	eventsv1client "k8s.io/client-go/kubernetes/typed/events/v1"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/gitops-drift/gitops-drift/pkg/attribution"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
)

// RecorderOptions configure a Recorder.
type RecorderOptions struct {
	// QueueSize bounds the records waiting to be written; a record offered to a full queue is
	// dropped and counted. Defaults to 1024.
	QueueSize int
	// MaxQueuedBytes bounds the bytes of the requests the waiting records hold (their objects
	// are parsed off the request path, when written); past it, records are dropped too.
	// Defaults to 64 MiB.
	MaxQueuedBytes int64
	// QPS and Burst are the token bucket of the Event writes. Default to 10 per second and a
	// burst of 50.
	QPS   float64
	Burst int
	// Controller is the Events' reportingController. Defaults to "gitops-drift".
	Controller string
	// Instance is the Events' reportingInstance. Defaults to the host name (a Pod's name).
	Instance string
	// Timeout bounds each Event write. Defaults to 10s.
	Timeout time.Duration
	// Interval is how often the queue is looked at: a record waits up to this long before
	// it is written (and the rate limit). Defaults to 50ms.
	Interval time.Duration
	// Metrics counts the records by result. Defaults to nil: no metrics.
	Metrics *metrics.Metrics
	// Log receives the failures. Defaults to the logger of Start's context.
	Log logr.Logger
}

func (o RecorderOptions) withDefaults() RecorderOptions {
	if o.QueueSize <= 0 {
		o.QueueSize = 1024
	}
	if o.MaxQueuedBytes <= 0 {
		o.MaxQueuedBytes = 64 << 20
	}
	if o.QPS <= 0 {
		o.QPS = 10
	}
	if o.Burst <= 0 {
		o.Burst = 50
	}
	if o.Controller == "" {
		o.Controller = "gitops-drift"
	}
	if o.Instance == "" {
		o.Instance, _ = os.Hostname()
		if o.Instance == "" {
			o.Instance = "gitops-drift"
		}
	}
	if len(o.Instance) > maxInstance {
		o.Instance = o.Instance[:maxInstance]
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Interval <= 0 {
		o.Interval = 50 * time.Millisecond
	}
	return o
}

// maxInstance bounds an Event's reportingInstance.
const maxInstance = 128

// failureLogEvery is the least time between two log lines about failed records.
const failureLogEvery = time.Minute

// Recorder records who made each admitted change that drifts from Git, off the request path:
// the Handler offers it the request (never waiting; a full queue drops the record, counted),
// and Start, on a goroutine of its own, every Interval, reads from each queued request's
// object the managedFields entry the request updated and writes a DriftAdmitted Event
// (pkg/attribution) through events.k8s.io/v1, at most QPS a second. Every replica runs one: whichever replica admits a
// change records it, and the auditor of the leader reads it.
type Recorder struct {
	client eventsv1client.EventsGetter
	opts   RecorderOptions
	queue  chan admitted
	bytes  atomic.Int64 // held by the records in queue

	log      logr.Logger // Start's goroutine only, as the rest
	limiter  *rate.Limiter
	failures int       // since the last line logged about them
	logged   time.Time // when that line was logged
}

var (
	_ manager.Runnable               = (*Recorder)(nil)
	_ manager.LeaderElectionRunnable = (*Recorder)(nil)
)

// NewRecorder returns a Recorder writing Events through client.
func NewRecorder(client eventsv1client.EventsGetter, opts RecorderOptions) *Recorder {
	opts = opts.withDefaults()
	return &Recorder{
		client:  client,
		opts:    opts,
		queue:   make(chan admitted, opts.QueueSize),
		log:     opts.Log,
		limiter: rate.NewLimiter(rate.Limit(opts.QPS), opts.Burst),
	}
}

// NeedLeaderElection tells the Manager to run the Recorder on every replica.
func (r *Recorder) NeedLeaderElection() bool { return false }

// offer queues a for writing, unless the queue is full or holds MaxQueuedBytes: then a is
// dropped and counted. It never waits.
func (r *Recorder) offer(a admitted) {
	if r.bytes.Add(a.size) > r.opts.MaxQueuedBytes {
		r.bytes.Add(-a.size)
		r.opts.Metrics.AdmissionRecord(metrics.RecordDropped)
		return
	}
	select {
	case r.queue <- a:
	default:
		r.bytes.Add(-a.size)
		r.opts.Metrics.AdmissionRecord(metrics.RecordDropped)
	}
}

// Start writes the queued records until ctx ends; what is still queued then is not written.
// It looks at the queue every Interval rather than waiting on it: a request then never
// wakes this goroutine, which would cost the request path more than the record itself.
func (r *Recorder) Start(ctx context.Context) error {
	if r.log.GetSink() == nil {
		r.log = logr.FromContextOrDiscard(ctx)
	}
	r.log = r.log.WithName("records")
	tick := time.NewTicker(r.opts.Interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			if !r.writeQueued(ctx) {
				return nil
			}
		}
	}
}

// writeQueued writes the queued records, at most QPS a second, until the queue is empty. It
// returns false once ctx ends.
func (r *Recorder) writeQueued(ctx context.Context) bool {
	for {
		select {
		case a := <-r.queue:
			r.bytes.Add(-a.size)
			if err := r.limiter.Wait(ctx); err != nil {
				return false // ctx ended
			}
			r.write(ctx, a)
		default:
			return true
		}
	}
}

// write writes the DriftAdmitted Event of a, and counts it.
func (r *Recorder) write(ctx context.Context, a admitted) {
	ev, err := r.event(a)
	if err == nil {
		wctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
		_, err = r.client.Events(ev.Namespace).Create(wctx, ev, metav1.CreateOptions{})
		cancel()
		if err != nil {
			err = fmt.Errorf("create Event: %w", err)
		}
	}
	if err != nil {
		r.opts.Metrics.AdmissionRecord(metrics.RecordFailed)
		r.failed(err, a)
		return
	}
	r.opts.Metrics.AdmissionRecord(metrics.RecordRecorded)
	r.log.V(1).Info("admission recorded", logKind, a.kind, logNamespace, a.namespace, logName, a.name, logUser, a.user, logEvent, ev.Name)
}

// failed logs a failure to record a: the first, then at most one line per failureLogEvery,
// with the number of failures since the last line.
func (r *Recorder) failed(err error, a admitted) {
	r.failures++
	now := time.Now()
	if !r.logged.IsZero() && now.Sub(r.logged) < failureLogEvery {
		return
	}
	r.log.Error(err, "cannot record admission", logKind, a.kind, logNamespace, a.namespace, logName, a.name, logUser, a.user, logFailures, r.failures)
	r.failures, r.logged = 0, now
}

// event returns the DriftAdmitted Event of a.
func (r *Recorder) event(a admitted) (*eventsv1.Event, error) {
	rec, err := a.record()
	if err != nil {
		return nil, err
	}
	return attribution.NewEvent(rec, attribution.EventOptions{
		Controller: r.opts.Controller,
		Instance:   r.opts.Instance,
		Action:     actionOf(a.decision),
		Revision:   a.revision,
		Now:        a.at,
	})
}

// actionOf returns the Event action of a decision: what the webhook did with the change.
func actionOf(d Decision) string {
	switch d {
	case DecisionWarned:
		return "Warned"
	case DecisionAudited:
		return "Audited"
	case DecisionStale:
		return "AllowedStale"
	case DecisionExempt:
		return "Exempt"
	}
	return "Admitted"
}
