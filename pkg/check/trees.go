package check

import (
	"sync"
	"sync/atomic"

	"github.com/gitops-drift/gitops-drift/pkg/share"
)

// recentSlots is how many thawed Wants a Desired keeps for the targets read last (see
// Target.Want) while it is not expanded: at most one per slot, a target's slot its index
// modulo recentSlots. A webhook-only replica then holds the packed state and at most this
// many trees (a Deployment's is ~6.6 KB: ~7 MB at most), and an object that is changed
// again, as a rollout or a kubectl edit loop does, is judged without a thaw.
const recentSlots = 1024

// trees are a Desired's Wants as maps, where a reader must not thaw them again: every one once
// Expand ran, and until then the last Want thawed in each of recentSlots slots. The maps are
// read-only, shared by every reader.
type trees struct {
	expand sync.Once
	all    atomic.Pointer[[]map[string]any]
	recent [recentSlots]atomic.Pointer[thawed]
}

// thawed is a target's Want as a tree, the target named by its index in Desired.Targets.
type thawed struct {
	index int
	tree  map[string]any
}

// Want returns the object as the API server stores it (see pkg/normalize): what live is
// compared with, rebuilt from the copy the target holds, packed (package packed). Nil for a
// skipped target. The tree is shared: by every caller once the Desired is expanded (Expand),
// and until then with the callers that read the same target recently; its strings and numbers
// with every copy of Want. Do not change it, nor anything taken from it (Written gives a copy
// to write). When not expanded, a call for a target not read recently builds the whole tree
// (a few µs and KB for a Deployment): an operation reads it once and passes it down.
func (t *Target) Want() map[string]any {
	if t.want.IsNil() {
		return nil
	}
	tr := t.trees
	if tr == nil { // a Target not made by Compile
		return t.want.Thaw()
	}
	if all := tr.all.Load(); all != nil {
		return (*all)[t.index]
	}
	slot := &tr.recent[t.index%recentSlots]
	if th := slot.Load(); th != nil && th.index == t.index {
		return th.tree
	}
	tree := t.want.Thaw()
	slot.Store(&thawed{index: t.index, tree: tree})
	return tree
}

// Expand keeps every target's Want as a tree for as long as d, their equal parts held once
// (package share: the same labels, probes or resources in many objects are one map): Want
// then returns them without thawing. An auditor, which diffs every target at each full audit
// and keeps projections of the live objects that share Want's parts (Target.Project), expands
// the Desired it audits; a replica that only judges admission requests does not, and holds
// the packed form alone. Expand may be called from any goroutine, more than once; the first
// call does the work (~the sharing a compile once did: tens of ms at 10,000 targets).
func (d *Desired) Expand() {
	tr := d.trees
	if tr == nil {
		return
	}
	tr.expand.Do(func() {
		all := make([]map[string]any, len(d.Targets))
		tab := share.NewTable()
		forEachInOrder(len(d.Targets), func(i int) {
			all[i] = d.Targets[i].want.Thaw()
		}, func(i int) {
			if all[i] != nil {
				all[i] = tab.Object(all[i])
			}
		})
		tr.all.Store(&all)
		for i := range tr.recent {
			tr.recent[i].Store(nil)
		}
	})
}
