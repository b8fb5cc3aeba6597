package check

import "testing"

// TestGitPath: a path of a Secret's data reads as Git spells it only for a key Git writes
// under stringData, and only at data.K itself: not at data, below a key, at a list index or
// under another field that starts with "data".
func TestGitPath(t *testing.T) {
	tg := &Target{StringData: []string{"password"}}
	tests := []struct {
		path   string
		want   string
		wantOK bool
	}{
		{path: "data.password", want: "stringData.password", wantOK: true},
		{path: "data.user"},
		{path: "data"},
		{path: "data.password.x"},
		{path: "data[0]"},
		{path: "dataX.password"},
		{path: "metadata.name"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, ok := tg.gitPath(tt.path)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("gitPath(%q) = %q, %v; want %q, %v", tt.path, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
