package remediate

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// desiredBody returns a new copy of the target's desired object ready to send: the object as
// Git sets it (check.Target.Written: the form the API server stores, without the values
// normalisation added, which gitops-drift must not own), without the metadata the server owns
// or a status. A Secret's keys that Git spells under stringData (Target.StringData) are under
// data, where the API server stores them, so that the paths the target ignores and the live
// values meet them where they are (kubectl sends stringData, and the server stores the same
// data).
func desiredBody(t *check.Target) map[string]any {
	body := t.Written()
	delete(body, "status")
	if md, ok := body["metadata"].(map[string]any); ok {
		for k := range md {
			if diff.IsServerMetadata(k) {
				delete(md, k)
			}
		}
	}
	return body
}

// keepIgnored gives body the live value of every path the target ignores, so that a write
// changes none of them: a value live has is copied over the desired one, and a value live
// lacks is removed from body, but only where every list item above it exists in live: a
// container that Git adds keeps the image Git gives it even when images are ignored (without
// it, the write would be refused). Paths under list items that body does not define are left
// alone: a write must not adopt live-only items (an injected sidecar) because one of their
// fields is ignored.
func keepIgnored(body, live map[string]any, t *check.Target) error {
	for _, p := range t.Ignore {
		// Backwards, so that removing an item does not move those still to be looked at.
		cs := expand(body, p, t.Schema)
		for i := len(cs) - 1; i >= 0; i-- {
			c := cs[i]
			if _, ok := diff.Get(live, c, t.Schema); !ok && itemsExist(live, c[:len(c)-1], t.Schema) {
				diff.Delete(body, c, t.Schema)
			}
		}
		if err := copyLive(body, live, p, t.Schema, true); err != nil {
			return err
		}
	}
	return nil
}

// copyLive copies into body the live value at every concrete path of the pattern p, over a
// value body has when overwrite is true, and only where body has none otherwise. It skips
// paths under list items that body does not define.
func copyLive(body, live map[string]any, p diff.Path, s *diff.Schema, overwrite bool) error {
	for _, c := range expand(live, p, s) {
		if !itemsExist(body, c, s) {
			continue
		}
		if _, ok := diff.Get(body, c, s); ok && !overwrite {
			continue
		}
		v, _ := diff.Get(live, c, s)
		if err := diff.Set(body, c, s, runtime.DeepCopyJSONValue(v)); err != nil {
			return fmt.Errorf("keep live %s: %w", c, err)
		}
	}
	return nil
}
