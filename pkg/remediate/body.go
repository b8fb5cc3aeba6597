package remediate

import (
	"encoding/base64"
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// desiredBody returns a deep copy of the target's desired object ready to send: without the
// metadata the server owns or a status, and, for a Secret, with stringData folded into data,
// as the API server does (so ignored paths and live values meet under data).
func desiredBody(t *check.Target) map[string]any {
	body := runtime.DeepCopyJSON(t.Obj.Object)
	delete(body, "status")
	if md, ok := body["metadata"].(map[string]any); ok {
		for k := range md {
			if diff.IsServerMetadata(k) {
				delete(md, k)
			}
		}
	}
	if isSecret(body) {
		foldStringData(body)
	}
	return body
}

// isSecret reports whether obj is a core v1 Secret.
func isSecret(obj map[string]any) bool {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	return diff.IsSecret(apiVersion, kind)
}

// foldStringData moves a Secret's stringData into its data, base64-encoded; stringData wins
// over a data key of the same name.
func foldStringData(secret map[string]any) {
	sd, ok := secret["stringData"].(map[string]any)
	delete(secret, "stringData")
	if !ok || len(sd) == 0 {
		return
	}
	data, _ := secret["data"].(map[string]any)
	if data == nil {
		data = make(map[string]any, len(sd))
		secret["data"] = data
	}
	for k, v := range sd {
		s, ok := v.(string)
		if !ok {
			s = fmt.Sprint(v)
		}
		data[k] = base64.StdEncoding.EncodeToString([]byte(s))
	}
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
		if isSecret(body) && len(p) > 0 && p[0].Kind == diff.FieldSegment && p[0].Name == "stringData" {
			p = append(diff.Path{{Kind: diff.FieldSegment, Name: "data"}}, p[1:]...)
		}
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
