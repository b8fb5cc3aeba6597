package source

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
)

// GitAuth names the files that hold a Git source's credentials. They are read at every
// fetch, so a rotated Secret is used without a restart, and never printed.
type GitAuth struct {
	// TokenFile holds a token (or password) for HTTP(S), sent with basic authentication as
	// Username's password.
	TokenFile string
	// Username goes with the token. Defaults to "git" (GitHub and GitLab accept any name
	// with a personal access token; Bitbucket wants x-token-auth).
	Username string
	// SSHKeyFile holds an unencrypted private key in PEM or OpenSSH form, for ssh:// and
	// user@host:path URLs.
	SSHKeyFile string
	// KnownHostsFile holds the SSH host keys to trust, in known_hosts form. Defaults to
	// $SSH_KNOWN_HOSTS, then ~/.ssh/known_hosts; a host not listed is refused.
	KnownHostsFile string
}

func (a *GitAuth) validate() error {
	if a.TokenFile != "" && a.SSHKeyFile != "" {
		return errors.New("--git-token-file and --git-ssh-key-file cannot be combined: one is for HTTPS, the other for SSH")
	}
	return nil
}

// method returns the go-git authentication for url from the files, or nil without any.
func (a *GitAuth) method(url string) (transport.AuthMethod, error) {
	ep, err := transport.NewEndpoint(url)
	if err != nil {
		return nil, err
	}
	switch {
	case ep.Protocol == "ssh":
		return a.ssh(ep)
	case a.TokenFile != "":
		b, err := os.ReadFile(a.TokenFile)
		if err != nil {
			return nil, fmt.Errorf("read --git-token-file: %w", err)
		}
		user := a.Username
		if user == "" {
			user = "git"
		}
		return &githttp.BasicAuth{Username: user, Password: strings.TrimSpace(string(b))}, nil
	}
	return nil, nil
}

// ssh returns the key authentication for an SSH endpoint, checking host keys against the
// known hosts.
func (a *GitAuth) ssh(ep *transport.Endpoint) (transport.AuthMethod, error) {
	if a.SSHKeyFile == "" {
		return nil, errors.New("an SSH URL needs --git-ssh-key-file")
	}
	user := ep.User
	if user == "" {
		user = "git"
	}
	keys, err := gitssh.NewPublicKeysFromFile(user, a.SSHKeyFile, "")
	if err != nil {
		return nil, fmt.Errorf("read --git-ssh-key-file: %w", err)
	}
	var files []string
	if a.KnownHostsFile != "" {
		files = []string{a.KnownHostsFile}
	}
	cb, err := gitssh.NewKnownHostsCallback(files...)
	if err != nil {
		return nil, fmt.Errorf("read known hosts (--git-known-hosts-file): %w", err)
	}
	keys.HostKeyCallback = cb
	return keys, nil
}
