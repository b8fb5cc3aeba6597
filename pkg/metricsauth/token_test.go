package metricsauth

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	authnv1 "k8s.io/api/authentication/v1"
)

func TestBearerToken(t *testing.T) {
	tests := []struct {
		name, header, want string
	}{
		{name: "none"},
		{name: "bearer", header: "Bearer abc", want: "abc"},
		{name: "scheme in any case", header: "bEaReR abc", want: "abc"},
		{name: "header trimmed", header: "  Bearer abc \t", want: "abc"},
		{name: "basic", header: "Basic YWxhZGRpbjpvcGVuc2VzYW1l"},
		{name: "scheme alone", header: "Bearer"},
		{name: "space before the token", header: "Bearer  abc"},
		{name: "words after the token ignored", header: "Bearer abc def", want: "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.header != "" {
				h.Set("Authorization", tt.header)
			}
			if got := bearerToken(h); got != tt.want {
				t.Errorf("bearerToken(%q) = %q, want %q", tt.header, got, tt.want)
			}
		})
	}
}

func TestWithAuthenticatedGroup(t *testing.T) {
	tests := []struct {
		name string
		in   authnv1.UserInfo
		want []string
	}{
		{name: "added", in: authnv1.UserInfo{Username: "u", Groups: []string{"a"}}, want: []string{"a", groupAuthenticated}},
		{name: "no groups", in: authnv1.UserInfo{Username: "u"}, want: []string{groupAuthenticated}},
		{name: "already in", in: authnv1.UserInfo{Username: "u", Groups: []string{groupAuthenticated, "a"}}, want: []string{groupAuthenticated, "a"}},
		{name: "unauthenticated", in: authnv1.UserInfo{Username: "u", Groups: []string{groupUnauthenticated}}, want: []string{groupUnauthenticated}},
		{name: "anonymous", in: authnv1.UserInfo{Username: userAnonymous}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, withAuthenticatedGroup(tt.in).Groups); diff != "" {
				t.Errorf("groups (-want +got):\n%s", diff)
			}
		})
	}
}
