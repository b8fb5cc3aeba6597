package app

import (
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/gitops-drift/gitops-drift/pkg/source"
)

// GitOptions say which Git repository the desired state is read from, instead of
// --manifests. The check and serve share them.
type GitOptions struct {
	// URL of the repository (--git-url). Empty means the desired state is --manifests.
	URL string
	// Ref is the branch or tag to follow. Defaults to the remote's default branch.
	Ref string
	// Path is the manifests' directory in the repository. Defaults to its root.
	Path string
	// PollInterval is how often the remote is asked for a new commit. Defaults to 1m.
	PollInterval time.Duration
	// CacheDir holds the checkouts, under a directory per URL. Defaults to
	// $XDG_CACHE_HOME/gitops-drift/git (~/.cache/gitops-drift/git).
	CacheDir string
	// Auth names the credential files: token, SSH key, known hosts.
	Auth source.GitAuth
	// Timeout bounds one fetch. Defaults to 2m.
	Timeout time.Duration
}

// NewGitOptions returns the options with their defaults.
func NewGitOptions() GitOptions {
	return GitOptions{PollInterval: time.Minute, Timeout: 2 * time.Minute, Auth: source.GitAuth{Username: "git"}}
}

// BindFlags registers the --git-* flags on fs.
func (o *GitOptions) BindFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.URL, "git-url", o.URL, "read the desired state from this Git repository (https://, ssh://, user@host:path, file://) instead of --manifests")
	fs.StringVar(&o.Ref, "git-ref", o.Ref, "branch or tag to follow (default: the remote's default branch)")
	fs.StringVar(&o.Path, "git-path", o.Path, "directory of the manifests (or of a kustomization) in the repository (default: its root)")
	fs.Var((*seconds)(&o.PollInterval), "git-poll-interval", "how often to ask Git for a new commit: a duration (1m) or seconds")
	fs.StringVar(&o.CacheDir, "git-cache-dir", o.CacheDir, "directory for the shallow checkouts (default: $XDG_CACHE_HOME/gitops-drift/git)")
	fs.StringVar(&o.Auth.TokenFile, "git-token-file", o.Auth.TokenFile, "file holding an HTTPS token or password, sent as --git-username's password")
	fs.StringVar(&o.Auth.Username, "git-username", o.Auth.Username, "user name sent with --git-token-file")
	fs.StringVar(&o.Auth.SSHKeyFile, "git-ssh-key-file", o.Auth.SSHKeyFile, "file holding an unencrypted SSH private key, for ssh:// and user@host:path URLs")
	fs.StringVar(&o.Auth.KnownHostsFile, "git-known-hosts-file", o.Auth.KnownHostsFile, "known_hosts file of the SSH host keys to trust (default: $SSH_KNOWN_HOSTS, then ~/.ssh/known_hosts)")
	fs.Var((*seconds)(&o.Timeout), "git-timeout", "time limit of one fetch: a duration (2m) or seconds")
}

// Validate reports Git options that cannot work; without a URL, it reports the --git-*
// flags that need one.
func (o *GitOptions) Validate() error {
	if o.URL == "" {
		var set []string
		for flag, v := range map[string]string{
			"--git-ref": o.Ref, "--git-path": o.Path, "--git-cache-dir": o.CacheDir, "--git-token-file": o.Auth.TokenFile,
			"--git-ssh-key-file": o.Auth.SSHKeyFile, "--git-known-hosts-file": o.Auth.KnownHostsFile,
		} {
			if v != "" {
				set = append(set, flag)
			}
		}
		if len(set) > 0 {
			slices.Sort(set)
			return fmt.Errorf("%s: need --git-url", strings.Join(set, ", "))
		}
		return nil
	}
	var errs []error
	if o.PollInterval <= 0 {
		errs = append(errs, fmt.Errorf("--git-poll-interval %s: must be positive", o.PollInterval))
	}
	if o.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("--git-timeout %s: must be positive", o.Timeout))
	}
	opts := o.sourceOptions()
	opts.CacheDir = "-" // resolved when used
	return errors.Join(append(errs, opts.Validate())...)
}

// sourceOptions are the options of the Git source; CacheDir is the directory of this URL.
func (o *GitOptions) sourceOptions() source.GitOptions {
	return source.GitOptions{URL: o.URL, Ref: o.Ref, Path: o.Path, Auth: o.Auth, Timeout: o.Timeout}
}

// Source returns the Git source, its cache directory created: a directory of CacheDir
// named after the URL (without credentials: not even their hash is stored) and ref, so that
// two repositories never share one.
func (o *GitOptions) Source() (*source.Git, error) {
	base := o.CacheDir
	if base == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("find a cache directory for Git (set --git-cache-dir): %w", err)
		}
		base = filepath.Join(cache, "gitops-drift", "git")
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%s", source.DisplayURL(o.URL), o.Ref)
	opts := o.sourceOptions()
	opts.CacheDir = filepath.Join(base, fmt.Sprintf("%016x", h.Sum64()))
	if err := os.MkdirAll(opts.CacheDir, 0o700); err != nil {
		return nil, fmt.Errorf("create --git-cache-dir: %w", err)
	}
	return source.NewGit(opts), nil
}

// where names the source in messages: the URL (without password), @ref and //path.
func (o *GitOptions) where() string {
	s := source.NewGit(o.sourceOptions()).URL()
	if o.Ref != "" {
		s += "@" + o.Ref
	}
	if p := strings.Trim(o.Path, "/"); p != "" && p != "." {
		s += "//" + p
	}
	return s
}
