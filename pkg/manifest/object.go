package manifest

import (
	"errors"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// addDocument checks the document d of file and adds its object, or its items if it is a list.
func (l *loader) addDocument(file string, d document) {
	if !isList(d.obj) {
		l.addObject(file, d.line, d.obj, nil)
		return
	}
	items, ok := d.obj["items"].([]any)
	if !ok && d.obj["items"] != nil {
		l.fail(file, d.line, errors.New("items of a List must be a list"))
		return
	}
	for i, item := range items {
		obj, ok := item.(map[string]any)
		if !ok {
			l.fail(file, d.line, fmt.Errorf("items[%d]: not an object", i))
			continue
		}
		l.addObject(file, d.line, obj, d.obj)
	}
}

// isList reports whether obj is a List to expand: kind List, or a kind such as ConfigMapList
// with an items field.
func isList(obj map[string]any) bool {
	kind, _ := obj["kind"].(string)
	if kind == "List" {
		return true
	}
	_, hasItems := obj["items"]
	return hasItems && strings.HasSuffix(kind, "List")
}

// addObject checks obj, defaults its namespace and adds it. list is the List holding obj, if any:
// an item with neither apiVersion nor kind takes them from a typed list (ConfigMapList).
func (l *loader) addObject(file string, line int, obj map[string]any, list map[string]any) {
	if list != nil {
		inheritKind(obj, list)
	}
	u := &unstructured.Unstructured{Object: obj}
	if err := checkFields(obj); err != nil {
		l.fail(file, line, describe(u, err))
		return
	}
	if err := l.setNamespace(file, line, u); err != nil {
		l.fail(file, line, err)
		return
	}
	key := KeyOf(u)
	if prev, ok := l.seen[key]; ok {
		l.fail(file, line, fmt.Errorf("%s is also defined at %s:%d", key, prev.file, prev.line))
		return
	}
	l.seen[key] = place{file: file, line: line}
	if len(l.errs) == 0 && l.each != nil { // else the load fails: nothing more is handed on
		l.each(Object{Obj: u, File: file, Line: line})
	}
}

// inheritKind gives an item of a typed list such as ConfigMapList, which lacks both apiVersion
// and kind, the list's apiVersion and item kind, as the API server's list decoding does.
func inheritKind(item, list map[string]any) {
	kind, _ := list["kind"].(string)
	if item["apiVersion"] != nil || item["kind"] != nil || kind == "List" {
		return
	}
	item["apiVersion"] = list["apiVersion"]
	item["kind"] = strings.TrimSuffix(kind, "List")
}

// checkFields checks the fields every object needs: apiVersion, kind and metadata.name, and a
// string metadata.namespace if there is one.
func checkFields(obj map[string]any) error {
	var missing []string
	if s, _ := obj["apiVersion"].(string); s == "" {
		missing = append(missing, "apiVersion")
	}
	if s, _ := obj["kind"].(string); s == "" {
		missing = append(missing, "kind")
	}
	md, ok := obj["metadata"].(map[string]any)
	if !ok && obj["metadata"] != nil {
		return errors.New("metadata is not an object")
	}
	if s, _ := md["name"].(string); s == "" {
		missing = append(missing, "metadata.name")
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing or not a string: %s", strings.Join(missing, ", "))
	}
	if _, ok := md["namespace"].(string); !ok && md["namespace"] != nil {
		return errors.New("metadata.namespace is not a string")
	}
	if _, err := schema.ParseGroupVersion(obj["apiVersion"].(string)); err != nil {
		return fmt.Errorf("invalid apiVersion: %w", err)
	}
	return nil
}

// describe prefixes err with what is known of the object u: its kind and name, when it has them.
func describe(u *unstructured.Unstructured, err error) error {
	kind, name := u.GetKind(), u.GetName()
	if kind == "" || name == "" {
		return err
	}
	return fmt.Errorf("%s %s: %w", kind, name, err)
}

// setNamespace asks the Scope about u's kind and defaults the namespace of a namespaced
// object. A cluster-scoped object (at file:line) with a namespace loses it, with a warning: the
// API server accepts such an object and clears the field, and so does kubectl apply.
func (l *loader) setNamespace(file string, line int, u *unstructured.Unstructured) error {
	gvk := u.GroupVersionKind()
	namespaced, err := l.namespaced(gvk)
	if err != nil {
		return describe(u, fmt.Errorf("kind %s (%s): %w", gvk.Kind, gvk.GroupVersion(), err))
	}
	ns := u.GetNamespace()
	switch {
	case namespaced && ns == "":
		u.SetNamespace(l.opts.Namespace)
	case !namespaced && ns != "":
		u.SetNamespace("") // while loading: a Set's objects are shared and never changed after
		l.warn(file, line, "%s %s is cluster-scoped: metadata.namespace %q ignored, as the API server does", gvk.Kind, u.GetName(), ns)
	}
	return nil
}

// namespaced asks Options.Scope about gvk once per load.
func (l *loader) namespaced(gvk schema.GroupVersionKind) (bool, error) {
	a, ok := l.scopes[gvk]
	if !ok {
		a.namespaced, a.err = l.opts.Scope.Namespaced(gvk)
		l.scopes[gvk] = a
	}
	return a.namespaced, a.err
}

// fail records a problem of the object at file:line.
func (l *loader) fail(file string, line int, err error) {
	l.errs = append(l.errs, &Error{File: file, Line: line, Err: err})
}
