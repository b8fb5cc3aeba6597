package remediate

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// restoreDefaults puts the API default of every hand-edited default among fields into body
// (Field.Default): apply then takes the field over at its default, replace writes it so.
func restoreDefaults(body map[string]any, fields []diff.Field, s *diff.Schema) error {
	for _, f := range fields {
		if !f.Default {
			continue
		}
		p, err := diff.ParsePath(f.Path)
		if err != nil {
			return fmt.Errorf("restore default of %s: %w", f.Path, err)
		}
		// A copy: the value is part of the target's compiled tree, which is shared and
		// never written, and the body is written after this.
		if err := diff.Set(body, p, s, runtime.DeepCopyJSONValue(f.Desired)); err != nil {
			return fmt.Errorf("restore default of %s: %w", f.Path, err)
		}
	}
	return nil
}

// dropAdded removes the hand-added fields (Field.Added) from a replace body, which carried
// them over with other actors' labels and annotations.
func dropAdded(body map[string]any, fields []diff.Field, s *diff.Schema) {
	for _, f := range fields {
		if !f.Added {
			continue
		}
		if p, err := diff.ParsePath(f.Path); err == nil {
			diff.Delete(body, p, s)
		}
	}
}

// removeAdded removes the hand-added fields still in got (the object an apply returned) with
// a JSON patch. Server-side apply cannot: a field that another manager owns stays when the
// applier leaves it out. The patch first tests got's resourceVersion, so it fails with a
// conflict rather than remove from an object that changed since (Remediate reads it again).
func (r *Remediator) removeAdded(ctx context.Context, ri dynamic.ResourceInterface, t *check.Target, got *unstructured.Unstructured, fields []diff.Field) (*unstructured.Unstructured, error) {
	var ptrs [][]string
	for _, f := range fields {
		if !f.Added {
			continue
		}
		p, err := diff.ParsePath(f.Path)
		if err != nil {
			continue
		}
		if ptr, ok := diff.Pointer(got.Object, p, t.Schema); ok {
			ptrs = append(ptrs, ptr)
		}
	}
	if len(ptrs) == 0 {
		return got, nil
	}
	// Later items of a list first, so that removing one does not move the next.
	slices.SortFunc(ptrs, func(a, b []string) int { return -comparePointers(a, b) })
	ops := []map[string]any{{"op": "test", "path": "/metadata/resourceVersion", "value": got.GetResourceVersion()}}
	for _, ptr := range ptrs {
		ops = append(ops, map[string]any{"op": "remove", "path": "/" + strings.Join(ptr, "/")})
	}
	patch, err := json.Marshal(ops)
	if err != nil {
		return nil, fmt.Errorf("remove hand-added fields: %w", err)
	}
	out, err := ri.Patch(ctx, t.Key.Name, types.JSONPatchType, patch, metav1.PatchOptions{FieldManager: r.opts.FieldManager})
	if err != nil {
		return nil, fmt.Errorf("remove hand-added fields: %w", err)
	}
	return out, nil
}

// comparePointers orders pointers token by token, list indexes by number.
func comparePointers(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] == b[i] {
			continue
		}
		x, errX := strconv.Atoi(a[i])
		y, errY := strconv.Atoi(b[i])
		if errX == nil && errY == nil {
			return cmp.Compare(x, y)
		}
		return strings.Compare(a[i], b[i])
	}
	return cmp.Compare(len(a), len(b))
}
