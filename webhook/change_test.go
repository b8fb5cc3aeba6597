package webhook

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// TestIntroduced: introduced keeps the drift of the new object that the old one did not have
// with the same live value, in the new object's order, whether the old object's drift is short
// (scanned) or longer than smallDiff (indexed).
func TestIntroduced(t *testing.T) {
	now := []diff.Field{
		{Path: "spec.replicas", Desired: int64(3), Live: int64(5)},                       // old had 5 too
		{Path: "spec.template.spec.containers[name=web].image", Desired: "a", Live: "c"}, // old had b
		{Path: "metadata.labels.team", Desired: "x", Live: "y"},                          // old had none
		{Path: "spec.paused", Desired: false, Live: []any{true}},                         // old had the same list
	}
	before := []diff.Field{
		{Path: "spec.paused", Desired: false, Live: []any{true}},
		{Path: "spec.template.spec.containers[name=web].image", Desired: "a", Live: "b"},
		{Path: "spec.replicas", Desired: int64(3), Live: int64(5)},
	}
	want := []diff.Field{now[1], now[2]}
	for _, extra := range []int{0, smallDiff} {
		t.Run(fmt.Sprintf("%d fields before", len(before)+extra), func(t *testing.T) {
			b := append([]diff.Field(nil), before...)
			for i := range extra {
				b = append(b, diff.Field{Path: fmt.Sprintf("metadata.annotations.a%d", i), Desired: "x", Live: "y"})
			}
			if diff := cmp.Diff(want, introduced(now, b)); diff != "" {
				t.Errorf("introduced (-want +got):\n%s", diff)
			}
		})
	}
}
