package app

import (
	"context"
	"fmt"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
	crleaderelection "sigs.k8s.io/controller-runtime/pkg/leaderelection"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/gitops-drift/gitops-drift/pkg/metrics"
)

// leaseTiming is the timing of the leader election, as in client-go's LeaderElectionConfig.
type leaseTiming struct {
	// duration is how long the other replicas wait, after the holder last renewed the Lease,
	// before they take it.
	duration time.Duration
	// renewDeadline is how long the holder tries to renew the Lease before it gives it up.
	renewDeadline time.Duration
	// retryPeriod is the time between two tries to take or renew the Lease.
	retryPeriod time.Duration
}

// defaultLeaseTiming is controller-runtime's Manager's, which serve used before it ran the
// election itself: 15s, 10s, 2s.
func defaultLeaseTiming() leaseTiming {
	return leaseTiming{duration: 15 * time.Second, renewDeadline: 10 * time.Second, retryPeriod: 2 * time.Second}
}

// campaign is serve's leader election: the replica that holds the Lease runs lead (the
// auditor), the others wait to take the Lease over. Unlike a Manager with LeaderElection on,
// which exits the process when it loses the Lease, a campaign only stops lead: the webhook,
// the reloader, the metrics and the probes go on, and the replica campaigns again. Lead runs
// at most once at a time in a process, and returns before the next term campaigns.
type campaign struct {
	lock   resourcelock.Interface
	timing leaseTiming
	// lead runs until its context ends: when the Lease is lost or serve stops.
	lead    func(context.Context) error
	metrics *metrics.Metrics
}

var _ manager.LeaderElectionRunnable = (*campaign)(nil)

// newCampaign returns a campaign for the Lease gitops-drift in namespace, reached through cfg,
// whose holder runs lead. The Lease, its holder's identity (host name and a UUID) and its
// Events (from events) are those of controller-runtime's leader election.
func newCampaign(cfg *rest.Config, events recorder.Provider, namespace string, timing leaseTiming, lead func(context.Context) error, m *metrics.Metrics) (*campaign, error) {
	lock, err := crleaderelection.NewResourceLock(cfg, events, crleaderelection.Options{
		LeaderElection:          true,
		LeaderElectionID:        leaderElectionID,
		LeaderElectionNamespace: namespace,
		RenewDeadline:           timing.renewDeadline, // bounds each request at half of it
	})
	if err != nil {
		return nil, fmt.Errorf("leader election lock: %w", err)
	}
	return &campaign{lock: lock, timing: timing, lead: lead, metrics: m}, nil
}

// NeedLeaderElection is false: the campaign is the leader election, run on every replica.
func (c *campaign) NeedLeaderElection() bool { return false }

// Start campaigns for the Lease until ctx ends, running lead whenever this replica holds it.
// When ctx ends while it leads, lead is stopped first, then the Lease is released, so that
// another replica takes over at once. Start returns lead's error, if any; else nil.
func (c *campaign) Start(ctx context.Context) error {
	log := logr.FromContextOrDiscard(ctx).WithName("leader-election")
	c.metrics.SetLeader(false)
	log.Info("campaigning", logLease, c.lock.Describe(), logIdentity, c.lock.Identity())
	for ctx.Err() == nil {
		if err := c.term(ctx, log); err != nil {
			return err
		}
	}
	return nil
}

// term campaigns until this replica holds the Lease, then runs lead until the Lease is lost or
// ctx ends. It returns once lead has returned and the election has stopped, and the Lease is
// released if ctx ended.
func (c *campaign) term(ctx context.Context, log logr.Logger) error {
	// The election outlives ctx until lead has stopped: the Lease must not be given up while
	// the auditor may still write.
	electCtx, stopElect := context.WithCancel(logr.NewContext(context.WithoutCancel(ctx), log))
	defer stopElect()
	won := make(chan context.Context, 1)
	le, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock:          c.lock,
		LeaseDuration: c.timing.duration,
		RenewDeadline: c.timing.renewDeadline,
		RetryPeriod:   c.timing.retryPeriod,
		Name:          leaderElectionID, // leader_election_master_status{name="gitops-drift"}
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: func(leadCtx context.Context) { won <- leadCtx },
			OnStoppedLeading: func() {},
			OnNewLeader:      func(id string) { log.Info("leader observed", logLeader, id) },
		},
		// Not ReleaseOnCancel: client-go would release after a lost Lease too, when another
		// replica may hold it by then. release does it on stop only.
	})
	if err != nil {
		return fmt.Errorf("leader election: %w", err)
	}
	elected := make(chan struct{})
	go func() {
		defer close(elected)
		le.Run(electCtx)
	}()
	var leadErr error
	select {
	case <-ctx.Done():
	case <-elected: // only after a Lease lost before lead could start
	case leadCtx := <-won:
		leadErr = c.runLead(ctx, leadCtx, log)
	}
	stopElect()
	<-elected
	if ctx.Err() != nil {
		c.release(log)
	}
	return leadErr
}

// runLead runs lead while this replica holds the Lease: until leadCtx ends (the Lease is
// lost) or ctx does (serve stops).
func (c *campaign) runLead(ctx, leadCtx context.Context, log logr.Logger) error {
	runCtx, cancel := context.WithCancel(leadCtx)
	defer cancel()
	defer context.AfterFunc(ctx, cancel)()
	c.metrics.SetLeader(true)
	log.Info("leading: auditor starting")
	err := c.lead(runCtx)
	c.metrics.SetLeader(false)
	if ctx.Err() == nil && leadCtx.Err() != nil {
		log.Info("lease lost: auditor stopped, webhook still serving; campaigning again")
	}
	if err != nil {
		return fmt.Errorf("auditor: %w", err)
	}
	return nil
}

// release gives the Lease up if this replica holds it, as client-go's ReleaseOnCancel does,
// but judging by the Lease as the server holds it now: another replica may have taken it.
func (c *campaign) release(log logr.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timing.renewDeadline)
	defer cancel()
	rec, _, err := c.lock.Get(ctx)
	if err != nil {
		log.Error(err, "release the lease")
		return
	}
	if rec.HolderIdentity != c.lock.Identity() {
		return
	}
	now := metav1.NewTime(time.Now())
	err = c.lock.Update(ctx, resourcelock.LeaderElectionRecord{
		LeaderTransitions:    rec.LeaderTransitions,
		LeaseDurationSeconds: 1,
		RenewTime:            now,
		AcquireTime:          now,
	})
	if err != nil {
		log.Error(err, "release the lease")
		return
	}
	log.Info("lease released")
}
