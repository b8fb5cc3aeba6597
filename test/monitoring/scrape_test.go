package monitoring

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// scraper reads serve's metrics endpoint as Prometheus does with the install: over HTTPS (serve
// --metrics-secure, its default), verifying serve's certificate, with the token of a
// ServiceAccount bound to the install's metrics-reader ClusterRole.
type scraper struct {
	url    string       // https://127.0.0.1:PORT/metrics
	client *http.Client // http.DefaultClient when nil
	token  string       // sent as a bearer token when set
}

// scrape returns the metrics serve exports now.
func (s scraper) scrape(t *testing.T) exposition {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	client := s.client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("scrape %s: %v", s.url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape %s: HTTP %d", s.url, resp.StatusCode)
	}
	exp, err := parseExposition(resp.Body)
	if err != nil {
		t.Fatalf("scrape %s: %v", s.url, err)
	}
	return exp
}

// exposition is a scrape in Prometheus's text format: the metric families by type, and the
// samples.
type exposition struct {
	types   map[string]string // family name -> counter, gauge, histogram, ...
	samples []sample
}

type sample struct {
	name   string
	labels map[string]string
	value  float64
}

var (
	sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)`)
	labelPair  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)
)

func parseExposition(r io.Reader) (exposition, error) {
	exp := exposition{types: map[string]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if f, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, typ, _ := strings.Cut(f, " ")
			exp.types[name] = typ
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := sampleLine.FindStringSubmatch(line)
		if m == nil {
			return exp, fmt.Errorf("not a sample: %q", line)
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			return exp, fmt.Errorf("sample %q: %w", line, err)
		}
		s := sample{name: m[1], labels: map[string]string{}, value: v}
		for _, l := range labelPair.FindAllStringSubmatch(m[2], -1) {
			s.labels[l[1]] = l[2]
		}
		exp.samples = append(exp.samples, s)
	}
	return exp, sc.Err()
}

// exports says whether a query can read name: a sample's name, or a histogram's or summary's
// family name with _bucket, _sum or _count (or without, for native histograms).
func (e exposition) exports(name string) bool {
	if slices.ContainsFunc(e.samples, func(s sample) bool { return s.name == name }) {
		return true
	}
	for _, suffix := range []string{"", "_bucket", "_sum", "_count"} {
		if typ := e.types[strings.TrimSuffix(name, suffix)]; strings.HasSuffix(name, suffix) && (typ == "histogram" || typ == "summary") {
			return true
		}
	}
	return false
}

// value returns the value of the sample of name whose labels include labels.
func (e exposition) value(name string, labels map[string]string) (float64, bool) {
	for _, s := range e.samples {
		if s.name == name && maps.EqualFunc(labels, pick(s.labels, labels), func(a, b string) bool { return a == b }) {
			return s.value, true
		}
	}
	return 0, false
}

// pick returns the entries of m whose keys are in keys.
func pick(m, keys map[string]string) map[string]string {
	out := map[string]string{}
	for k := range keys {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}

func TestParseExposition(t *testing.T) {
	text := `# HELP a_seconds A histogram.
# TYPE a_seconds histogram
a_seconds_bucket{le="0.1",webhook="/validate"} 1
a_seconds_bucket{le="+Inf",webhook="/validate"} 2
a_seconds_sum{webhook="/validate"} 0.25
a_seconds_count{webhook="/validate"} 2
# TYPE b gauge
b{resource_namespace="",resource_kind="ClusterRole",state="drifted"} 3
b{resource_namespace="web",resource_kind="Deployment",state="drifted"} 1.5
`
	exp, err := parseExposition(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		want bool
	}{
		{"a_seconds", true}, {"a_seconds_bucket", true}, {"a_seconds_count", true}, {"b", true},
		{"b_count", false}, {"a", false}, {"c", false},
	}
	for _, tt := range tests {
		if got := exp.exports(tt.name); got != tt.want {
			t.Errorf("exports(%s) = %t, want %t", tt.name, got, tt.want)
		}
	}
	if v, ok := exp.value("b", map[string]string{"resource_namespace": "web", "state": "drifted"}); !ok || v != 1.5 {
		t.Errorf("value of b in web = %v, %t; want 1.5", v, ok)
	}
	if v, ok := exp.value("b", map[string]string{"resource_namespace": ""}); !ok || v != 3 {
		t.Errorf("value of cluster-scoped b = %v, %t; want 3", v, ok)
	}
	if _, ok := exp.value("b", map[string]string{"resource_namespace": "api"}); ok {
		t.Error("value of b in api: found, want none")
	}
}
