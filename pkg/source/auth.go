package source

import (
	"cmp"
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
//
// An http(s) URL may carry credentials instead (https://user:password@host/repo.git): they
// are taken out of the URL and sent the same way, as basic authentication. A URL's user name
// without a password goes with the token of TokenFile, in place of Username; a URL's password
// and a TokenFile are one credential too many, refused by Validate.
type GitAuth struct {
	// TokenFile holds a token (or password) for HTTP(S), sent with basic authentication as
	// Username's password.
	TokenFile string
	// Username goes with the token, unless the URL names a user, who goes instead. Defaults
	// to "git" (GitHub and GitLab accept any name with a personal access token; Bitbucket
	// wants x-token-auth).
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

// credentials are what a fetch authenticates with.
type credentials struct {
	// method is go-git's authentication; nil for none.
	method transport.AuthMethod
	// secrets are the values no message may show: a password or token.
	secrets []string
	// from names where the credentials came from, for messages: "--git-url",
	// "--git-token-file", "--git-ssh-key-file"; "" for none.
	from string
}

// method returns the credentials for r from the files and r's user information.
func (a *GitAuth) method(r remote) (*credentials, error) {
	ep, err := transport.NewEndpoint(r.url)
	if err != nil {
		return nil, errors.New("--git-url: not a valid Git URL")
	}
	switch {
	case ep.Protocol == "ssh":
		m, err := a.ssh(ep)
		if err != nil {
			return nil, err
		}
		return &credentials{method: m, from: "--git-ssh-key-file"}, nil
	case a.TokenFile != "":
		b, err := os.ReadFile(a.TokenFile)
		if err != nil {
			return nil, fmt.Errorf("read --git-token-file: %w", err)
		}
		user := cmp.Or(r.user, a.Username, "git")
		token := strings.TrimSpace(string(b))
		return &credentials{method: &githttp.BasicAuth{Username: user, Password: token}, secrets: []string{token, r.password}, from: "--git-token-file"}, nil
	case r.hasUser:
		return &credentials{method: &githttp.BasicAuth{Username: r.user, Password: r.password}, secrets: []string{r.password}, from: "--git-url"}, nil
	}
	return &credentials{}, nil
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
