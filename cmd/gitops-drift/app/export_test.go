package app

import (
	"context"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/record"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/gitops-drift/gitops-drift/pkg/metrics"
)

// The leader election timing of NewTestCampaign: a lease of 10s, renewed within 2s, tried
// every 0.5s.
const (
	CampaignLeaseDuration = 10 * time.Second
	CampaignRenewDeadline = 2 * time.Second
	CampaignRetryPeriod   = 500 * time.Millisecond
)

// NewTestCampaign returns serve's leader election for the Lease gitops-drift in namespace, at
// the timing above, whose holder runs lead, and the replica's identity in the Lease.
func NewTestCampaign(cfg *rest.Config, namespace string, lead func(context.Context) error, m *metrics.Metrics) (manager.Runnable, string, error) {
	timing := leaseTiming{duration: CampaignLeaseDuration, renewDeadline: CampaignRenewDeadline, retryPeriod: CampaignRetryPeriod}
	c, err := newCampaign(cfg, discardEvents{}, namespace, timing, lead, m)
	if err != nil {
		return nil, "", err
	}
	return c, c.lock.Identity(), nil
}

// discardEvents provides recorders that drop the Lease's Events.
type discardEvents struct{}

func (discardEvents) GetEventRecorderFor(string) record.EventRecorder { return &record.FakeRecorder{} }

// GetEventRecorder is not used by the Lease lock, which records through the old API only.
func (discardEvents) GetEventRecorder(string) recorder.EventRecorder { return nil }
