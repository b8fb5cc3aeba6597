package monitoring

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// filesDir holds the dashboard, the alerts and their unit tests, as the chart includes them.
const filesDir = "../../charts/gitops-drift/files"

// toolsMod is the go.mod that pins promtool's version, which names its cache folder.
const toolsMod = "../../hack/tools/promtool/go.mod"

var prometheusVersion = regexp.MustCompile(`(?m)^\s*github\.com/prometheus/prometheus (v\S+)`)

// toolDir returns the folder `make promtool` (hack/tools.sh promtool) builds promtool and
// promql-names into: $PROMTOOL_DIR when set, else
// ${XDG_CACHE_HOME:-$HOME/.cache}/gitops-drift/promtool-<version>.
func toolDir() (string, error) {
	if dir := os.Getenv("PROMTOOL_DIR"); dir != "" {
		return dir, nil
	}
	mod, err := os.ReadFile(toolsMod)
	if err != nil {
		return "", err
	}
	m := prometheusVersion.FindSubmatch(mod)
	if m == nil {
		return "", fmt.Errorf("%s: no github.com/prometheus/prometheus requirement", toolsMod)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find cache folder: %w", err)
	}
	return filepath.Join(cache, "gitops-drift", "promtool-"+string(m[1])), nil
}

// tool returns the path of promtool or promql-names. Absent, it skips the test under -short
// and fails it otherwise: `make test` builds them first.
func tool(t *testing.T, name string) string {
	t.Helper()
	dir, err := toolDir()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err != nil {
		msg := fmt.Sprintf("%s not found in %s: run `make promtool` (it builds promtool and promql-names from source once)", name, dir)
		if testing.Short() {
			t.Skip(msg)
		}
		t.Fatal(msg)
	}
	return path
}

// promtool runs promtool with args in filesDir and returns its output; it fails the test if
// promtool fails.
func promtool(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), tool(t, "promtool"), args...)
	cmd.Dir = filesDir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// parsed is what promql-names says of one expression.
type parsed struct {
	Expr  string   `json:"expr"`
	Names []string `json:"names"`
	Error string   `json:"error"`
}

// parse parses exprs with Prometheus's own parser (promql-names) and returns the results in
// the same order.
func parse(t *testing.T, exprs []string) []parsed {
	t.Helper()
	in, err := json.Marshal(exprs)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), tool(t, "promql-names"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("promql-names: %v\n%s", err, stderr.String())
	}
	var res []parsed
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("promql-names output: %v", err)
	}
	if len(res) != len(exprs) {
		t.Fatalf("promql-names: %d results for %d expressions", len(res), len(exprs))
	}
	return res
}
