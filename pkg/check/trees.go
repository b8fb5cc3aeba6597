package check

import (
	"sync/atomic"
)

// recentSlots is how many thawed Wants a Desired keeps for the targets read last (see
// Target.Want): at most one per slot, a target's slot its index modulo recentSlots. A replica
// then holds the packed state and at most this many trees (a Deployment's is ~6.6 KB: ~7 MB
// at most), and an object that is changed again, as a rollout or a kubectl edit loop does, is
// judged without a thaw.
const recentSlots = 1024

// trees are the last Want thawed in each of recentSlots slots of a Desired, which a reader
// need not thaw again. The maps are read-only, shared by every reader.
type trees struct {
	recent [recentSlots]atomic.Pointer[thawed]
}

// thawed is a target's Want as a tree, the target named by its index in Desired.Targets.
type thawed struct {
	index int
	tree  map[string]any
}

// Want returns the object as the API server stores it (see pkg/normalize): what live is
// compared with, rebuilt from the copy the target holds, packed (package packed). Nil for a
// skipped target. The tree is shared with the callers that read the same target recently,
// its strings and numbers with every copy of Want. Do not change it, nor anything taken from
// it (Written gives a copy to write). A call for a target not read recently builds the whole
// tree (a few µs and KB for a Deployment): an operation reads it once and passes it down. An
// auditor needs it only for the objects that drift (Target.NoteInSync).
func (t *Target) Want() map[string]any {
	if t.want.IsNil() {
		return nil
	}
	tr := t.trees
	if tr == nil { // a Target not made by Compile
		return t.want.Thaw()
	}
	slot := &tr.recent[t.index%recentSlots]
	if th := slot.Load(); th != nil && th.index == t.index {
		return th.tree
	}
	tree := t.want.Thaw()
	slot.Store(&thawed{index: t.index, tree: tree})
	return tree
}
