package diff

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestCompareGolden compares testdata objects and checks the drift, as JSON, against
// testdata/NAME.golden.json. Run with -update to rewrite the golden files. (pkg/check's
// TestCompareSecretGolden has the Secret, whose stringData pkg/normalize folds.)
func TestCompareGolden(t *testing.T) {
	tests := []struct {
		name, desired, live string
		schema              *Schema
	}{
		{name: "deployment-drifted", desired: "deployment.desired.json", live: "deployment-drifted.live.json", schema: deploymentSchema()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			desired := loadObject(t, tt.desired, false)
			live := loadObject(t, tt.live, true)
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(Compare(desired, live, Options{Schema: tt.schema})); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			golden := filepath.Join("testdata", tt.name+".golden.json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("Compare() as JSON (-want +got):\n%s", diff)
			}
			for _, secret := range []string{"hunter2", "s3cr3t", "czNjcjN0", "aHVudGVy"} {
				if strings.Contains(string(got), secret) {
					t.Errorf("secret %q leaked into %s", secret, got)
				}
			}
		})
	}
}
