package desired

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// module is this repository's module path.
const module = "github.com/gitops-drift/gitops-drift"

// TestLayering pins the layering of the desired-state pipeline and its consumers (cmd ->
// webhook/auditor -> desired -> check -> ...): the pipeline needs neither admission nor the
// audit, and the auditor gets its desired state from here, not through the webhook. It reads
// the packages' dependencies, test files left out, with `go list -deps` (go test puts the go
// command on PATH).
func TestLayering(t *testing.T) {
	tests := []struct {
		pkg       string
		forbidden []string
	}{
		{pkg: module + "/pkg/desired", forbidden: []string{module + "/webhook", module + "/auditor", module + "/cmd/gitops-drift/app"}},
		{pkg: module + "/auditor", forbidden: []string{module + "/webhook", module + "/cmd/gitops-drift/app"}},
	}
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", tt.pkg).Output()
			if err != nil {
				t.Fatalf("go list -deps %s: %v", tt.pkg, err)
			}
			deps := strings.Fields(string(out))
			if !slices.Contains(deps, module+"/pkg/check") {
				t.Fatalf("go list -deps %s does not list pkg/check; the dependencies were not read:\n%s", tt.pkg, out)
			}
			for _, f := range tt.forbidden {
				if slices.Contains(deps, f) {
					t.Errorf("%s depends on %s", tt.pkg, f)
				}
			}
		})
	}
}
