package version

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFromBuildInfo(t *testing.T) {
	platform := runtime.GOOS + "/" + runtime.GOARCH
	vcs := []debug.BuildSetting{
		{Key: "-buildmode", Value: "exe"},
		{Key: "vcs.revision", Value: "4c39080abcdef0123456789abcdef0123456789a"},
		{Key: "vcs.time", Value: "2026-12-04T09:30:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}
	deps := []*debug.Module{
		{Path: "github.com/spf13/cobra", Version: "v1.10.2"},
		{Path: "k8s.io/client-go", Version: "v0.37.1", Replace: &debug.Module{Path: "k8s.io/client-go", Version: "v0.37.2"}},
	}
	tests := []struct {
		name  string
		stamp Stamp
		bi    *debug.BuildInfo
		want  Info
	}{
		{
			name:  "stamped by make build",
			stamp: Stamp{Version: "v0.3.0-2-g4c39080-dirty", Commit: "4c39080", Date: "2026-12-04T09:30:00Z"},
			bi:    &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: devel}, Settings: vcs[:1], Deps: deps},
			want: Info{Version: "v0.3.0-2-g4c39080-dirty", Commit: "4c39080", BuildDate: "2026-12-04T09:30:00Z",
				GoVersion: "go1.26.8", ClientGoVersion: "v0.37.2", Platform: platform},
		},
		{
			name:  "stamp wins over the toolchain's VCS settings",
			stamp: Stamp{Version: "v1.0.0", Commit: "aaaa", Date: "2026-01-01T00:00:00Z"},
			bi:    &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261204093000-4c39080abcde+dirty"}, Settings: vcs},
			want: Info{Version: "v1.0.0", Commit: "aaaa", BuildDate: "2026-01-01T00:00:00Z",
				GoVersion: "go1.26.8", ClientGoVersion: Unknown, Platform: platform},
		},
		{
			name: "go build in a checkout with VCS stamping",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261204093000-4c39080abcde+dirty"}, Settings: vcs, Deps: deps},
			want: Info{Version: "v0.0.0-20261204093000-4c39080abcde+dirty", Commit: "4c39080abcdef0123456789abcdef0123456789a",
				BuildDate: "2026-12-04T09:30:00Z", GoVersion: "go1.26.8", ClientGoVersion: "v0.37.2", Platform: platform},
		},
		{
			name: "go install at a tag, no VCS (-buildvcs=false or module mode)",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}, Deps: deps[1:]},
			want: Info{Version: "v1.2.3", Commit: Unknown, BuildDate: Unknown, GoVersion: "go1.26.8", ClientGoVersion: "v0.37.2", Platform: platform},
		},
		{
			name: "client-go not replaced",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: devel}, Deps: []*debug.Module{{Path: "k8s.io/client-go", Version: "v0.37.2"}}},
			want: Info{Version: devel, Commit: Unknown, BuildDate: Unknown, GoVersion: "go1.26.8", ClientGoVersion: "v0.37.2", Platform: platform},
		},
		{
			name: "no build info",
			want: Info{Version: devel, Commit: Unknown, BuildDate: Unknown, GoVersion: runtime.Version(), ClientGoVersion: Unknown, Platform: platform},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, fromBuildInfo(tt.stamp, tt.bi)); diff != "" {
				t.Errorf("fromBuildInfo() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGet checks the build info of this very test binary: built by the Go toolchain, so with a
// Go version; the stamp passes through.
func TestGet(t *testing.T) {
	got := Get(Stamp{Commit: "abc"})
	if got.Commit != "abc" || got.GoVersion != runtime.Version() || got.Version == "" {
		t.Errorf("Get() = %+v, want commit abc, Go %s and a version", got, runtime.Version())
	}
}
