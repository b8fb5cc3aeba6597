// Command promql-names parses PromQL expressions with Prometheus's own parser (the version
// promtool is built from) and prints the metric names each one selects, for test/monitoring:
// the dashboard's and the alerts' expressions must parse, and every metric they read must be
// one that `gitops-drift serve` exports.
//
// It reads a JSON array of expressions on stdin and writes a JSON array of results in the same
// order: {"expr": …, "names": [sorted metric names]} or {"expr": …, "error": …}. It exits 1
// only when its input cannot be read; a bad expression is reported in its result.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// result is what promql-names says about one expression.
type result struct {
	Expr  string   `json:"expr"`
	Names []string `json:"names,omitempty"`
	Error string   `json:"error,omitempty"`
}

func main() {
	var exprs []string
	if err := json.NewDecoder(os.Stdin).Decode(&exprs); err != nil {
		fmt.Fprintln(os.Stderr, "promql-names: read a JSON array of expressions:", err)
		os.Exit(1)
	}
	p := parser.NewParser(parser.Options{})
	out := make([]result, 0, len(exprs))
	for _, e := range exprs {
		out = append(out, names(p, e))
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "promql-names: write results:", err)
		os.Exit(1)
	}
}

// names parses expr and collects the metric names of its selectors: a selector's name, or
// its __name__ matcher when that is an equality. A selector without a fixed name is an error:
// it could read any metric, so its names cannot be checked.
func names(p parser.Parser, expr string) result {
	r := result{Expr: expr}
	node, err := p.ParseExpr(expr)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	seen := map[string]bool{}
	parser.Inspect(node, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		name := vs.Name
		for _, m := range vs.LabelMatchers {
			if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
				name = m.Value
			}
		}
		if name == "" {
			r.Error = fmt.Sprintf("selector %s has no fixed metric name", vs)
			return nil
		}
		seen[name] = true
		return nil
	})
	for n := range seen {
		r.Names = append(r.Names, n)
	}
	slices.Sort(r.Names)
	return r
}
