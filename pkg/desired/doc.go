// Package desired is gitops-drift's desired-state pipeline, the one way every command gets the
// state Git wants: source -> load -> compile -> store.
//
//   - Source is where the manifests come from: DirSource, a local directory (--manifests),
//     versioned by a fingerprint of its files; GitSource, a branch or tag of a Git repository
//     (--git-url), versioned by commit.
//   - Loader reads a snapshot of a source (plain YAML or a kustomization) and compiles it
//     against the cluster as it is now: kinds and scopes from its RESTMapper (discovered while
//     the files are read), list keys from its schemas, custom resources normalised by their
//     CRDs. It returns a complete *check.Desired or every problem, never a partial state. Its
//     Read hook sees the manifests before they compile: --once starts its LISTs there.
//   - Store holds the compiled state in force and swaps it atomically.
//   - Reloader keeps a Store in step with a Source: it polls, loads a new version in full and
//     swaps it in; a version that fails to load leaves the last good state in force, and the
//     staleness guard tells when that state may be too far behind Git to deny with.
//   - RefreshHandler serves POST /git/refresh: a poll at once, on request.
//
// The check (--once and its loop), the webhook and the auditor all use it; it imports neither
// of them.
package desired
