package webhook

import (
	"fmt"
	"slices"
	"strings"
	"unsafe"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/gitops-drift/gitops-drift/pkg/clip"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// Limits of what the webhook tells the client.
const (
	// prefix starts every warning and message, so users know who speaks.
	prefix = "gitops-drift: "
	// maxWarning is the length of one warning, as the admission API recommends.
	maxWarning = 120
	// warningBudget bounds all of a request's warnings together: the API server keeps 4,096
	// characters of them.
	warningBudget = 3800
	// maxKeyText bounds "Kind namespace/name" in a warning.
	maxKeyText = 56
	// maxDenyFields is the number of fields a denial lists before summarising the rest.
	maxDenyFields = 20
)

// warnings returns the admission warnings for c: one per drifted field, or one for a
// deletion, each at most maxWarning bytes, all together under warningBudget; fields past the
// budget are counted in a last line.
func warnings(c *change, revision string) []string {
	key := piece{text: clip.Middle(c.key.String(), maxKeyText), cut: clip.Middle}
	if c.op == admissionv1.Delete {
		return []string{fitLine(maxWarning, fixed(prefix), key, fixed(": deleting an object Git still defines ("+report.RevisionText(revision)+")"))}
	}
	out := make([]string, 0, len(c.fields))
	total := 0
	var buf [8]piece // a line's pieces: fieldPieces makes at most 5
	for i, f := range c.fields {
		line := appendFieldPieces(append(buf[:0], fixed(prefix), key, fixed(" ")), f, c.secret)
		if length(line) > maxWarning {
			// When a line is too long, the namespace goes first: the user knows where they work.
			line[1] = piece{text: clip.Middle(c.key.Kind+" "+c.key.Name, maxKeyText), cut: clip.Middle}
		}
		w := fitLine(maxWarning, line...)
		if total+len(w)+maxWarning > warningBudget && i < len(c.fields)-1 {
			more := len(c.fields) - i
			out = append(out, clip.Middle(fmt.Sprintf("%s%s: %d more drifted fields not shown", prefix, key.text, more), maxWarning))
			break
		}
		out = append(out, w)
		total += len(w)
	}
	return out
}

// denyMessage returns the message of a denial: the object, the fields, the Git revision, and
// how to proceed.
func denyMessage(c *change, revision string) string {
	var b strings.Builder
	if c.op == admissionv1.Delete {
		fmt.Fprintf(&b, "%sGit (%s) still defines %s; deleting it would make the cluster drift from Git.\n", prefix, report.RevisionText(revision), c.key)
		b.WriteString("To proceed, remove it from Git first, or delete it as an exempt user or group.")
		return b.String()
	}
	fmt.Fprintf(&b, "%s%s would drift from Git (%s):\n", prefix, c.key, report.RevisionText(revision))
	for i, f := range c.fields {
		if i == maxDenyFields {
			fmt.Fprintf(&b, "  - %d more field(s)\n", len(c.fields)-i)
			break
		}
		b.WriteString(fitLine(maxWarning, appendFieldPieces([]piece{fixed("  - ")}, f, c.secret)...))
		b.WriteByte('\n')
	}
	b.WriteString("To proceed, change the manifest in Git, or make the change as an exempt user or group.")
	return b.String()
}

// staleWarning is the first warning of a change that would have been denied but for a stale
// desired state: a stale copy of Git must never block a change already in Git.
func staleWarning(reason, revision string) string {
	return clip.Middle(prefix+"not denied: "+reason+"; judged against "+report.RevisionText(revision), maxWarning)
}

// appendFieldPieces appends to line the pieces of the line of one drifted field: "path: Git
// has X, change sets Y", "path: not in Git, change sets Y" for a hand-added field, "path: API
// default X, change sets Y" for a hand-edited default, or "path: differs from Git" for a
// Secret, whose values are never shown. It appends at most 5 pieces.
func appendFieldPieces(line []piece, f diff.Field, secret bool) []piece {
	path := piece{text: shortPath(f.Path), cut: clip.Head}
	if secret {
		return append(line, path, fixed(": differs from Git"))
	}
	if f.Added {
		return append(line, path, fixed(": not in Git, change sets "), piece{text: messageValue(f.Live), cut: clip.Middle})
	}
	desired := piece{text: messageValue(f.Desired), cut: clip.Middle}
	if f.Default {
		return append(line, path, fixed(": API default "), desired, fixed(", change sets "), piece{text: messageValue(f.Live), cut: clip.Middle})
	}
	if f.Live == nil {
		return append(line, path, fixed(": Git has "), desired, fixed(", change removes it"))
	}
	return append(line, path, fixed(": Git has "), desired, fixed(", change sets "), piece{text: messageValue(f.Live), cut: clip.Middle})
}

// podSpecPaths are path prefixes dropped from messages: where a pod template's spec sits.
// "containers[name=app].image" says as much as the full path, in a third of the space.
var podSpecPaths = []string{
	"spec.jobTemplate.spec.template.spec.",
	"spec.template.spec.",
}

// shortPath drops the pod template prefix of a path, if any.
func shortPath(p string) string {
	for _, pre := range podSpecPaths {
		if s, ok := strings.CutPrefix(p, pre); ok {
			return s
		}
	}
	return p
}

// messageValue renders a value of an object for a message as the reports do
// (report.FormatValue: strings quoted when not printable, which a warning's header refuses),
// but for an empty string, quoted: "Git has , change sets x" would read as a slip.
func messageValue(v any) string {
	if v == "" {
		return `""`
	}
	return report.FormatValue(v)
}

// piece is a part of a message line. A piece with a cut func (clip.Middle, clip.Head) may be
// shortened by it; one without is kept whole.
type piece struct {
	text string
	cut  func(s string, n int) string
}

func fixed(s string) piece { return piece{text: s} }

// Lengths of fitLine.
const (
	// protect is how much of each piece fitLine keeps whole, when it can: a short value such
	// as an image tag is never shortened because a long name is.
	protect = 16
	// minPiece is the length below which fitLine never shortens a piece.
	minPiece = 8
)

// fitLine joins the pieces in at most budget bytes. It shortens the shortenable pieces that
// are longer than protect, evenly, longest first; only if the protected parts alone do not fit
// does it shorten all of them evenly, down to minPiece. The result is cut in the middle if it
// still does not fit.
func fitLine(budget int, pieces ...piece) string {
	room, total := budget, 0
	var lensBuf, keptBuf, excessBuf, limitsBuf [8]int // a line has at most 8 pieces it may cut
	lens, kept, excess := lensBuf[:0], keptBuf[:0], excessBuf[:0]
	for _, p := range pieces {
		total += len(p.text)
		if p.cut == nil {
			room -= len(p.text)
			continue
		}
		k := min(len(p.text), protect)
		lens, kept, excess = append(lens, len(p.text)), append(kept, k), append(excess, len(p.text)-k)
	}
	limits := limitsBuf[:0]
	if spare := room - sum(kept); spare >= 0 {
		c := capFor(excess, spare)
		for i := range lens {
			limits = append(limits, kept[i]+min(excess[i], c))
		}
	} else {
		c := max(capFor(lens, room), minPiece)
		for i := range lens {
			limits = append(limits, min(lens[i], c))
		}
	}
	b := make([]byte, 0, min(total, budget))
	i := 0
	for _, p := range pieces {
		if p.cut == nil {
			b = append(b, p.text...)
			continue
		}
		b = append(b, p.cut(p.text, limits[i])...)
		i++
	}
	if len(b) > budget {
		return clip.Middle(string(b), budget)
	}
	return unsafe.String(unsafe.SliceData(b), len(b)) // b is not written again
}

// capFor returns the largest length limit such that the lengths lens, each cut to limit, sum
// to at most room.
func capFor(lens []int, room int) int {
	if sum(lens) <= room {
		return int(^uint(0) >> 1)
	}
	var buf [8]int
	lens = append(buf[:0], lens...)
	slices.Sort(lens)
	for i, l := range lens {
		n := len(lens) - i
		if l*n > room {
			return room / n
		}
		room -= l
	}
	return 0 // not reached: sum > room means some length exceeds its share
}

// length returns the length of the pieces joined, uncut.
func length(pieces []piece) int {
	n := 0
	for _, p := range pieces {
		n += len(p.text)
	}
	return n
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
