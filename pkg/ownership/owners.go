package ownership

import (
	"bytes"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// Operation is how a manager wrote its fields.
type Operation string

// Operations, as in metav1.ManagedFieldsEntry.
const (
	// OperationApply: server-side apply; the manager owns what it sent.
	OperationApply Operation = "Apply"
	// OperationUpdate: a create, update or patch; the manager owns what it changed.
	OperationUpdate Operation = "Update"
)

// Owner is one managedFields entry without its fields.
type Owner struct {
	// Manager names the writer (kubectl-edit, kube-controller-manager, gitops-drift...).
	Manager string
	// Operation is Apply or Update.
	Operation Operation
	// Time is when the manager last changed one of its fields; zero when the entry has none.
	Time time.Time
	// Subresource is the subresource written through ("scale", "status"), "" for the object.
	Subresource string
}

// String renders o as "manager (Operation, time)" for people.
func (o Owner) String() string {
	s := o.Manager + " (" + string(o.Operation)
	if o.Subresource != "" {
		s += " /" + o.Subresource
	}
	if !o.Time.IsZero() {
		s += ", " + o.Time.UTC().Format(time.RFC3339)
	}
	return s + ")"
}

// Field is one path owned by one manager.
type Field struct {
	// Path is the owned value in pkg/diff's notation. For an item of a set list
	// (metadata.finalizers, say), which pkg/diff never names, it is the list's path.
	Path diff.Path
	// Item is the value of the owned item of a set list, when IsItem.
	Item   any
	IsItem bool
	// Leaf is true when the manager owns nothing under Path.
	Leaf bool
	// Owner is the owning entry.
	Owner Owner
}

// Owners is the parsed field ownership of one object. The zero value owns nothing.
type Owners struct {
	owners []Owner
	fields []field
	// leaves says that fields holds the leaf fields alone (LeavesOf).
	leaves bool
}

// field is an owned path and the index of its entry in Owners.owners.
type field struct {
	path   diff.Path
	item   any
	isItem bool
	leaf   bool
	owner  int
}

// Parse reads managedFields entries. An entry whose fields cannot be read is an error; an
// entry without fields (as Compact leaves gitops-drift's own) is kept, owning nothing.
func Parse(entries []metav1.ManagedFieldsEntry) (*Owners, error) {
	o := &Owners{owners: make([]Owner, 0, len(entries))}
	for _, e := range entries {
		ow := Owner{Manager: e.Manager, Operation: Operation(e.Operation), Subresource: e.Subresource}
		if e.Time != nil {
			ow.Time = e.Time.Time
		}
		if err := o.add(ow, string(e.FieldsV1.GetRawBytes())); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// add appends the entry of ow whose FieldsV1 JSON is raw ("": no fields). The fields' names
// may share raw's memory.
func (o *Owners) add(ow Owner, raw string) error {
	i := len(o.owners)
	o.owners = append(o.owners, ow)
	if len(raw) == 0 || o.readSorted(raw, i) {
		return nil
	}
	if err := o.readSet([]byte(raw), i); err != nil {
		return fmt.Errorf("fields of manager %s: %w", ow.Manager, err)
	}
	return nil
}

// readSet appends the fields of the fieldsV1 JSON raw to o, owned by the entry owner, parsed
// as a fieldpath.Set: any form structured-merge-diff reads.
func (o *Owners) readSet(raw []byte, owner int) error {
	var set fieldpath.Set
	if err := set.FromJSON(bytes.NewReader(raw)); err != nil {
		return err
	}
	leaves := set.Leaves()
	set.Iterate(func(fp fieldpath.Path) {
		p, item, isItem, err := DiffPath(fp)
		if err != nil {
			return // a path element this version does not know: not ours to judge
		}
		leaf := leaves.Has(fp)
		if o.leaves && !leaf {
			return
		}
		o.fields = append(o.fields, field{path: p, item: item, isItem: isItem, leaf: leaf, owner: owner})
	})
	return nil
}

// FromObject reads the metadata.managedFields of an object's content, as the API server sends
// it or as Compact left it. An object without managedFields has no owners.
func FromObject(obj map[string]any) (*Owners, error) {
	return FromObjectOf(obj, nil)
}

// FromObjectOf is FromObject for the entries of the managers keep accepts (nil: all of them):
// parsing a field set is most of the cost, and a question about a few managers (the hand-edit
// ones) need not pay for the applier's entry, which owns every field.
func FromObjectOf(obj map[string]any, keep func(manager string) bool) (*Owners, error) {
	return fromObject(obj, keep, false)
}

// LeavesOf is FromObjectOf keeping the leaf fields alone (Field.Leaf): for a question about
// the values the managers wrote (Leaves, the leaves among Fields), which need not pay for a
// copy of every path above them. Of, on what it returns, knows only those fields.
func LeavesOf(obj map[string]any, keep func(manager string) bool) (*Owners, error) {
	return fromObject(obj, keep, true)
}

// fromObject is FromObjectOf, of the leaf fields alone when leaves.
func fromObject(obj map[string]any, keep func(manager string) bool, leaves bool) (*Owners, error) {
	md, _ := obj["metadata"].(map[string]any)
	list, _ := md["managedFields"].([]any)
	o := &Owners{owners: make([]Owner, 0, len(list)), leaves: leaves}
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("managedFields entry is a %T, not an object", e)
		}
		if keep != nil && !keep(str(m["manager"])) {
			continue
		}
		ow := Owner{Manager: str(m["manager"]), Operation: Operation(str(m["operation"])), Subresource: str(m["subresource"])}
		if t, err := time.Parse(time.RFC3339, str(m["time"])); err == nil {
			ow.Time = t
		}
		raw, err := rawFields(m[keyFields])
		if err != nil {
			return nil, fmt.Errorf("fields of manager %s: %w", ow.Manager, err)
		}
		if err := o.add(ow, raw); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// rawFields returns the JSON of a fieldsV1 value: an object as the server sends it, or the
// string Compact makes of it.
func rawFields(v any) (string, error) {
	switch f := v.(type) {
	case nil:
		return "", nil
	case string:
		return f, nil
	default:
		b, err := json.Marshal(f)
		return string(b), err
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// Managers returns the entries, in managedFields order.
func (o *Owners) Managers() []Owner {
	if o == nil {
		return nil
	}
	return slices.Clone(o.owners)
}

// Fields returns every owned path, entry by entry, in the entries' order (within an entry,
// parents before their children).
func (o *Owners) Fields() iter.Seq[Field] {
	return func(yield func(Field) bool) {
		if o == nil {
			return
		}
		for _, f := range o.fields {
			if !yield(o.export(f)) {
				return
			}
		}
	}
}

// Leaves returns the leaf paths that manager owns: values with nothing under them that it
// owns too (a label, a container's image, an item of a set list).
func (o *Owners) Leaves(manager string) iter.Seq[Field] {
	return func(yield func(Field) bool) {
		for f := range o.Fields() {
			if f.Leaf && f.Owner.Manager == manager && !yield(f) {
				return
			}
		}
	}
}

func (o *Owners) export(f field) Field {
	return Field{Path: f.path, Item: f.item, IsItem: f.isItem, Leaf: f.leaf, Owner: o.owners[f.owner]}
}
