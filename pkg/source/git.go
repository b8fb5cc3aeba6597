package source

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/memory"
)

// GitOptions say which repository, reference and directory a Git source follows.
type GitOptions struct {
	// URL of the repository: https://, http://, ssh://, user@host:path or file://. Required.
	// file:// runs git-upload-pack (go-git's file transport does); the others need no git
	// binary. The user name and password of an http(s) URL are taken out before anything is
	// fetched or stored and sent as basic authentication (see GitAuth); an http(s) URL may
	// have no query string, an SSH URL no password.
	URL string
	// Ref is a branch, a tag or a full reference name (refs/heads/main). Defaults to the
	// remote's HEAD, its default branch.
	Ref string
	// Path is the manifests' directory in the repository, slash-separated. Defaults to the
	// repository's root.
	Path string
	// CacheDir holds the checkouts, one directory per commit. Required.
	CacheDir string
	// Auth names the credential files, read again at every fetch.
	Auth GitAuth
	// Timeout bounds one fetch. Defaults to 2m.
	Timeout time.Duration
}

// Git follows a reference of a remote repository. It asks the remote which commit the
// reference names (as `git ls-remote` does) and clones a new commit shallowly (depth 1,
// that reference only) into a directory of its own in the cache, which it reuses across
// runs. No credential is written to the cache: a checkout's .git/config records the URL
// without them. It is safe for use by one goroutine at a time.
type Git struct {
	opts GitOptions
	// remote is opts.URL without its credentials, or why it cannot be used.
	remote    remote
	remoteErr error
}

// Checkout is the files of one commit, on disk.
type Checkout struct {
	// Hash is the commit's full hash.
	Hash string
	// Root is the checkout's directory.
	Root string
}

// Revision returns the first 12 hex digits of the commit's hash, as Revision does.
func (c Checkout) Revision() string { return c.Hash[:shortHashLen] }

// fullHash is a commit hash, which Ref may not be: a shallow fetch needs a reference.
var fullHash = regexp.MustCompile(`^[0-9a-f]{40}$`)

// Validate reports options that cannot work.
func (o *GitOptions) Validate() error {
	var errs []error
	r, err := parseRemote(o.URL)
	if err != nil {
		errs = append(errs, fmt.Errorf("--git-url: %w", err))
	}
	if r.password != "" && o.Auth.TokenFile != "" {
		errs = append(errs, fmt.Errorf("--git-url %s has a password and --git-token-file is set: give the credential once, in the file", DisplayURL(o.URL)))
	}
	if fullHash.MatchString(o.Ref) {
		errs = append(errs, errors.New("--git-ref: a commit hash cannot be followed; name a branch or a tag"))
	}
	if p := repoPath(o.Path); p == ".." || strings.HasPrefix(p, "../") || filepath.IsAbs(o.Path) {
		errs = append(errs, fmt.Errorf("--git-path %q: must be a directory inside the repository", o.Path))
	}
	if o.CacheDir == "" {
		errs = append(errs, errors.New("--git-cache-dir is required"))
	}
	return errors.Join(append(errs, o.Auth.validate())...)
}

// NewGit returns a Git source. The options must have been validated.
func NewGit(opts GitOptions) *Git {
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Minute
	}
	opts.Path = repoPath(opts.Path)
	r, err := parseRemote(opts.URL)
	return &Git{opts: opts, remote: r, remoteErr: err}
}

// repoPath cleans a slash-separated path in the repository; the root is ".".
func repoPath(p string) string {
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return "."
	}
	return filepath.ToSlash(filepath.Clean(filepath.FromSlash(p)))
}

// Path returns the manifests' directory in the repository, slash-separated, "." for the root.
func (g *Git) Path() string { return g.opts.Path }

// URL returns the repository's URL for messages, without credentials (see DisplayURL).
func (g *Git) URL() string { return DisplayURL(g.opts.URL) }

// Fetch returns the checkout of the commit the reference names now: the cached one when the
// remote still names a commit already fetched, else a new shallow clone.
func (g *Git) Fetch(ctx context.Context) (Checkout, error) {
	ctx, cancel := context.WithTimeout(ctx, g.opts.Timeout)
	defer cancel()
	if g.remoteErr != nil {
		return Checkout{}, fmt.Errorf("--git-url: %w", g.remoteErr)
	}
	auth, err := g.opts.Auth.method(g.remote)
	if err != nil {
		return Checkout{}, err
	}
	hash, ref, err := g.head(ctx, auth)
	if err != nil {
		return Checkout{}, err
	}
	root := filepath.Join(g.opts.CacheDir, hash)
	if exists(root) {
		return Checkout{Hash: hash, Root: root}, nil
	}
	return g.clone(ctx, auth, ref)
}

// head asks the remote for the commit the reference names, and the reference's full name.
func (g *Git) head(ctx context.Context, auth *credentials) (string, plumbing.ReferenceName, error) {
	remote := git.NewRemote(memory.NewStorage(), &config.RemoteConfig{Name: "origin", URLs: []string{g.remote.url}})
	refs, err := remote.ListContext(ctx, &git.ListOptions{Auth: auth.method, PeelingOption: git.AppendPeeled})
	if err != nil {
		return "", "", g.fetchError("list references of", auth, err)
	}
	hash, name, err := resolveRef(refs, g.opts.Ref)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", g.URL(), err)
	}
	return hash, name, nil
}

