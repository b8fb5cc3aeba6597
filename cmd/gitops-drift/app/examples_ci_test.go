package app_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/gitops-drift/gitops-drift/cmd/gitops-drift/app"
)

// TestExamplesCI parses the CI examples in examples/ci and runs every gitops-drift command line
// of their scripts through the real command (the check itself replaced by a recorder), so that
// a renamed or removed flag breaks this test rather than the examples. Each example must gate
// with --once --output markdown --fail-on-drift.
func TestExamplesCI(t *testing.T) {
	tests := []struct {
		file string
		// want are strings the example's scripts must hold besides the gate.
		want []string
	}{
		{file: "github-actions.yaml", want: []string{`>> "$GITHUB_STEP_SUMMARY"`, "github.rest.issues.updateComment", "exit ${{ steps.check.outputs.exit-code }}"}},
		{file: "gitlab-ci.yml", want: []string{"PRIVATE-TOKEN: $GITLAB_TOKEN", "/merge_requests/$CI_MERGE_REQUEST_IID/notes", `exit "$code"`}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("../../../examples/ci", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var doc any
			if err := yaml.Unmarshal(data, &doc); err != nil {
				t.Fatalf("%s is not YAML: %v", tt.file, err)
			}
			scripts := strings.Join(stringsIn(doc), "\n")
			for _, want := range tt.want {
				if !strings.Contains(scripts, want) {
					t.Errorf("%s's scripts lack %q", tt.file, want)
				}
			}
			commands := gitopsDriftCommands(scripts)
			gates := 0
			for _, args := range commands {
				if len(args) > 0 && args[0] == "version" {
					runVersion(t, args)
					continue
				}
				o := parseCheck(t, args)
				if o.Once && o.Output == "markdown" && o.FailOnDrift {
					gates++
				}
			}
			if gates == 0 {
				t.Errorf("%s runs no gitops-drift --once --output markdown --fail-on-drift; its commands: %q", tt.file, commands)
			}
		})
	}
}

// stringsIn returns every string value in a decoded YAML document.
func stringsIn(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, stringsIn(e)...)
		}
		return out
	case map[string]any:
		var out []string
		for _, e := range v {
			out = append(out, stringsIn(e)...)
		}
		return out
	}
	return nil
}

// gitopsDriftCommands returns the arguments of every command in script whose program is
// gitops-drift (by any path): words split as a shell splits them without expanding variables,
// up to the first operator or redirection.
func gitopsDriftCommands(script string) [][]string {
	script = strings.ReplaceAll(script, "\\\n", " ")
	operators := []string{"|", "||", "&&", ";", "(", ")", "then", "else", "do"}
	var out [][]string
	for _, line := range strings.Split(script, "\n") {
		words := shellWords(line)
		for i, w := range words {
			commandWord := i == 0 || slices.Contains(operators, words[i-1])
			if !commandWord || filepath.Base(w) != "gitops-drift" {
				continue
			}
			var args []string
			for _, a := range words[i+1:] {
				if slices.Contains(operators, a) || strings.HasPrefix(a, ">") || strings.HasPrefix(a, "<") || a == "2>&1" {
					break
				}
				args = append(args, a)
			}
			out = append(out, args)
		}
	}
	return out
}

// shellWords splits line into words at blanks outside quotes, removing the quotes.
func shellWords(line string) []string {
	var words []string
	var w strings.Builder
	inWord := false
	var quote rune
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// parseCheck parses and validates the arguments of a check as gitops-drift does, and returns
// its options.
func parseCheck(t *testing.T, args []string) *app.CheckOptions {
	t.Helper()
	var got *app.CheckOptions
	var out, errOut bytes.Buffer
	cmd := app.NewCommand(app.IOStreams{Out: &out, ErrOut: &errOut}, func(_ context.Context, _ app.IOStreams, o *app.CheckOptions) error {
		got = o
		return nil
	})
	cmd.SetArgs(args)
	if err := cmd.ExecuteContext(t.Context()); err != nil || got == nil {
		t.Fatalf("gitops-drift %q: %v %s", args, err, errOut.String())
	}
	return got
}

// runVersion runs gitops-drift with args, a version command, and fails unless it succeeds.
func runVersion(t *testing.T, args []string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := app.Main(t.Context(), app.IOStreams{Out: &out, ErrOut: &errOut}, args); code != app.ExitOK || out.Len() == 0 {
		t.Errorf("gitops-drift %q: exit %d, stderr %q", args, code, errOut.String())
	}
}
