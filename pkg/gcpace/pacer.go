// Package gcpace lowers the garbage collector's GOGC while a process does work that allocates
// much and keeps little, and sets it back when the last such work ends.
//
// serve does two such things, at times at once: a Reloader loads a version of the manifests
// (desired.ReloaderOptions.LoadGCPercent) and the auditor's informers list the objects of new
// scopes (auditor.Options.ListGCPercent). Each allocates many times what it keeps, and at the
// default GOGC=100 the heap grows to twice the live heap between collections: the peak a
// memory limit must be sized by. One Pacer, shared by both, keeps their settings from undoing
// each other (a load that ends would otherwise restore the GOGC a list had lowered, or the
// reverse leave the lower one in force).
package gcpace

import (
	"runtime/debug"
	"slices"
	"sync"
)

// Pacer holds GOGC at the lowest percent any unreleased Hold asked for, and gives the
// process's own setting back when none is left. The zero Pacer is ready; a nil Pacer holds
// nothing. Share one per process: two Pacers setting GOGC at once undo each other.
type Pacer struct {
	mu    sync.Mutex
	holds []int // the percents of the unreleased holds
	base  int   // the process's setting, read at the first of the current holds
	set   int   // what GOGC is set to while holds remain
}

// Hold lowers GOGC to percent until release is called, if percent is above 0 and below the
// process's setting (a lower setting, or the collector off, GOGC=off, stays). release may be
// called more than once; the first call counts.
func (p *Pacer) Hold(percent int) (release func()) {
	if p == nil || percent <= 0 {
		return func() {}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.holds) == 0 {
		p.base = debug.SetGCPercent(percent)
		p.set = percent
	}
	p.holds = append(p.holds, percent)
	p.apply()
	var once sync.Once
	return func() { once.Do(func() { p.release(percent) }) }
}

func (p *Pacer) release(percent int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if i := slices.Index(p.holds, percent); i >= 0 {
		p.holds = slices.Delete(p.holds, i, i+1)
	}
	p.apply()
}

// apply sets GOGC to what the holds ask for: the lowest of them and the process's setting,
// or the process's setting once none is left. p.mu is held.
func (p *Pacer) apply() {
	want := p.base
	if want >= 0 {
		for _, h := range p.holds {
			want = min(want, h)
		}
	}
	if want != p.set {
		debug.SetGCPercent(want)
		p.set = want
	}
}
