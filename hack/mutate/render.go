package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Markers of the parts of TESTING.md that render rewrites.
const (
	resultsBegin   = "<!-- mutate:results:begin -->"
	resultsEnd     = "<!-- mutate:results:end -->"
	survivorsBegin = "<!-- mutate:survivors:begin -->"
	survivorsEnd   = "<!-- mutate:survivors:end -->"
)

// Accounted is a surviving mutant that was looked at, and why it survives (an equivalent
// mutant, say). It names the mutant by its file, source line, column and type rather than by
// its line number, which moves with every edit above it.
type Accounted struct {
	File   string
	Type   string
	Column int
	Source string
	Reason string
}

func (a Accounted) matches(m Mutant) bool {
	return a.File == m.File && a.Type == m.Type && a.Column == m.Column && a.Source == m.Source
}

// parseAccounted reads the survivors file: tab-separated file, type, column, source line
// (without indentation) and reason; blank lines and lines starting with # are skipped.
func parseAccounted(r io.Reader) ([]Accounted, error) {
	var out []Accounted
	s := bufio.NewScanner(r)
	for n := 1; s.Scan(); n++ {
		line := s.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("line %d: %d tab-separated fields, want 5 (file, type, column, source, reason)", n, len(f))
		}
		col, err := strconv.Atoi(f[2])
		if err != nil {
			return nil, fmt.Errorf("line %d: column: %w", n, err)
		}
		if strings.TrimSpace(f[4]) == "" {
			return nil, fmt.Errorf("line %d: no reason", n)
		}
		out = append(out, Accounted{File: f[0], Type: f[1], Column: col, Source: f[3], Reason: f[4]})
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("read survivors: %w", err)
	}
	return out, nil
}

// Counts are a target's mutants by outcome. Mutants that did not compile (not viable) or
// were skipped count in none but NotViable.
type Counts struct {
	Mutants, Killed, TimedOut, Survived, NotCovered, NotViable int
}

// Rate is the kill rate in percent: killed (timed out included) over mutants, not-covered
// ones included.
func (c Counts) Rate() float64 {
	if c.Mutants == 0 {
		return 100
	}
	return 100 * float64(c.Killed) / float64(c.Mutants)
}

func (c *Counts) add(o Counts) {
	c.Mutants += o.Mutants
	c.Killed += o.Killed
	c.TimedOut += o.TimedOut
	c.Survived += o.Survived
	c.NotCovered += o.NotCovered
	c.NotViable += o.NotViable
}

func count(ms []Mutant) Counts {
	var c Counts
	for _, m := range ms {
		switch {
		case m.Killed():
			c.Mutants++
			c.Killed++
			if m.Status == statusTimedOut {
				c.TimedOut++
			}
		case m.Survived():
			c.Mutants++
			c.Survived++
			if m.Status == statusNotCovered {
				c.NotCovered++
			}
		default:
			c.NotViable++
		}
	}
	return c
}

// Report is what render found: the two parts of TESTING.md, the survivors nobody accounted
// for, and the accounted entries that match no survivor of a measured target.
type Report struct {
	Results, Survivors string
	Unaccounted        []Mutant
	Stale              []Accounted
	Total              Counts
}

// render builds the results table and the survivors list of the targets, from their results
// (absent: to be measured) and the accounted survivors.
func render(targets []Target, results map[string]Result, accounted []Accounted) Report {
	var rep Report
	var table, surv strings.Builder
	table.WriteString("| package | files | mutants | killed | survived | kill rate | measured |\n")
	table.WriteString("|---|---|---:|---:|---:|---:|---|\n")
	used := make([]bool, len(accounted))
	measured := map[string]bool{}
	var notViable []string
	for _, t := range targets {
		files := "all"
		if len(t.Include) > 0 {
			files = strings.Join(t.Include, ", ")
		}
		fmt.Fprintf(&surv, "#### %s\n\n", t.Dir)
		r, ok := results[t.Dir]
		if !ok {
			fmt.Fprintf(&table, "| %s | %s | | | | | to be measured |\n", t.Dir, files)
			surv.WriteString("To be measured.\n\n")
			continue
		}
		measured[t.Dir] = true
		c := count(r.Mutants)
		rep.Total.add(c)
		fmt.Fprintf(&table, "| %s | %s | %d | %s | %s | %.1f%% | %s on %s, %s, %s |\n",
			t.Dir, files, c.Mutants, withPart(c.Killed, c.TimedOut, "timed out"), withPart(c.Survived, c.NotCovered, "not covered"),
			c.Rate(), r.Commit, day(r.Date), seconds(r.Seconds), r.Tool)
		if c.NotViable > 0 {
			notViable = append(notViable, fmt.Sprintf("%s %d", t.Dir, c.NotViable))
		}
		n := 0
		for _, m := range r.Mutants {
			if !m.Survived() {
				continue
			}
			n++
			reason := "**not accounted for**"
			for i, a := range accounted {
				if a.matches(m) {
					reason, used[i] = a.Reason, true
					break
				}
			}
			if reason == "**not accounted for**" {
				rep.Unaccounted = append(rep.Unaccounted, m)
			}
			fmt.Fprintf(&surv, "- `%s` %s (%s) `%s` — %s\n", m.Where(), m.Type, strings.ToLower(m.Status), m.Source, reason)
		}
		if n == 0 {
			surv.WriteString("None.\n")
		}
		surv.WriteString("\n")
	}
	fmt.Fprintf(&table, "| **measured, together** | | %d | %s | %s | %.1f%% | |\n",
		rep.Total.Mutants, withPart(rep.Total.Killed, rep.Total.TimedOut, "timed out"),
		withPart(rep.Total.Survived, rep.Total.NotCovered, "not covered"), rep.Total.Rate())
	if len(notViable) > 0 {
		fmt.Fprintf(&table, "\nMutants that did not compile (not counted): %s.\n", strings.Join(notViable, ", "))
	}
	for i, a := range accounted {
		if !used[i] && measured[pkgOf(a.File)] {
			rep.Stale = append(rep.Stale, a)
		}
	}
	rep.Results, rep.Survivors = table.String(), strings.TrimSuffix(surv.String(), "\n")
	return rep
}

// pkgOf returns the directory of a file path from the module root.
func pkgOf(file string) string {
	if i := strings.LastIndex(file, "/"); i >= 0 {
		return file[:i]
	}
	return "."
}

// withPart renders n, and "(k what)" after it when k is not zero.
func withPart(n, k int, what string) string {
	if k == 0 {
		return strconv.Itoa(n)
	}
	return fmt.Sprintf("%d (%d %s)", n, k, what)
}

func day(rfc3339 string) string {
	if len(rfc3339) >= len("2006-01-02") {
		return rfc3339[:len("2006-01-02")]
	}
	return rfc3339
}

func seconds(s int) string {
	if s < 120 {
		return fmt.Sprintf("%d s", s)
	}
	return fmt.Sprintf("%d min", (s+30)/60)
}

// splice replaces what lies between each pair of markers in doc with the report's parts.
func splice(doc string, rep Report) (string, error) {
	doc, err := replaceBetween(doc, resultsBegin, resultsEnd, rep.Results)
	if err != nil {
		return "", err
	}
	return replaceBetween(doc, survivorsBegin, survivorsEnd, rep.Survivors+"\n")
}

func replaceBetween(doc, begin, end, body string) (string, error) {
	i := strings.Index(doc, begin)
	j := strings.Index(doc, end)
	if i < 0 || j < i {
		return "", fmt.Errorf("the document has no %s ... %s", begin, end)
	}
	return doc[:i+len(begin)] + "\n" + body + doc[j:], nil
}
