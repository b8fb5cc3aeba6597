package diff

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/gitops-drift/gitops-drift/test/secrettest"
)

func hmacHex(key []byte, s string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(s))
	return hex.EncodeToString(mac.Sum(nil))
}

// TestRedactResistsBruteForce reports a Secret whose values are 6-digit PINs, with a random
// key as the CLI and the auditor use, and brute-forces the digits shown: of 10^6 candidates,
// none matches. The same attack recovers a PIN from the unkeyed hash gitops-drift used to
// show (the first 8 hex digits of SHA-256), so the test can fail.
func TestRedactResistsBruteForce(t *testing.T) {
	if testing.Short() {
		t.Skip("hashes 10^6 candidates several ways")
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	desired := secret("data", item("pin", b64("493817")))
	live := secret("data", item("pin", b64("720394")))
	out := fmt.Sprint(Compare(desired, live, Options{SecretKey: key}))
	shown := secrettest.Digits(out)
	if len(shown) != 2 {
		t.Fatalf("want 2 redacted values with digits in %s", out)
	}
	for _, d := range shown {
		if len(d) < 16 {
			t.Errorf("only %d hex digits shown (%s): chance matches of 10^6 guesses become likely", len(d), d)
		}
	}
	for _, pin := range []string{"493817", "720394", b64("493817"), b64("720394")} {
		if strings.Contains(out, pin) {
			t.Errorf("%s shows %q", out, pin)
		}
	}
	sum := sha256.Sum256([]byte("493817"))
	old := hex.EncodeToString(sum[:4])
	found := secrettest.BrutePINs(append(shown, old))
	if found[old] != "493817" {
		t.Errorf("the brute force did not recover the PIN from its unkeyed hash %s (got %q): the test proves nothing", old, found[old])
	}
	delete(found, old)
	if len(found) > 0 {
		t.Errorf("brute force recovered %v from %s", found, out)
	}
}
