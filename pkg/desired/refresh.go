package desired

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/go-logr/logr"
)

// RefreshPath is where RefreshHandler is served.
const RefreshPath = "/git/refresh"

// refreshTimeout bounds one refresh's fetch and load.
const refreshTimeout = 2 * time.Minute

// refreshResult is the JSON body of a refresh's answer.
type refreshResult struct {
	Revision string `json:"revision"`
	Error    string `json:"error,omitempty"`
}

// RefreshHandler serves POST /git/refresh: with the shared secret of secretFile as a bearer
// token (Authorization: Bearer SECRET), it polls r at once and answers the revision in
// force, after the poll: 200 when the poll succeeded, 502 with the error when it did not.
// The file is read at every request, so a rotated Secret needs no restart; a request without
// the secret gets 401 and no detail. With secretFile "", the handler checks no token: the
// server in front of it authorizes the callers (serve's secure metrics server does). Polls
// never overlap: a refresh during a poll waits for it.
func RefreshHandler(r *Reloader, secretFile string, log logr.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if secretFile != "" && !authorized(req, secretFile, log) {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		ctx, cancel := context.WithTimeout(logr.NewContext(req.Context(), log), refreshTimeout)
		defer cancel()
		err := r.Reload(ctx)
		res, code := refreshResult{Revision: r.Status().Revision}, http.StatusOK
		if err != nil {
			LogReloadError(log, err)
			res.Error, code = err.Error(), http.StatusBadGateway
		}
		log.Info("git refresh", logRevision, res.Revision, logOK, err == nil)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(res)
	})
}

// authorized reports whether req carries the secret of file as its bearer token.
func authorized(req *http.Request, file string, log logr.Logger) bool {
	token, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		return false
	}
	b, err := os.ReadFile(file)
	if err != nil {
		log.Error(err, "read the refresh secret")
		return false
	}
	secret := strings.TrimSpace(string(b))
	return secret != "" && subtle.ConstantTimeCompare([]byte(token), []byte(secret)) == 1
}
