// Package version describes the running gitops-drift binary: its version, Git commit and date
// as stamped at build time (`make build`), falling back to what the Go toolchain recorded in the
// binary (debug.ReadBuildInfo), plus the Go and client-go versions it was built with.
package version
