// Package gitsource is a desired state in a real Git repository, for tests of what follows
// one as serve follows --git-url (pkg/desired's Reloader, the webhook judging against its
// Store): a repository (test/gitrepo) whose first commit holds a Deployment, the source.Git
// that follows it, and a loader that compiles a checkout without a cluster.
package gitsource
