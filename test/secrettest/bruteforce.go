package secrettest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"regexp"
	"strconv"
	"strings"
)

// digitsRe matches a redacted value with hex digits: <redacted hmac:...>, <redacted sha256:...>.
var digitsRe = regexp.MustCompile(`<redacted [a-z0-9-]+:([0-9a-f]+)>`)

// Digits returns the hex digits of every redacted value in s.
func Digits(s string) []string {
	var out []string
	for _, m := range digitsRe.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// Candidates is the number of guesses BrutePINs tries: every 6-digit PIN.
const Candidates = 1_000_000

// BrutePINs hashes every 6-digit PIN the ways an attacker without the key would (SHA-256 of
// the value and of its base64 form, HMAC-SHA-256 under an empty or a guessable key) and
// returns, for each of shown (hex digits, as Digits gives them) that a digest starts with,
// the PIN that gave it.
func BrutePINs(shown []string) map[string]string {
	want := make([][]byte, 0, len(shown))
	for _, s := range shown {
		b, err := hex.DecodeString(s[:len(s)/2*2])
		if err == nil && len(b) > 0 {
			want = append(want, b)
		}
	}
	hashes := []hash.Hash{sha256.New(), hmac.New(sha256.New, nil), hmac.New(sha256.New, []byte("gitops-drift")), hmac.New(sha256.New, []byte("secret"))}
	found := map[string]string{}
	pin := make([]byte, 0, 6)
	b64 := make([]byte, base64.StdEncoding.EncodedLen(6))
	var sum []byte
	for n := range Candidates {
		pin = strconv.AppendInt(pin[:0], int64(n+Candidates), 10)[1:] // zero-padded
		base64.StdEncoding.Encode(b64, pin)
		for i, h := range hashes {
			for _, in := range [][]byte{pin, b64} {
				if i > 0 && len(in) != len(pin) {
					continue // HMACs of the PIN itself only
				}
				h.Reset()
				h.Write(in)
				sum = h.Sum(sum[:0])
				for j, w := range want {
					if strings.HasPrefix(string(sum), string(w)) {
						found[shown[j]] = string(pin)
					}
				}
			}
		}
	}
	return found
}