// resolveRef finds the commit that ref names among a remote's references (the peeled commit of
// an annotated tag, the target of a symbolic HEAD) and the full name of the reference to
// clone: "" for a HEAD that does not say which branch it is.
func resolveRef(refs []*plumbing.Reference, ref string) (string, plumbing.ReferenceName, error) {
	byName := make(map[plumbing.ReferenceName]*plumbing.Reference, len(refs))
	for _, r := range refs {
		byName[r.Name()] = r
	}
	var candidates []plumbing.ReferenceName
	switch {
	case ref == "" || ref == "HEAD":
		candidates = []plumbing.ReferenceName{plumbing.HEAD}
	case strings.HasPrefix(ref, "refs/"):
		candidates = []plumbing.ReferenceName{plumbing.ReferenceName(ref)}
	default:
		candidates = []plumbing.ReferenceName{plumbing.NewBranchReferenceName(ref), plumbing.NewTagReferenceName(ref)}
	}
	for _, name := range candidates {
		r, ok := byName[name+"^{}"] // an annotated tag, peeled
		if !ok {
			r, ok = byName[name]
		}
		full := name
		for i := 0; ok && r.Type() == plumbing.SymbolicReference && i < 5; i++ {
			full = r.Target()
			r, ok = byName[full]
		}
		if !ok {
			continue
		}
		if full == plumbing.HEAD {
			full = ""
		}
		return r.Hash().String(), full, nil
	}
	if ref == "" {
		ref = "HEAD"
	}
	return "", "", fmt.Errorf("reference %q not found", ref)
}

// clone clones the reference at depth 1 into a temporary directory of the cache, then
// renames it after its commit: a directory named after a commit is always complete.
func (g *Git) clone(ctx context.Context, auth *credentials, ref plumbing.ReferenceName) (Checkout, error) {
	if err := os.MkdirAll(g.opts.CacheDir, 0o700); err != nil {
		return Checkout{}, fmt.Errorf("create the Git cache: %w", err)
	}
	tmp, err := os.MkdirTemp(g.opts.CacheDir, ".clone-")
	if err != nil {
		return Checkout{}, fmt.Errorf("create the Git cache: %w", err)
	}
	defer os.RemoveAll(tmp) // gone once renamed
	repo, err := git.PlainCloneContext(ctx, tmp, false, &git.CloneOptions{
		URL:           g.remote.url,
		Auth:          auth.method,
		ReferenceName: ref,
		SingleBranch:  true,
		Depth:         1,
		Tags:          git.NoTags,
	})
	if err != nil {
		return Checkout{}, g.fetchError("clone", auth, err)
	}
	head, err := repo.Head()
	if err != nil {
		return Checkout{}, fmt.Errorf("clone %s: read HEAD: %w", g.URL(), err)
	}
	hash := head.Hash().String()
	root := filepath.Join(g.opts.CacheDir, hash)
	if err := os.Rename(tmp, root); err != nil && !exists(root) {
		return Checkout{}, fmt.Errorf("clone %s: %w", g.URL(), err)
	}
	return Checkout{Hash: hash, Root: root}, nil
}

// Prune removes every checkout of the cache but those of the commits in keep.
func (g *Git) Prune(keep ...string) error {
	entries, err := os.ReadDir(g.opts.CacheDir)
	if err != nil {
		return fmt.Errorf("prune the Git cache: %w", err)
	}
	var errs []error
	for _, e := range entries {
		if !e.IsDir() || !fullHash.MatchString(e.Name()) || slices.Contains(keep, e.Name()) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(g.opts.CacheDir, e.Name())); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// fetchError words err, an error of go-git talking to the remote: authentication failures
// say what to do. Its text has the credentials of auth replaced, should the remote have
// quoted one.
func (g *Git) fetchError(what string, auth *credentials, err error) error {
	err = &redacted{msg: scrub(err.Error(), auth.secrets...), err: err}
	switch {
	case errors.Is(err, transport.ErrAuthenticationRequired) && auth.from != "":
		return fmt.Errorf("%s %s: authentication required: the credentials of %s were refused: %w", what, g.URL(), auth.from, err)
	case errors.Is(err, transport.ErrAuthenticationRequired):
		return fmt.Errorf("%s %s: authentication required: give credentials with --git-token-file or --git-ssh-key-file: %w", what, g.URL(), err)
	case errors.Is(err, transport.ErrAuthorizationFailed):
		return fmt.Errorf("%s %s: the credentials were refused: %w", what, g.URL(), err)
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return fmt.Errorf("%s %s: repository not found (or the credentials cannot see it): %w", what, g.URL(), err)
	}
	return fmt.Errorf("%s %s: %w", what, g.URL(), err)
}

// redacted is an error whose message has credentials left out; Unwrap gives the original.
type redacted struct {
	msg string
	err error
}

func (e *redacted) Error() string { return e.msg }
func (e *redacted) Unwrap() error { return e.err }

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
