// Package gitrepo makes real Git repositories for tests: a bare repository that tests commit
// to, reachable over file:// and over HTTP on loopback (git http-backend behind Go's
// net/http/cgi), optionally behind a token or a user name and password. It drives the
// machine's git binary, which only the tests need: gitops-drift itself fetches with go-git.
package gitrepo
