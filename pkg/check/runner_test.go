package check_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

func TestRunnerRunOnce(t *testing.T) {
	d := offlineDesired(t, runManifests)
	live := liveMap{"drifted": cm("drifted", "2"), "same": cm("same", "1")}
	loadErr := errors.New("bad.yaml:3: did not load")
	tests := []struct {
		name        string
		desired     check.DesiredFunc
		wantErr     string
		wantStale   bool
		wantCalls   int
		wantDrifted report.Action // the action of ConfigMap app/drifted; "" when not checked
	}{
		{
			name:        "fresh state is remediated",
			desired:     func(context.Context) (*check.Desired, error) { return d, nil },
			wantCalls:   4, // the Namespace and the broken, drifted and missing ConfigMaps
			wantDrifted: report.ActionRemediated,
		},
		{
			name:        "stale state is checked, not remediated",
			desired:     func(context.Context) (*check.Desired, error) { return d, loadErr },
			wantErr:     "checked the last good desired state, without remediation: bad.yaml:3: did not load",
			wantStale:   true,
			wantDrifted: report.ActionDetected,
		},
		{
			name:    "no state",
			desired: func(context.Context) (*check.Desired, error) { return nil, loadErr },
			wantErr: "bad.yaml:3: did not load",
		},
		{
			name:    "no state and no reason",
			desired: func(context.Context) (*check.Desired, error) { return nil, nil },
			wantErr: "no desired state to check",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rem := &fakeRemediator{}
			r := &check.Runner{Desired: tt.desired, Live: live, Options: check.Options{Remediator: rem}}
			got, err := r.RunOnce(t.Context())
			if gotErr := errText(err); gotErr != tt.wantErr {
				t.Errorf("err = %q, want %q", gotErr, tt.wantErr)
			}
			var stale *check.StaleError
			if errors.As(err, &stale) != tt.wantStale || (tt.wantStale && !errors.Is(err, loadErr)) {
				t.Errorf("err = %v: want stale %v, wrapping the load error", err, tt.wantStale)
			}
			if len(rem.calls) != tt.wantCalls {
				t.Errorf("remediator calls = %v, want %d", rem.calls, tt.wantCalls)
			}
			var action report.Action
			for _, res := range got.Resources {
				if res.Name == "drifted" {
					action = res.Action
				}
			}
			if diff := cmp.Diff(tt.wantDrifted, action); diff != "" {
				t.Errorf("action of the drifted ConfigMap (-want +got):\n%s", diff)
			}
		})
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
