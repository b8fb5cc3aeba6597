package diff_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

func TestOwnerRendering(t *testing.T) {
	at := time.Date(2026, 12, 4, 10, 0, 7, 0, time.UTC)
	tests := []struct {
		name      string
		owner     diff.Owner
		want, who string
	}{
		{"manager only", diff.Owner{Manager: "kubectl-set", Operation: "Update", Time: at},
			"kubectl-set (Update, 2026-12-04T10:00:07Z)", "kubectl-set"},
		{"the person named", diff.Owner{Manager: "kubectl-set", Operation: "Update", Time: at, User: "alice@example.com", Groups: []string{"dev"}},
			"kubectl-set (Update, 2026-12-04T10:00:07Z) by alice@example.com", "kubectl-set, alice@example.com"},
		{"looked for in vain", diff.Owner{Manager: "kubectl-edit", Operation: "Update", Time: at, UserUnknown: "not seen at admission"},
			"kubectl-edit (Update, 2026-12-04T10:00:07Z), user unknown (not seen at admission)", "kubectl-edit"},
		{"a scale, no time", diff.Owner{Manager: "kubectl", Operation: "Update", Subresource: "scale", User: "bob"},
			"kubectl (Update /scale) by bob", "kubectl, bob"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.owner.String()); diff != "" {
				t.Errorf("String (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.who, tt.owner.Who()); diff != "" {
				t.Errorf("Who (-want +got):\n%s", diff)
			}
		})
	}
}
