package check

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// secretKeyLen is the size of a Secret redaction key: that of an HMAC-SHA-256 block's hash.
const secretKeyLen = 32

// NewSecretKey returns a random key for the hashes that stand for Secret values in reports,
// logs and Events (see diff.Redact). One key per process: equal values show equal digits
// within a process, and nobody without the key, which never leaves memory, can test a guess
// against them.
func NewSecretKey() []byte {
	key := make([]byte, secretKeyLen)
	_, _ = rand.Read(key) // never fails: crypto/rand crashes the program rather than return an error
	return key
}

// SetSecretKey sets the key with which every target of d hashes Secret values. Call it
// before d is shared: a Desired is immutable once in use.
func (d *Desired) SetSecretKey(key []byte) {
	for i := range d.Targets {
		d.Targets[i].SecretKey = key
	}
}

// SecretSafe is implemented by errors whose text never holds a value of the object they are
// about (they name paths, say); errorText shows their text for a Secret.
type SecretSafe interface {
	error
	SecretSafe()
}

// errorText returns the text of err, about target t, that a report, a log or an Event may
// show: err's text, or for a Secret, SecretErrorText(err).
func errorText(t *Target, err error) string {
	if !t.isSecret() {
		return err.Error()
	}
	return SecretErrorText(err)
}

// SecretErrorText returns a text of err, an error about a Secret, that holds none of its values.
// The API server's messages may quote them (a server-side apply type error does), so an error
// from the server keeps the context gitops-drift wrapped it in, its reason and code and the
// paths its causes name, never its message. Cancellations and SecretSafe errors keep their
// text. Any other error keeps its type only.
func SecretErrorText(err error) string {
	var status apierrors.APIStatus
	var safe SecretSafe
	switch {
	case errors.As(err, &status):
		prefix := ""
		if inner, ok := status.(error); ok && strings.HasSuffix(err.Error(), inner.Error()) {
			prefix = strings.TrimSuffix(err.Error(), inner.Error()) // what gitops-drift wrapped it in
		}
		return prefix + statusText(status)
	case errors.As(err, &safe), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err.Error()
	}
	return fmt.Sprintf("%T (not shown for a Secret: it may quote the Secret's data)", err)
}

// statusText describes an API server error without its message.
func statusText(s apierrors.APIStatus) string {
	st := s.Status()
	reason := string(st.Reason)
	if reason == "" {
		reason = http.StatusText(int(st.Code))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "the API server answered %s (%d)", reason, st.Code)
	if st.Details != nil {
		sep := " at "
		for _, c := range st.Details.Causes {
			if c.Field == "" {
				continue
			}
			fmt.Fprintf(&b, "%s%s (%s)", sep, strings.TrimPrefix(c.Field, "."), c.Type)
			sep = ", "
		}
	}
	b.WriteString("; its message is not shown for a Secret: it may quote the Secret's data")
	return b.String()
}
