package version_test

import (
	"fmt"

	"github.com/gitops-drift/gitops-drift/pkg/version"
)

func ExampleGet() {
	// main passes what `make build` stamped with -ldflags -X.
	info := version.Get(version.Stamp{Version: "v0.3.0", Commit: "4c39080abcdef0123456789abcdef0123456789a", Date: "2026-12-04T09:30:00Z"})
	fmt.Println(info.Version, info.Commit[:12], info.BuildDate)
	// Output: v0.3.0 4c39080abcde 2026-12-04T09:30:00Z
}
