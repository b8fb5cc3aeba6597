package corpus_test

import (
	"bufio"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sourceRow matches a file's row in SOURCES.md: | `testdata/...` | `upstream path` | `blob` |.
var sourceRow = regexp.MustCompile("^\\| `(testdata/[^`]+)` \\| `[^`]+` \\| `([0-9a-f]{40})` \\|$")

// gitBlobID returns the id Git gives a file's contents: SHA-1 of "blob <size>\x00<contents>".
func gitBlobID(data []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(data))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// TestCorpusUnchanged checks that every file of testdata/ is listed in SOURCES.md with the
// Git blob id of its upstream copy, and is byte for byte that copy.
func TestCorpusUnchanged(t *testing.T) {
	f, err := os.Open("SOURCES.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := sourceRow.FindStringSubmatch(sc.Text()); m != nil {
			want[m[1]] = m[2]
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	err = filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		got[filepath.ToSlash(p)] = gitBlobID(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 {
		t.Fatal("SOURCES.md lists no files")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("testdata against SOURCES.md (-listed +found):\n%s", diff)
	}
}
