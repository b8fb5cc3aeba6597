package manifest

// Each takes the objects of a load one at a time (LoadEach, LoadFSEach, LoadYAMLEach), so
// that a consumer, such as a compiler, can be done with each object's tree, and let it go,
// while later files are still being read: the decoded objects of a whole set are then never
// all held at once, as they are in a Set.
//
// Each is called on the loading goroutine, in the order the objects are read (files in
// lexical order, documents top to bottom), not in a Set's order; with every object that
// passes its own checks (fields, scope and namespace, not a duplicate of one before it), until
// the load finds its first problem, and never after. The load waits while Each runs, and
// reads only a few files ahead of it. An object handed on is the load's: Each may keep it
// but must not modify it.
//
// The load may still fail after Each took objects (a later file does not parse, a later
// object repeats an earlier one): it then returns the errors.Join of every *Error found, as
// Load does, and what Each built must be thrown away. Otherwise it returns the load's
// warnings, in the order Set.Warnings gives them.
type Each func(Object)

// Collector keeps the objects a load hands on (Add is an Each) and makes them a Set: what
// Load, LoadFS and LoadYAML do with LoadEach, LoadFSEach and LoadYAMLEach, and what a caller
// of another loader built on them does to get a Set.
type Collector struct {
	entries []entry
}

// Add keeps o.
func (c *Collector) Add(o Object) {
	c.entries = append(c.entries, entry{key: o.Key(), obj: o})
}

// Set returns the Set of the objects kept, with warnings, the load's result; or err, the
// load's error, if it failed (then never a Set).
func (c *Collector) Set(warnings []Warning, err error) (*Set, error) {
	if err != nil {
		return nil, err
	}
	s := newSet(c.entries)
	s.warnings = warnings
	return s, nil
}
