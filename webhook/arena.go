package webhook

// arena holds the maps, lists and unescaped strings decoded from one request's objects, for
// reuse by the next request once this one is answered (reset). Maps are handed out in the
// order the previous request took them, so a request shaped like the last one (the same kind
// of object) finds each map already grown to its size, and allocates nothing.
//
// A nil *arena allocates each value anew: decodeObject and decodeForHandEdits, whose results
// the caller keeps, use none.
type arena struct {
	maps []map[string]any // maps[:next] are in use; the rest were cleared by reset
	next int
	// items backs the lists: each is a slice of it, capped at its length. When it is full
	// a larger one replaces it; the full ones stay referenced by the lists cut from them
	// until reset.
	items []any
	used  int
	// text holds the strings that had escapes, unquoted; strings share its memory.
	text []byte
}

// Bounds of what an arena keeps for the next request, so that one large request does not
// leave a large arena behind in the pool.
const (
	// maxArenaMapLen: a map that held more keys is dropped rather than reused.
	maxArenaMapLen = 64
	// maxArenaMaps is the number of maps kept.
	maxArenaMaps = 4096
	// maxArenaItems is the size of the lists' backing array kept.
	maxArenaItems = 16 << 10
	// maxArenaText is the size of the unquoted strings' buffer kept.
	maxArenaText = 64 << 10
	// minArenaItems is the size of the lists' first backing array.
	minArenaItems = 256
)

// newMap returns an empty map.
func (a *arena) newMap() map[string]any {
	if a == nil {
		return make(map[string]any)
	}
	if a.next < len(a.maps) && a.maps[a.next] != nil {
		m := a.maps[a.next]
		a.next++
		return m
	}
	m := make(map[string]any)
	if a.next < len(a.maps) {
		a.maps[a.next] = m
	} else {
		a.maps = append(a.maps, m)
	}
	a.next++
	return m
}

// list returns a list holding a copy of items, never nil.
func (a *arena) list(items []any) []any {
	if a == nil {
		return append(make([]any, 0, len(items)), items...)
	}
	n := len(items)
	if a.used+n > len(a.items) {
		a.items = make([]any, max(2*len(a.items), n, minArenaItems))
		a.used = 0
	}
	l := a.items[a.used : a.used+n : a.used+n]
	copy(l, items)
	a.used += n
	return l
}

// unquote appends the unquoted JSON string quoted to the arena's text and returns it.
func (a *arena) unquote(quoted []byte) []byte {
	if a == nil {
		b, _ := unquoteJSON(make([]byte, 0, len(quoted)), quoted)
		return b
	}
	start := len(a.text)
	// If append must grow text, the strings already cut from it keep the old array.
	a.text, _ = unquoteJSON(a.text, quoted)
	return a.text[start:len(a.text):len(a.text)]
}

// reset makes the arena's memory ready for another request: the maps cleared, the lists'
// items and the text forgotten. Nothing decoded with the arena may be used afterwards.
func (a *arena) reset() {
	for i, m := range a.maps[:a.next] {
		if len(m) > maxArenaMapLen {
			a.maps[i] = nil // newMap makes a small one in its place
			continue
		}
		clear(m)
	}
	a.next = 0
	if len(a.maps) > maxArenaMaps {
		clear(a.maps[maxArenaMaps:])
		a.maps = a.maps[:maxArenaMaps]
	}
	if len(a.items) > maxArenaItems {
		a.items = nil
	} else {
		clear(a.items[:a.used])
	}
	a.used = 0
	if cap(a.text) > maxArenaText {
		a.text = nil
	}
	a.text = a.text[:0]
}
