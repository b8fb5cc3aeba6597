package source

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
)

// redactedValue stands for a credential in a URL shown in a message.
const redactedValue = "REDACTED"

// DisplayURL returns a Git URL as messages, logs and reports may show it: an http(s) URL
// without its user name and password (either may be a token), an SSH URL without a password,
// and every query parameter's value replaced by REDACTED (access_token=REDACTED). A URL that
// does not parse is not shown at all, as its text may hold a credential. It is the only way
// gitops-drift shows a Git URL.
func DisplayURL(raw string) string {
	if scpLike(raw) {
		user, rest, _ := strings.Cut(raw, "@")
		name, _, hasPassword := strings.Cut(user, ":")
		if hasPassword {
			return name + "@" + rest
		}
		return raw
	}
	if !strings.Contains(raw, "://") {
		return raw // a local path
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(a URL that does not parse)"
	}
	if u.User != nil {
		switch {
		case isHTTP(u.Scheme):
			u.User = nil
		default:
			u.User = url.User(u.User.Username())
		}
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{redactedValue}
		}
		u.RawQuery = q.Encode()
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}

// remote is a Git URL taken apart: the URL go-git is given, which is also the one recorded
// in a checkout's .git/config, and the credentials its user information held, to be sent
// as HTTP basic authentication.
type remote struct {
	// url has no password, and for http(s) no user information at all.
	url string
	// user and password are those of an http(s) URL; hasUser says whether it had any.
	user, password string
	hasUser        bool
}

// parseRemote takes the credentials out of raw, and refuses what cannot work or would send a
// credential where it could be recorded: a password in an SSH URL (SSH authenticates with
// --git-ssh-key-file), and a query string or fragment in an http(s) URL (Git's smart HTTP
// protocol appends its own path to the URL, so neither ever reaches the server as such).
// Its errors show the URL as DisplayURL does.
func parseRemote(raw string) (remote, error) {
	if _, err := transport.NewEndpoint(raw); err != nil {
		return remote{}, errors.New("not a valid Git URL: use https://, http://, ssh://, user@host:path or file://")
	}
	if scpLike(raw) {
		if user, _, _ := strings.Cut(raw, "@"); strings.Contains(user, ":") {
			return remote{}, fmt.Errorf("%s: an SSH URL cannot carry a password: use --git-ssh-key-file", DisplayURL(raw))
		}
		return remote{url: raw}, nil
	}
	if !strings.Contains(raw, "://") {
		return remote{url: raw}, nil // a local path
	}
	u, err := url.Parse(raw) // parsed by NewEndpoint already
	if err != nil {
		return remote{}, errors.New("not a valid URL")
	}
	_, hasPassword := u.User.Password()
	switch {
	case isHTTP(u.Scheme) && (u.RawQuery != "" || u.ForceQuery || u.Fragment != ""):
		return remote{}, fmt.Errorf("%s: a query string or fragment cannot be sent to a Git server (Git appends its own path to the URL); give a token with --git-token-file", DisplayURL(raw))
	case !isHTTP(u.Scheme) && hasPassword:
		return remote{}, fmt.Errorf("%s: a %s URL cannot carry a password: use --git-ssh-key-file", DisplayURL(raw), u.Scheme)
	case !isHTTP(u.Scheme) || u.User == nil:
		return remote{url: raw}, nil
	}
	r := remote{user: u.User.Username(), hasUser: true}
	r.password, _ = u.User.Password()
	u.User = nil
	r.url = u.String()
	return r, nil
}

// scpLike reports whether raw is an SSH URL in scp form, user@host:path, as go-git reads it.
func scpLike(raw string) bool {
	if strings.Contains(raw, "://") {
		return false
	}
	ep, err := transport.NewEndpoint(raw)
	return err == nil && ep.Protocol == "ssh"
}

func isHTTP(scheme string) bool {
	s := strings.ToLower(scheme)
	return s == "http" || s == "https"
}

// scrub replaces every credential of secrets (as written, path-escaped and query-escaped)
// in msg by REDACTED: for texts that come from elsewhere (go-git, a Git server's answer) and
// could quote one.
func scrub(msg string, secrets ...string) string {
	for _, s := range secrets {
		if s == "" {
			continue
		}
		// As written, and escaped as a path, a query value or a URL's password.
		_, userinfo, _ := strings.Cut(url.UserPassword("", s).String(), ":")
		for _, form := range []string{s, url.PathEscape(s), url.QueryEscape(s), userinfo} {
			msg = strings.ReplaceAll(msg, form, redactedValue)
		}
	}
	return msg
}
