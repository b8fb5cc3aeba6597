package diff

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// lastApplied is the annotation in which kubectl apply keeps a copy of the whole object,
// Secret data included.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// Redacted is the form of a Secret value when Compare has no Options.SecretKey.
const Redacted = "<redacted>"

// redactedHashLen is the number of bytes of the keyed hash that Redact shows (16 hex digits):
// enough that two different values never show the same digits by chance.
const redactedHashLen = 8

// Redact returns the form in which Secret values leave this package. With a key, it is
// "<redacted hmac:XXXXXXXXXXXXXXXX>", the first 16 hex digits of the HMAC-SHA-256 of the
// plaintext under key: equal plaintexts give equal strings under one key, so a reader can tell
// which values match, but without the key nobody can test a guess against the digits (an
// unkeyed hash of a PIN or a dictionary password falls to brute force). Without a key it is
// Redacted, which tells nothing at all. The key must be secret and random (see Options).
func Redact(key, plaintext []byte) string {
	if len(key) == 0 {
		return Redacted
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(plaintext)
	return "<redacted hmac:" + hex.EncodeToString(mac.Sum(nil)[:redactedHashLen]) + ">"
}

// IsSecret reports whether an object of apiVersion and kind, as objects spell them ("v1",
// "Secret"), is a core v1 Secret: the kind whose values Compare masks. It is the one test of
// "is this a Secret?" for the whole tree: callers with a key, an unstructured object or a
// report entry all have an apiVersion and a kind.
func IsSecret(apiVersion, kind string) bool {
	return kind == "Secret" && apiVersion == "v1"
}

// isSecretObject reports whether obj, an unstructured object, is a Secret (IsSecret).
func isSecretObject(obj map[string]any) bool {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	return IsSecret(apiVersion, kind)
}

// Mask returns v, the value at p of obj or of another copy of it, in the form in which it may
// leave this package: for a Secret, a value under data or stringData is masked key by key as
// Compare masks them (Redact of its plaintext, under key), and one that may hold the
// last-applied annotation is masked whole; anything else is returned as it is. It is for values
// read from an object other than by Compare (a hand-added field, say).
func Mask(obj map[string]any, p Path, v any, key []byte) any {
	if v == nil || len(p) == 0 || p[0].Kind != FieldSegment || !isSecretObject(obj) {
		return v
	}
	switch p[0].Name {
	case "data", "stringData":
		return maskValues(key, v, p[0].Name == "data")
	}
	return scrubMetadata(key, p, v)
}

// maskValues masks a Secret value, or each value of a map of them, as secretValue does.
func maskValues(key []byte, v any, encoded bool) any {
	m, ok := v.(map[string]any)
	if !ok {
		return Redact(key, plaintext(v, encoded))
	}
	out := make(map[string]any, len(m))
	for k, e := range m {
		out[k] = maskValues(key, e, encoded)
	}
	return out
}

// secretData compares the desired field (data or stringData) of a Secret with the live one,
// key by key, and reports masked values. The desired object comes with its stringData folded
// into data, as the server stores it (pkg/normalize); a stringData left in it compares with
// live's, which the server never stores, so that its values are masked all the same.
func (w *walker) secretData(field string, d, l any) {
	encoded := field == "data"
	dm, ok := d.(map[string]any)
	if !ok {
		w.secretValue(d, l, encoded)
		return
	}
	lm, _ := l.(map[string]any)
	start, end := w.sortKeys(dm)
	for i := start; i < end; i++ {
		k := w.keys[i]
		w.push(frame{kind: FieldSegment, name: k})
		w.secretValue(dm[k], lm[k], encoded)
		w.pop()
	}
	w.keys = w.keys[:start]
}

// secretValue compares one desired Secret value with the live one, by their plaintext, and
// reports both masked. Values under data are base64-encoded, which encoded says of both.
func (w *walker) secretValue(d, l any, encoded bool) {
	if d == nil || isEmpty(d) && isEmpty(l) {
		return
	}
	dp := plaintext(d, encoded)
	if l == nil {
		w.report(Redact(w.key, dp), nil)
		return
	}
	lp := plaintext(l, encoded)
	if !bytes.Equal(dp, lp) {
		w.report(Redact(w.key, dp), Redact(w.key, lp))
	}
}

// plaintext returns the bytes a Secret value stands for: a base64 string decoded when encoded
// (as it is; if it is not valid base64), anything else as text.
func plaintext(v any, encoded bool) []byte {
	s, ok := v.(string)
	if !ok {
		s = fmt.Sprint(v)
	}
	if encoded {
		if b, err := base64.StdEncoding.DecodeString(s); err == nil {
			return b
		}
	}
	return []byte(s)
}

// scrubMetadata masks, in a Secret, a reported value that may hold the last-applied
// annotation, and with it the Secret's data: the annotation itself, or all of metadata or
// metadata.annotations when they are reported whole.
func scrubMetadata(key []byte, p Path, v any) any {
	if v == nil || len(p) == 0 || p[0].Kind != FieldSegment || p[0].Name != "metadata" {
		return v
	}
	switch {
	case len(p) == 1:
	case p[1].Kind != FieldSegment || p[1].Name != "annotations":
		return v
	case len(p) == 2:
	case p[2].Kind != FieldSegment || p[2].Name != lastApplied:
		return v
	}
	return Redact(key, []byte(fmt.Sprint(v)))
}
