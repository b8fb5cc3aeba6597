package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/types"
)

// maxRequestSize bounds a request's body, as controller-runtime's webhook does: an
// AdmissionReview holds at most two objects of at most 3 MB each, and less than 1 MB besides.
const maxRequestSize = 7 << 20

// ServeHTTP serves the webhook's Path: it reads the AdmissionReview the API server sends,
// judges its request (Handle's rules) and answers an AdmissionReview of the same version. It
// decodes the review once, in one pass, and the objects only as far as the comparison needs,
// where controller-runtime's admission.Webhook would decode all of it into typed structs.
//
// It keeps what controller-runtime's webhook guarantees: a JSON content type, a body of at
// most 7 MB, v1 and v1beta1 reviews. A review that cannot be read but names its request's uid
// is answered, allowed with a warning (counted as decision error), as any request the webhook
// cannot judge. A body without a uid cannot be answered: it gets an HTTP error status, and the
// API server applies the webhook's failurePolicy (Ignore in the install).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	m := h.acquire()
	body, status, err := readBody(r, m.body)
	m.body = body[:0]
	if err != nil {
		h.refuse(ctx, w, status, err)
		h.release(m)
		return
	}
	rv := &m.review
	err = rv.decode(&m.dec, body)
	var v verdict
	switch {
	case err == nil:
		m.scanned = true
		v = h.judge(ctx, &rv.request, m)
	case rv.request.UID == "":
		h.refuse(ctx, w, http.StatusBadRequest, fmt.Errorf("decode admission review: %w", err))
		h.release(m)
		return
	default:
		v = h.errored(ctx, &rv.request, fmt.Errorf("decode admission review: %w", err))
		h.opts.Metrics.Decision(string(v.decision))
	}
	m.answer = answer(ctx, w, m.answer, m.contentType, rv.apiVersion, rv.request.UID, v)
	h.release(m)
}

// readBody reads a request's body into buf's memory, or a larger buffer: JSON, at most
// maxRequestSize bytes. On error it returns the HTTP status to answer.
func readBody(r *http.Request, buf []byte) ([]byte, int, error) {
	if ct := r.Header.Get("Content-Type"); !isJSON(ct) {
		return buf, http.StatusUnsupportedMediaType, fmt.Errorf("content type %q, want application/json", ct)
	}
	if r.Body == nil || r.Body == http.NoBody {
		return buf, http.StatusBadRequest, errors.New("request body is empty")
	}
	defer r.Body.Close()
	if r.ContentLength > maxRequestSize {
		return buf, http.StatusRequestEntityTooLarge, fmt.Errorf("request body of %d bytes; the limit is %d", r.ContentLength, maxRequestSize)
	}
	size := 512
	if r.ContentLength > 0 {
		size = int(r.ContentLength) + 1 // room to read the end without growing
	}
	if cap(buf) < size {
		buf = make([]byte, 0, size)
	}
	body, err := readAll(io.LimitReader(r.Body, maxRequestSize+1), buf[:0])
	switch {
	case err != nil:
		return body, http.StatusBadRequest, fmt.Errorf("read request body: %w", err)
	case len(body) > maxRequestSize:
		return body, http.StatusRequestEntityTooLarge, fmt.Errorf("request body over the limit of %d bytes", maxRequestSize)
	case len(body) == 0:
		return body, http.StatusBadRequest, errors.New("request body is empty")
	}
	return body, 0, nil
}

// isJSON reports whether the content type ct is JSON's (parameters allowed).
func isJSON(ct string) bool {
	if ct == "application/json" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

// readAll is io.ReadAll into b, which is sized for the whole body when its length is known.
func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if errors.Is(err, io.EOF) {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// refuse answers a request that is not an AdmissionReview with a uid: nothing the API server
// would accept as an answer to it, so an HTTP error status. It counts as decision error.
func (h *Handler) refuse(ctx context.Context, w http.ResponseWriter, status int, err error) {
	h.opts.Metrics.Decision(string(DecisionError))
	logr.FromContextOrDiscard(ctx).WithName(loggerName).Error(err, "cannot read admission request", logStatus, status)
	http.Error(w, prefix+err.Error(), status)
}

// answer writes the AdmissionReview answering the request uid: v in the review version
// apiVersion (v1 if it is unknown), with contentType's Content-Type header (which net/http
// only reads). It renders it in buf's memory, and returns it.
func answer(ctx context.Context, w http.ResponseWriter, buf []byte, contentType []string, apiVersion string, uid types.UID, v verdict) []byte {
	if apiVersion != reviewV1beta1 {
		apiVersion = reviewV1
	}
	w.Header()["Content-Type"] = contentType
	buf = appendReview(buf[:0], apiVersion, uid, v)
	if _, err := w.Write(buf); err != nil {
		logr.FromContextOrDiscard(ctx).WithName(loggerName).Error(err, "cannot write admission response", logUID, uid)
	}
	return buf
}

// appendReview appends the AdmissionReview of v to b: allowed, with its warnings, or denied
// with status 403 Forbidden and v's message, as controller-runtime's admission.Denied.
func appendReview(b []byte, apiVersion string, uid types.UID, v verdict) []byte {
	size := 128 + len(uid) + len(v.message)
	for _, w := range v.warnings {
		size += len(w) + 8
	}
	b = slices.Grow(b, size)
	b = append(b, `{"apiVersion":`...)
	b = quote(b, apiVersion)
	b = append(b, `,"kind":"`+reviewKind+`","response":{"uid":`...)
	b = quote(b, string(uid))
	if v.denied {
		b = append(b, `,"allowed":false,"status":{"code":403,"reason":"Forbidden","message":`...)
		b = quote(b, v.message)
		b = append(b, '}')
	} else {
		b = append(b, `,"allowed":true`...)
	}
	if len(v.warnings) > 0 {
		b = append(b, `,"warnings":[`...)
		for i, w := range v.warnings {
			if i > 0 {
				b = append(b, ',')
			}
			b = quote(b, w)
		}
		b = append(b, ']')
	}
	return append(b, "}}\n"...)
}

// quote appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func quote(b []byte, s string) []byte {
	b, _ = jsontext.AppendQuote(b, s)
	return b
}
