package manifest

import (
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Key identifies a desired object the way the API server does: by group, kind, namespace and
// name. The version is left out, so apps/v1 and apps/v1beta1 Deployments of the same name are
// the same object. Namespace is empty for cluster-scoped objects.
type Key struct {
	Group     string
	Kind      string
	Namespace string
	Name      string
}

// String returns "Kind namespace/name", or "Kind name" for a cluster-scoped object, for example
// "Deployment demo/frontend" or "Namespace demo".
func (k Key) String() string {
	if k.Namespace == "" {
		return k.Kind + " " + k.Name
	}
	return k.Kind + " " + k.Namespace + "/" + k.Name
}

// CompareKeys orders keys as a Set orders its objects: by kind, namespace, name and group.
// Whoever searches objects or what was compiled from them in that order (by halves) compares
// with it. It stops at the first part that differs: a search calls it a few dozen times.
func CompareKeys(a, b Key) int {
	if c := strings.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
		return c
	}
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	return strings.Compare(a.Group, b.Group)
}

// KeyOf returns the Key of u, as u stands: it does not default the namespace.
func KeyOf(u *unstructured.Unstructured) Key {
	gv, _ := schema.ParseGroupVersion(u.GetAPIVersion())
	return Key{Group: gv.Group, Kind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName()}
}

// Object is one desired object and where it was defined.
type Object struct {
	// Obj is the object, its namespace already defaulted. It is shared by every holder of the Set:
	// do not modify it; DeepCopy it first.
	Obj *unstructured.Unstructured
	// File is the name of the file that defines the object, as in Error.File.
	File string
	// Line is the 1-based line where the object's document starts in File. Items of a List share
	// the line of their List.
	Line int
}

// Key returns the Key of the object.
func (o Object) Key() Key { return KeyOf(o.Obj) }

// Set is a loaded, valid set of desired objects, sorted by kind, namespace, name and group.
//
// A Set is immutable once Load returns it, and so safe to share between goroutines without
// locking, provided nobody modifies the objects it holds; a reload builds a new Set, which can
// replace the old one atomically. The nil *Set is empty.
type Set struct {
	objects  []Object
	index    map[Key]int
	warnings []Warning
}

// entry is an object with its key, computed once.
type entry struct {
	key Key
	obj Object
}

// newSet sorts entries, whose keys must be distinct, and indexes them.
func newSet(entries []entry) *Set {
	slices.SortFunc(entries, func(a, b entry) int { return CompareKeys(a.key, b.key) })
	s := &Set{objects: make([]Object, len(entries)), index: make(map[Key]int, len(entries))}
	for i, e := range entries {
		s.objects[i] = e.obj
		s.index[e.key] = i
	}
	return s
}

// Objects returns the objects in order. The slice is the caller's; the objects are shared.
func (s *Set) Objects() []Object {
	if s == nil {
		return nil
	}
	return slices.Clone(s.objects)
}

// Get returns the object with key k, if the Set has one. It is a map look-up, cheap enough for a
// webhook's request path.
func (s *Set) Get(k Key) (Object, bool) {
	if s == nil {
		return Object{}, false
	}
	i, ok := s.index[k]
	if !ok {
		return Object{}, false
	}
	return s.objects[i], true
}

// Len returns the number of objects.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.objects)
}

// Warnings returns what was odd about the manifests but did not stop them from loading, in the
// order the files were read, each once. The slice is the caller's.
func (s *Set) Warnings() []Warning {
	if s == nil {
		return nil
	}
	return slices.Clone(s.warnings)
}
