package source

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// shortHashLen is the length of the abbreviated commit hash Revision returns.
const shortHashLen = 12

// dirtySuffix marks a revision whose directory has uncommitted changes.
const dirtySuffix = "-dirty"

// Revision names the state of the directory dir: the first 12 hex digits of the commit checked out
// in the Git repository holding dir (found by searching dir and its parents for .git), followed by
// "-dirty" when files under dir differ from that commit: modified, added, deleted, or untracked
// and not ignored, staged or not. Changes elsewhere in the repository do not count.
//
// Revision returns "" and no error when dir is not in a Git repository, or when the repository
// has no commit yet (HEAD names an unborn branch). It returns an error when dir does not exist or
// the repository cannot be read.
//
// The check walks the whole worktree once, as "git status" does; files whose size and time
// match the index are not read.
func Revision(dir string) (string, error) {
	abs, err := resolve(dir)
	if err != nil {
		return "", err
	}
	repo, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("open git repository of %s: %w", dir, err)
	}
	head, err := repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read HEAD of git repository of %s: %w", dir, err)
	}
	rev := head.Hash().String()[:shortHashLen]
	dirty, err := dirtyUnder(repo, abs)
	if err != nil {
		return "", fmt.Errorf("status of %s: %w", dir, err)
	}
	if dirty {
		rev += dirtySuffix
	}
	return rev, nil
}

// resolve returns the absolute path of dir with symbolic links resolved, so that it compares
// with the worktree's root, and checks that it is a directory.
func resolve(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", dir, err)
	}
	abs, err = filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", dir, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", dir, err)
	}
	if !info.IsDir() {
		return "", fmt.Errorf("resolve %s: not a directory", dir)
	}
	return abs, nil
}

// dirtyUnder reports whether the worktree of repo has changes under the directory dir, an
// absolute path inside the worktree. A bare repository has no worktree, hence no changes.
func dirtyUnder(repo *git.Repository, dir string) (bool, error) {
	wt, err := repo.Worktree()
	if errors.Is(err, git.ErrIsBareRepository) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	rel, err := filepath.Rel(wt.Filesystem.Root(), dir)
	if err != nil {
		return false, err
	}
	status, err := wt.Status()
	if err != nil {
		return false, err
	}
	prefix := filepath.ToSlash(rel)
	for path, st := range status {
		if !under(path, prefix) {
			continue
		}
		if st.Staging != git.Unmodified || st.Worktree != git.Unmodified {
			return true, nil
		}
	}
	return false, nil
}

// under reports whether the slash-separated path p is the directory dir or inside it; "." holds
// every path.
func under(p, dir string) bool {
	return dir == "." || p == dir || strings.HasPrefix(p, dir+"/")
}
