package check

import (
	"errors"
	"runtime"
	"slices"

	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/normalize"
	"github.com/gitops-drift/gitops-drift/pkg/packed"
)

// Compilation compiles a manifest set given one object at a time, as a load reads them
// (manifest.Each): each object is compiled (by Compiler.Compile's rules) on GOMAXPROCS
// goroutines while the next ones are read, and its tree let go as soon as it is, so that the
// decoded objects of a whole set are never held at once. Done returns the Desired that
// Compile would have returned for the same objects as a Set: Targets, errors and warnings in
// the Set's order (manifest.CompareKeys), whatever the order the objects came in.
//
// Each target's Want is packed (package packed): its shape as bytes, its leaves and map keys
// held once for the whole load in one table, boxed (the same label value, image or key in
// many objects is one string). One goroutine packs each Want, in the order the objects were
// added, as soon as it and the ones before it are compiled, while the rest compile. So the
// maps of a normalised object die young too. The objects go to the goroutines in small
// batches; Add waits while several batches per GOMAXPROCS are being compiled or packed, which
// holds a faster reader back.
//
// A Compilation is used from one goroutine: Add for each object (of distinct keys, as a load
// gives them), then Done or Stop, once.
type Compilation struct {
	c        Compiler
	revision string
	manual   map[string]bool
	tab      *packed.Packer
	pipe     *inOrder[[]compiled]
	// batch are the objects added and not yet handed to pipe.
	batch []compiled
	// targets are the targets compiled, in the order added, in chunks (see targetChunk);
	// problems and warnings what the objects gave otherwise, each with its object's key.
	// Written by the packing goroutine.
	targets  [][]Target
	problems []keyed[error]
	warnings []keyed[[]manifest.Warning]
}

// compiled is an object going through a Compilation: the object until compiled, then the
// outcome of target: the target, and its Want until packed.
type compiled struct {
	obj      manifest.Object
	key      manifest.Key
	t        Target
	want     map[string]any
	warnings []manifest.Warning
	err      error
}

// keyed is something an object gave, with the object's key, to put in the Set's order.
type keyed[T any] struct {
	key manifest.Key
	v   T
}

// A Compilation hands the objects to its goroutines compileBatch at a time (handing each
// alone cost about 3% more CPU time in BenchmarkCompile/10000 than Compile before it
// streamed: four synchronisations an object rather than one), and holds
// at most compileWindow batches per GOMAXPROCS between Add and packing: enough that the
// compiling goroutines rarely wait for the packing one (on 2 cores, 2 batches a GOMAXPROCS
// left cores idle while it was descheduled: BenchmarkCompile/10000 ~8% longer in wall time,
// for the same CPU time, an indication on the shared machine), few enough that the objects
// waiting are a small part of the set (256 on 2 cores; BenchmarkLoadPeak/10000's peaks did
// not move).
//
// It keeps the targets compiled in chunks of targetChunk until Done: a slice grown by append
// to 10,000 targets of a few hundred bytes would have allocated five times their size in all
// (3% more than a load allocated before it streamed), and held the old and the new array at
// each growth.
const (
	compileBatch  = 16
	compileWindow = 8
	targetChunk   = 256
)

// Start returns a Compilation at revision, with c's options (see Compiler).
func (c Compiler) Start(revision string) (*Compilation, error) {
	return c.start(revision, 0)
}

// start returns a Compilation at revision, room made for size objects.
func (c Compiler) start(revision string, size int) (*Compilation, error) {
	if c.Normalizer == nil {
		n, err := normalize.New(nil)
		if err != nil {
			return nil, err
		}
		c.Normalizer = n
	}
	comp := &Compilation{c: c, revision: revision, tab: packed.NewPacker()}
	if size > 0 {
		comp.targets = [][]Target{make([]Target, 0, size)}
	}
	for _, m := range c.Manual {
		if m != "" {
			if comp.manual == nil {
				comp.manual = make(map[string]bool, len(c.Manual))
			}
			comp.manual[m] = true
		}
	}
	comp.pipe = startInOrder(compileWindow*runtime.GOMAXPROCS(0), comp.compile, comp.pack)
	comp.batch = make([]compiled, 0, compileBatch)
	return comp, nil
}

// Add compiles obj, in the background; it may wait for room (see Compilation). obj is not
// changed; the Compilation keeps it until it is compiled.
func (comp *Compilation) Add(obj manifest.Object) {
	comp.batch = append(comp.batch, compiled{obj: obj})
	if len(comp.batch) == compileBatch {
		comp.pipe.put(comp.batch)
		comp.batch = make([]compiled, 0, compileBatch)
	}
}

