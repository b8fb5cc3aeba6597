package version

import (
	"runtime"
	"runtime/debug"
)

// Unknown stands for a commit or date that neither the build stamp nor the Go toolchain
// recorded.
const Unknown = "unknown"

// devel is the Go toolchain's version of a main module built from a checkout.
const devel = "(devel)"

// clientGo is the module whose version Info reports as ClientGoVersion.
const clientGo = "k8s.io/client-go"

// Stamp holds what the build stamped into the binary with -ldflags -X (package main's version,
// commit and date variables; see the Makefile). Empty fields fall back to the build info.
type Stamp struct {
	// Version is `git describe --tags --always --dirty` of the checkout built.
	Version string
	// Commit is the full hash of the commit built.
	Commit string
	// Date is the commit's date, RFC 3339 in UTC: the same commit builds the same binary.
	Date string
}

// Info describes a build. Its JSON is the output of `gitops-drift version -o json`.
type Info struct {
	// Version is the stamped version, else the main module's version as the Go toolchain
	// recorded it (a tag for `go install …@v1.2.3`, a pseudo-version for a build in a Git
	// checkout), else "(devel)".
	Version string `json:"version"`
	// Commit is the stamped commit, else the vcs.revision the toolchain recorded, else
	// "unknown".
	Commit string `json:"commit"`
	// BuildDate is the stamped date, else vcs.time, else "unknown". `make build` stamps the
	// commit's date, not the time of the build, so that builds are reproducible.
	BuildDate string `json:"buildDate"`
	// GoVersion is the Go release that built the binary (go1.26.8).
	GoVersion string `json:"goVersion"`
	// ClientGoVersion is the version of k8s.io/client-go linked in, or "unknown".
	ClientGoVersion string `json:"clientGoVersion"`
	// Platform is GOOS/GOARCH.
	Platform string `json:"platform"`
}

// Get returns the Info of the running binary, stamped with s.
func Get(s Stamp) Info {
	bi, _ := debug.ReadBuildInfo() // nil when the binary has no build info
	return fromBuildInfo(s, bi)
}

// fromBuildInfo returns the Info of a binary stamped with s whose build info is bi (nil when
// there is none).
func fromBuildInfo(s Stamp, bi *debug.BuildInfo) Info {
	info := Info{
		Version:         s.Version,
		Commit:          s.Commit,
		BuildDate:       s.Date,
		GoVersion:       runtime.Version(),
		ClientGoVersion: Unknown,
		Platform:        runtime.GOOS + "/" + runtime.GOARCH,
	}
	if bi == nil {
		bi = &debug.BuildInfo{}
	}
	if info.Version == "" {
		info.Version = bi.Main.Version
		if info.Version == "" {
			info.Version = devel
		}
	}
	if info.Commit == "" {
		info.Commit = setting(bi, "vcs.revision")
	}
	if info.BuildDate == "" {
		info.BuildDate = setting(bi, "vcs.time")
	}
	if bi.GoVersion != "" {
		info.GoVersion = bi.GoVersion
	}
	for _, dep := range bi.Deps {
		if dep.Path != clientGo {
			continue
		}
		info.ClientGoVersion = dep.Version
		if dep.Replace != nil && dep.Replace.Version != "" {
			info.ClientGoVersion = dep.Replace.Version
		}
	}
	return info
}

// setting returns the value of the build setting key, or Unknown.
func setting(bi *debug.BuildInfo, key string) string {
	for _, s := range bi.Settings {
		if s.Key == key && s.Value != "" {
			return s.Value
		}
	}
	return Unknown
}
