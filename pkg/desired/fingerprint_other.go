//go:build !(linux && (amd64 || arm64))

package desired

// fingerprint hashes the names, sizes, modes and modification times of the files under dir,
// following symbolic links (a mounted ConfigMap's files are links) and skipping hidden names,
// as manifest.Load does: see walkFingerprint. It reads no file contents.
func fingerprint(dir string) (uint64, error) { return walkFingerprint(dir) }