// compile compiles a batch of objects, and lets their trees go (only their keys, File and
// Line are read after).
func (comp *Compilation) compile(b *[]compiled) {
	for i := range *b {
		x := &(*b)[i]
		x.key = x.obj.Key()
		x.t, x.want, x.warnings, x.err = comp.c.target(x.obj)
		x.obj.Obj = nil
	}
}

// pack packs the Wants of a batch, compiled, and keeps what its objects gave.
func (comp *Compilation) pack(b *[]compiled) {
	for i := range *b {
		comp.keep(&(*b)[i])
	}
}

// keep packs the Want of x, compiled, and keeps what x gave.
func (comp *Compilation) keep(x *compiled) {
	if x.err != nil {
		comp.problems = append(comp.problems, keyed[error]{key: x.key, v: &manifest.Error{File: x.obj.File, Line: x.obj.Line, Err: x.err}})
		return
	}
	p := comp.tab
	if comp.c.unshared {
		p = packed.NewPacker()
	}
	x.t.want = p.Pack(x.want)
	if comp.c.unshared {
		p.Done()
	}
	x.t.manual = comp.manual
	if n := len(comp.targets); n == 0 || len(comp.targets[n-1]) == cap(comp.targets[n-1]) {
		comp.targets = append(comp.targets, make([]Target, 0, targetChunk))
	}
	last := &comp.targets[len(comp.targets)-1]
	*last = append(*last, x.t)
	if len(x.warnings) > 0 {
		comp.warnings = append(comp.warnings, keyed[[]manifest.Warning]{key: x.key, v: x.warnings})
	}
}

// Done waits for every object added to be compiled, and returns the Desired: its Targets in
// the Set's order, its Warnings the load's (loadWarnings, as Set.Warnings gives them)
// followed by the compilation's, in the Set's order. Every problem is returned, joined and
// naming file and line, in the Set's order; a set with any problem gives no Desired.
func (comp *Compilation) Done(loadWarnings []manifest.Warning) (*Desired, error) {
	comp.wait()
	if len(comp.problems) > 0 {
		sortKeyed(comp.problems)
		errs := make([]error, len(comp.problems))
		for i, p := range comp.problems {
			errs[i] = p.v
		}
		return nil, errors.Join(errs...)
	}
	d := &Desired{Revision: comp.revision, Warnings: slices.Clone(loadWarnings), Targets: inSetOrder(comp.targets), trees: new(trees)}
	comp.targets = nil
	sortKeyed(comp.warnings)
	for _, w := range comp.warnings {
		d.Warnings = append(d.Warnings, w.v...)
	}
	for i := range d.Targets {
		d.Targets[i].trees, d.Targets[i].index = d.trees, i
	}
	return d, nil
}

// Stop waits for every object added to be compiled, and drops what they gave: for a load
// that failed, whose objects make no Desired.
func (comp *Compilation) Stop() {
	comp.wait()
	comp.targets, comp.problems, comp.warnings = nil, nil, nil
}

// wait waits for every object added to be compiled and packed, and ends the packing.
func (comp *Compilation) wait() {
	if len(comp.batch) > 0 {
		comp.pipe.put(comp.batch)
		comp.batch = nil
	}
	comp.pipe.wait()
	comp.tab.Done()
}

// inSetOrder returns the targets of chunks in the Set's order, in one slice of their number
// (it is held as long as the state is in force): the one chunk itself if it is both (Compile
// of a Set). A Target is a few hundred bytes: each is copied once, in order, rather than
// swapped while sorting.
func inSetOrder(chunks [][]Target) []Target {
	byKey := func(a, b *Target) int { return manifest.CompareKeys(a.Key, b.Key) }
	if len(chunks) == 1 && len(chunks[0]) == cap(chunks[0]) &&
		slices.IsSortedFunc(chunks[0], func(a, b Target) int { return byKey(&a, &b) }) {
		return chunks[0]
	}
	var order []*Target
	for _, c := range chunks {
		for i := range c {
			order = append(order, &c[i])
		}
	}
	slices.SortFunc(order, byKey)
	out := make([]Target, len(order))
	for i, t := range order {
		out[i] = *t
	}
	return out
}

// sortKeyed puts s in the Set's order. Keys are distinct: a load with duplicates fails.
func sortKeyed[T any](s []keyed[T]) {
	slices.SortFunc(s, func(a, b keyed[T]) int { return manifest.CompareKeys(a.key, b.key) })
}
