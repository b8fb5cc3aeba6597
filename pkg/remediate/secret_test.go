package remediate_test

import (
	"encoding/base64"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/test/drifttest"
)

// TestSecretStringData remediates a Secret whose Git manifest spells its keys under
// stringData (next to a data key), after kubectl patch changed two of them through data, one
// of which the check ignores: whichever way Git was applied, each strategy restores the
// other, reported as Git spells it; nothing drifts after; the ignored key keeps its live
// value, and the data key Git spells under data its Git value.
func TestSecretStringData(t *testing.T) {
	const manifests = `
apiVersion: v1
kind: Secret
metadata: {name: creds}
data: {ca.crt: Y2EtZ2l0}
stringData: {password: pw-git, token: tk-git}
`
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, mode := range []string{"client-side", "server-side"} {
		for _, s := range strategies {
			t.Run(mode+"/"+string(s), func(t *testing.T) {
				t.Parallel()
				f := newFixture(t, manifests)
				if mode == "server-side" {
					f.Kubectl(t, "apply", "--server-side", "-f", f.Dir)
				} else {
					f.Kubectl(t, "apply", "-f", f.Dir)
				}
				f.Kubectl(t, "patch", "secret/creds", "-p", `{"data":{"password":"`+b64("pw-live")+`","token":"`+b64("tk-live")+`"}}`)

				r := f.remediate(t, s, nil, "stringData.token")
				if diff := cmp.Diff([]string{"Secret/creds stringData.password"}, restored(r)); diff != "" {
					t.Errorf("restored fields (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff([]string{}, drifttest.Drifted(f.Check(t, "stringData.token"))); diff != "" {
					t.Errorf("drift after remediation (-want +got):\n%s", diff)
				}
				want := map[string]any{`data["ca.crt"]`: "Y2EtZ2l0", "data.password": b64("pw-git"), "data.token": b64("tk-live")}
				if diff := cmp.Diff(want, values(t, f, []string{`data["ca.crt"]`, "data.password", "data.token"})); diff != "" {
					t.Errorf("live data (-want +got):\n%s", diff)
				}
			})
		}
	}
}
