package desired

import (
	"testing"

	"github.com/gitops-drift/gitops-drift/pkg/check"
)

func TestStoreReady(t *testing.T) {
	s := &Store{}
	if err := s.Ready(nil); err == nil {
		t.Error("empty store is ready")
	}
	s.Set(&check.Desired{})
	if err := s.Ready(nil); err != nil {
		t.Errorf("loaded store not ready: %v", err)
	}
}
