package check

import (
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// A target holds its object once, in the form compared (Want). What reports and writes need of
// Git's own spelling is what normalisation changed, which is little, and kept beside Want:
//   - the quantities Git writes otherwise ("0.5" where Want has "500m"), so that a drifted
//     quantity shows as Git has it;
//   - the values normalisation added, which Git does not set (a custom resource's structural
//     defaults), so that a write leaves them out and gitops-drift never owns them.
//
// A Secret's stringData, folded into data, is the other (Target.StringData). Places name list
// items by position: Want and Git's object have the same items in the same order
// (normalisation never adds, removes or moves an item). Zero values Git writes and the server
// drops (hostNetwork: false) are not kept: a write without them stores the same object.

// spelling is what Git writes otherwise than Want has it. Places are JSON pointers (RFC 6901)
// into Want, whose list items are by position: a few bytes each.
type spelling struct {
	// quantities are the quantities Git writes otherwise than Want, as Git writes them.
	quantities []written
	// added are the values of Want that Git does not set.
	added []string
}

// written is a value as Git writes it, at a place of Want.
type written struct {
	ptr   string
	value any
}

// spellingOf returns what Git's object git writes otherwise than want, its normalised form
// with schema s, or nil when nothing. stringData are the keys Git spells under stringData
// (Target.StringData), which want has under data.
func spellingOf(git, want map[string]any, s *diff.Schema, stringData []string) *spelling {
	sp := &spelling{}
	ptr := make([]byte, 0, 128)
	for k, wv := range want {
		gv, ok := git[k]
		at := appendToken(ptr, k)
		switch {
		case k == dataField && len(stringData) > 0:
			sp.secretData(gv, wv, stringData, at)
		case !ok || gv == nil:
			sp.added = append(sp.added, string(at))
		default:
			sp.walk(gv, wv, s.Field(k), at)
		}
	}
	if len(sp.quantities) == 0 && len(sp.added) == 0 {
		return nil
	}
	return sp
}

// walk records what git, Git's value at ptr, writes otherwise than want, its normalised form.
func (sp *spelling) walk(git, want any, s *diff.Schema, ptr []byte) {
	switch w := want.(type) {
	case map[string]any:
		g, _ := git.(map[string]any)
		for k, wv := range w {
			at := appendToken(ptr, k)
			if gv, ok := g[k]; ok && gv != nil {
				sp.walk(gv, wv, s.Field(k), at)
			} else {
				sp.added = append(sp.added, string(at))
			}
		}
	case []any:
		g, _ := git.([]any)
		if len(g) != len(w) {
			return // never: normalisation keeps the items
		}
		for i := range w {
			sp.walk(g[i], w[i], s.Item(), strconv.AppendInt(append(ptr, '/'), int64(i), 10))
		}
	default:
		if gs, ok := git.(string); s.IsQuantity() && (!ok || gs != want) {
			sp.quantities = append(sp.quantities, written{ptr: string(ptr), value: git})
		}
	}
}

// secretData records the keys of want, a Secret's data at ptr, that Git sets neither under
// data nor under stringData: none, unless normalisation changes.
func (sp *spelling) secretData(git, want any, stringData []string, ptr []byte) {
	g, _ := git.(map[string]any)
	w, _ := want.(map[string]any)
	for k := range w {
		if _, ok := g[k]; !ok && !spelled(stringData, k) {
			sp.added = append(sp.added, string(appendToken(ptr, k)))
		}
	}
}

// appendToken appends "/" and the map key k, escaped as a JSON pointer token, to ptr.
func appendToken(ptr []byte, k string) []byte {
	ptr = append(ptr, '/')
	for i := range len(k) {
		switch k[i] {
		case '~':
			ptr = append(ptr, "~0"...)
		case '/':
			ptr = append(ptr, "~1"...)
		default:
			ptr = append(ptr, k[i])
		}
	}
	return ptr
}

// pointer returns the JSON pointer of the value at p in want, as spelling records places.
func pointer(want map[string]any, p diff.Path, s *diff.Schema) (string, bool) {
	tokens, ok := diff.Pointer(want, p, s)
	if !ok {
		return "", false
	}
	return "/" + strings.Join(tokens, "/"), true
}

// asWritten returns the desired value of a drifted quantity as Git writes it ("0.5" rather
// than the "500m" the comparison used), so that a reader finds it in Git. Other values keep the
// normalised form (a line-wrapped base64 value is shown unwrapped). want is the target's Want.
func (t *Target) asWritten(want map[string]any, f diff.Field) any {
	if _, ok := f.Desired.(string); !ok || len(t.spelling.quantities) == 0 {
		return f.Desired
	}
	p, err := diff.ParsePath(f.Path)
	if err != nil || !t.Schema.At(p).IsQuantity() {
		return f.Desired
	}
	if ptr, ok := pointer(want, p, t.Schema); ok {
		if v, ok := t.spelling.quantity(ptr); ok && v != nil {
			return v
		}
	}
	return f.Desired
}

// quantity returns the quantity as Git writes it at ptr, when Git writes it otherwise than
// Want has it.
func (sp *spelling) quantity(ptr string) (any, bool) {
	for _, q := range sp.quantities {
		if q.ptr == ptr {
			return q.value, true
		}
	}
	return nil, false
}

// GitValue returns the value Git sets at p, in the form compared but with a quantity as Git
// writes it, and whether Git sets one (null is none). A value normalisation added is not Git's:
// the admission webhook asks for spec.replicas, which Git leaves to an autoscaler by leaving
// it out.
func (t *Target) GitValue(p diff.Path) (any, bool) {
	want := t.Want()
	v, ok := diff.Get(want, p, t.Schema)
	if !ok || v == nil {
		return nil, false
	}
	if t.spelling == nil {
		return v, true
	}
	ptr, _ := pointer(want, p, t.Schema)
	for _, a := range t.spelling.added {
		if ptr == a || strings.HasPrefix(ptr, a+"/") {
			return nil, false
		}
	}
	if q, ok := t.spelling.quantity(ptr); ok {
		return q, true
	}
	return v, true
}

// Respelled reports whether Git writes the object otherwise than Want has it (a quantity
// spelled otherwise, a value normalisation added): Written and GitValue then differ from Want.
func (t *Target) Respelled() bool { return t.spelling != nil }

// Written returns a new copy of the object as Git sets it, to write: Want, as the API server
// stores it, without the values normalisation added (a custom resource's structural defaults,
// which gitops-drift must not own), and with quantities as Git writes them. A Secret has its
// stringData in data, as the server stores them. Nil for a skipped target.
func (t *Target) Written() map[string]any {
	body := t.want.Thaw() // a tree of its own, never one Want shares
	if body == nil || t.spelling == nil {
		return body
	}
	for _, a := range t.spelling.added {
		if parent, key, ok := at(body, a); ok {
			delete(parent, key) // normalisation adds map fields, never list items
		}
	}
	for _, q := range t.spelling.quantities {
		if parent, key, ok := at(body, q.ptr); ok {
			parent[key] = runtime.DeepCopyJSONValue(q.value)
		}
	}
	return body
}

// at returns the map that holds the value at ptr in obj, and its key there; false when there
// is no such value, or a list holds it.
func at(obj map[string]any, ptr string) (map[string]any, string, bool) {
	tokens := strings.Split(ptr, "/")[1:]
	var cur any = obj
	for i, tok := range tokens {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch c := cur.(type) {
		case map[string]any:
			if i == len(tokens)-1 {
				_, ok := c[tok]
				return c, tok, ok
			}
			cur = c[tok]
		case []any:
			j, err := strconv.Atoi(tok)
			if err != nil || j < 0 || j >= len(c) {
				return nil, "", false
			}
			cur = c[j]
		default:
			return nil, "", false
		}
	}
	return nil, "", false
}
