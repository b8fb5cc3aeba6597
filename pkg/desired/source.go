package desired

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/source"
)

// Source is where a Reloader gets the desired state: a local directory (DirSource) or a Git
// repository (GitSource).
type Source interface {
	// Latest returns the source's current version, cheaply when it has not changed.
	Latest(ctx context.Context) (Version, error)
	// Load loads and compiles v in full. It returns either a complete state or an error,
	// never a partial state; ErrChanged when the files changed while they were read.
	Load(ctx context.Context, v Version) (*check.Desired, error)
}

// Version is one version of a source's files.
type Version struct {
	// ID changes when the files do: a directory's fingerprint, a commit hash.
	ID string
	// Revision names the version in reports and logs; for a directory it is read at load.
	Revision string
	// Snapshot is where the files are.
	Snapshot source.Snapshot
}

// ErrChanged is Load's error when the files changed while they were read: what was read may
// be half old, half new. The next poll loads again; it is not a failure.
var ErrChanged = errors.New("files changed while they were read")

// LoadFunc loads and compiles the files of a snapshot, read at revision.
type LoadFunc func(ctx context.Context, s source.Snapshot, revision string) (*check.Desired, error)

// DirSource is a local directory (--manifests). Its version is a fingerprint of the names,
// sizes, modes and modification times of its files, so a poll reads no file contents; its
// revision is that of the Git checkout holding it, if any (source.Revision).
type DirSource struct {
	// Dir is the directory.
	Dir string
	// Loader loads it.
	Loader LoadFunc
}

var _ Source = (*DirSource)(nil)

// Latest fingerprints the directory.
func (d *DirSource) Latest(context.Context) (Version, error) {
	fp, err := fingerprint(d.Dir)
	if err != nil {
		return Version{}, fmt.Errorf("read manifest directory: %w", err)
	}
	return Version{ID: strconv.FormatUint(fp, 16), Snapshot: source.Snapshot{Root: d.Dir}}, nil
}

// Load loads the directory, and reports ErrChanged if it changed meanwhile.
func (d *DirSource) Load(ctx context.Context, v Version) (*check.Desired, error) {
	desired, err := d.load(ctx, v.Snapshot)
	if err != nil {
		return nil, err
	}
	if now, err := d.Latest(ctx); err != nil || now.ID != v.ID {
		return nil, ErrChanged
	}
	return desired, nil
}

// LoadNow loads the directory as it is now, without fingerprinting it: one load for the
// check's --once, and for its --manifests loop, which loads at every interval (a CRD may
// have changed although the files have not).
func (d *DirSource) LoadNow(ctx context.Context) (*check.Desired, error) {
	return d.load(ctx, source.Snapshot{Root: d.Dir})
}

// load loads snapshot s of the directory at the revision of the Git checkout holding it.
func (d *DirSource) load(ctx context.Context, s source.Snapshot) (*check.Desired, error) {
	rev, err := source.Revision(d.Dir)
	if err != nil {
		return nil, fmt.Errorf("read Git revision of %s: %w", d.Dir, err)
	}
	return d.Loader(ctx, s, rev)
}

// GitSource is a branch or tag of a Git repository. Its version is the commit the remote
// names (asked at every poll, without fetching objects); a new commit is cloned shallowly
// into the cache, loaded, and the checkouts of other commits removed once it is in force.
type GitSource struct {
	// Git fetches the repository.
	Git *source.Git
	// Loader loads a checkout.
	Loader LoadFunc
}

var _ Source = (*GitSource)(nil)

// Latest fetches the commit the reference names.
func (g *GitSource) Latest(ctx context.Context) (Version, error) {
	c, err := g.Git.Fetch(ctx)
	if err != nil {
		return Version{}, err
	}
	return Version{ID: c.Hash, Revision: c.Revision(), Snapshot: source.Snapshot{Root: c.Root, Path: g.Git.Path(), Checkout: true}}, nil
}

// Load loads a checkout. Once it has loaded, the checkouts of other commits are removed (a
// commit that failed to load keeps its checkout until then: a retry needs it); one that
// cannot be removed costs disk space only, and the next load tries again.
func (g *GitSource) Load(ctx context.Context, v Version) (*check.Desired, error) {
	d, err := g.Loader(ctx, v.Snapshot, v.Revision)
	if err != nil {
		return nil, err
	}
	_ = g.Git.Prune(v.ID)
	return d, nil
}
