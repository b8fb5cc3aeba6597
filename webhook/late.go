package webhook

import (
	"unsafe"

	"github.com/gitops-drift/gitops-drift/pkg/check"
)

// A request decoded by another (Handle) comes without the managers of its objects, which tell
// how to decode each (decodeFor). Rather than read an object twice, once for its managers and
// once for its values, the decoder looks for them as it goes: it decodes the object pruned to
// what Git sets, and when the managedFields turn up with entries of hand-edit managers, it
// reads what those own (ownedTree) and goes on pruned by that too. The API server writes the
// metadata before the spec, and the managedFields last of the metadata: what came before
// them (apiVersion, kind, labels, annotations) is decoded again, where the managers own
// something of it.

// search is the state of a decode that looks for hand edits as it goes.
type search struct {
	// target is the target whose hand-edit managers the decode looks for; nil: none.
	target *check.Target
	// tree receives what their entries own.
	tree *ownedTree
	// found says that the entries turned up; own is what they own (nil: nothing).
	found bool
	own   *ownedNode
	// scan reads again the keys of the root and of its metadata read before the entries
	// turned up; made on first use.
	scan *decoder
	// edits holds the hand-edit managers' entries (decoder.edits).
	edits []fieldManager
	// lists and metas count the managedFields and metadata keys met: more than one, and
	// which the decoder kept is not known.
	lists, metas int
	// unread says that the owned paths could not be read (a malformed "k:" element).
	unread bool
}

// start readies s for another decode.
func (s *search) start() {
	s.found, s.own, s.lists, s.metas, s.unread = false, nil, 0, 0, false
}

// ambiguous reports whether the object had several managedFields lists or metadata objects,
// of which the search may have used another than the one the decoder kept, or entries whose
// owned paths could not be read.
func (s *search) ambiguous() bool { return s.lists > 1 || s.metas > 1 || s.unread }

// watching reports whether d reads the object at a for the search: its root or metadata,
// before the hand-edit entries turned up.
func (d *decoder) watching(a at) bool {
	return d.search.target != nil && !d.search.found && (a.lv == levelRoot || a.lv == levelMetadata)
}

// watchedObject reads the keys of an object at a into m, as object does, until the hand-edit
// entries turn up in one of them; then it decodes again those of the values before that their
// managers own something of, and reads the rest pruned by that too. open is the offset of the
// object's '{'.
func (d *decoder) watchedObject(m map[string]any, a at, open int) error {
	s := &d.search
	for d.dec.PeekKind() != '}' {
		k, err := d.str()
		if err != nil {
			return err
		}
		if a.lv == levelRoot && k == "metadata" {
			s.metas++
		}
		if s.found {
			err = d.field(m, a, k)
		} else {
			at := int(d.dec.InputOffset())
			if err = d.field(m, a, k); err == nil && s.found {
				err = d.owned(m, &a, open, at)
			}
		}
		if err != nil {
			return err
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.syntax(err)
	}
	return nil
}

// owned adds to a, the place of an object m whose '{' is at the offset open, what the
// hand-edit managers own there, and decodes again the values of the keys before the offset
// end that they own something of.
func (d *decoder) owned(m map[string]any, a *at, open, end int) error {
	s := &d.search
	a.own = s.own
	if a.lv == levelMetadata {
		a.own = s.own.field("metadata")
	}
	if a.own == nil {
		return nil
	}
	if s.scan == nil {
		s.scan = &decoder{}
	}
	r := s.scan
	r.reset(unsafe.Slice(unsafe.StringData(d.src), len(d.src))[open:end:end])
	if _, err := r.open(); err != nil {
		return err
	}
	for int(r.dec.InputOffset()) < end-open && r.dec.PeekKind() == '"' {
		k, err := r.str()
		if err != nil {
			return err
		}
		if int(r.dec.InputOffset()) >= end-open {
			break // the key whose value the entries turned up in
		}
		start := open + r.valueStart()
		if err := r.skip(); err != nil {
			return err
		}
		if a.own.field(k) == nil {
			continue // decoded as it would be now
		}
		next, ok := a.child(k)
		if !ok {
			continue
		}
		v, err := d.redoSpan(start, open+int(r.dec.InputOffset()), next)
		if err != nil {
			return err
		}
		m[k] = v
	}
	return nil
}

// valueStart returns the offset of the value of the key just read: past the ':' and the
// whitespace after the key.
func (d *decoder) valueStart() int {
	i := int(d.dec.InputOffset())
	for i < len(d.src) && d.src[i] != ':' {
		i++
	}
	for i++; i < len(d.src); i++ {
		switch d.src[i] {
		case ' ', '\t', '\n', '\r':
			continue
		}
		break
	}
	return i
}

// lateEntries is called with the entries of a managedFields list just read, found, on a decode
// that looks for hand edits: when some are of hand-edit managers, outside the status
// subresource, it reads what they own, keeps their entries as m[k], and the decode goes on
// pruned by that too.
func (d *decoder) lateEntries(m map[string]any, k string, found []fieldManager) error {
	s := &d.search
	if s.found || !handEdits(found, s.target) {
		return nil
	}
	own, err := s.tree.build(unsafe.Slice(unsafe.StringData(d.src), len(d.src)), found, s.target, d.mem)
	if err != nil {
		s.unread = true // decodeFor decodes the object as it used to
		return nil
	}
	s.edits = s.edits[:0]
	for _, e := range found {
		if s.target.HandEditManager(e.manager) {
			s.edits = append(s.edits, e)
		}
	}
	d.edits = s.edits
	defer func() { d.edits = nil }()
	s.found, s.own = true, own
	return d.keepEntries(m, k)
}
