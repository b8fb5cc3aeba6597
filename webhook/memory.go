package webhook

import "bytes"

// requestMemory is the memory one request is judged in: the body of its HTTP request, the
// review read from it, the values decoded from its objects (decoder, arena) and its answer.
// The Handler takes one from its pool for each request and gives it back once the answer is
// written (release), for the next request to reuse: at a steady state, judging a request
// allocates only what its drift adds (the warnings, the audit line).
//
// What the request memory holds must not be used after release: the review's strings and the
// objects' bytes point into the body, the decoded values live in the arena, and
// diff.Field.Live values of a change point into both. The warnings and the audit line are
// rendered before the release. Whatever is kept after the answer (a record handed to another
// goroutine, say) must be copied out first (Handler.record does), or the memory kept (kept).
type requestMemory struct {
	body   []byte
	answer []byte
	// contentType is the answer's Content-Type header value.
	contentType []string
	review      review
	dec         decoder
	arena       arena
	// want is the target's Want, read once for the request (evaluate) and read by every
	// step: the decode's pruning, the comparisons, the lookups. It is shared (see
	// check.Target.Want), never written; release only forgets it.
	want map[string]any
	// resolver looks the drifted fields up in the objects (introducedAt).
	resolver resolver
	// owned is what the hand-edit managers of the object being decoded own; edits are its
	// managedFields entries of those managers (decodeOwned).
	owned ownedTree
	edits []fieldManager
	// own is what the hand-edit managers own in the object decodeFor decoded last (nil:
	// nothing), when byOwn: when it decoded it by that (a decode for the hand-edit search
	// through owned, not as decodeForHandEdits).
	own   *ownedNode
	byOwn bool
	// scanned says that review holds the request, read from body with its objects'
	// managers (ServeHTTP); otherwise the request came decoded (Handle).
	scanned bool
	// kept means something of the request may live on after its answer (a panic left it
	// half-used): release leaves the memory to the garbage collector instead of reusing it.
	kept bool
}

// Bounds of what a request memory keeps for the next request.
const (
	// maxPooledBody is the largest body buffer kept: larger requests (objects of megabytes)
	// get a buffer of their own.
	maxPooledBody = 1 << 20
	// maxPooledAnswer is the largest answer buffer kept.
	maxPooledAnswer = 64 << 10
)

func newRequestMemory() *requestMemory {
	m := &requestMemory{contentType: []string{"application/json"}}
	m.dec.mem = &m.arena
	m.dec.search.tree = &m.owned
	return m
}

// acquire returns a request memory, from the pool when it has one.
func (h *Handler) acquire() *requestMemory {
	if m, ok := h.memory.Get().(*requestMemory); ok {
		return m
	}
	return newRequestMemory()
}

// release gives m back to the pool, ready for another request, unless it is kept. Nothing of
// m may be used afterwards.
func (h *Handler) release(m *requestMemory) {
	if m.kept {
		return
	}
	m.arena.reset()
	m.dec.forget()
	m.owned.reset()
	m.own, m.byOwn = nil, false
	m.want = nil
	clear(m.edits)
	m.edits = m.edits[:0]
	m.scanned = false
	m.review.reset()
	if cap(m.body) > maxPooledBody {
		m.body = nil
	}
	m.body = m.body[:0]
	if cap(m.answer) > maxPooledAnswer {
		m.answer = nil
	}
	m.answer = m.answer[:0]
	h.memory.Put(m)
}

// forget drops d's references to the last input, which the pool must not keep alive.
func (d *decoder) forget() {
	d.src = ""
	d.buf = bytes.Buffer{}
	if d.dec != nil {
		d.dec.Reset(&d.buf)
	}
	clear(d.found[:cap(d.found)])
	d.found = d.found[:0]
	if d.again != nil {
		d.again.forget()
	}
	if d.search.scan != nil {
		d.search.scan.forget()
	}
}
