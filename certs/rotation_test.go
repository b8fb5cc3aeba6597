package certs

import (
	"bytes"
	"crypto/x509"
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// clock is a settable time for Renew.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// view is what the tests compare of a Stored: which CAs the bundle holds (by index of
// appearance in the test), which one signs, and which serving certificate is in force.
type view struct {
	Bundle   []string
	SignedBy string
	Cert     string
}

// namer gives each distinct certificate a short name in order of appearance: ca1, ca2, ...
// and cert1, cert2, ...
type namer struct {
	names map[string]string
	n     map[string]int
}

func (n *namer) name(kind string, c *x509.Certificate) string {
	if n.names == nil {
		n.names, n.n = map[string]string{}, map[string]int{}
	}
	if s, ok := n.names[string(c.Raw)]; ok {
		return s
	}
	n.n[kind]++
	s := kind + string(rune('0'+n.n[kind]))
	n.names[string(c.Raw)] = s
	return s
}

func (n *namer) view(t *testing.T, s Stored) view {
	t.Helper()
	var v view
	bundle, err := parseCerts(s.CABundle)
	if err != nil || len(bundle) == 0 {
		t.Fatalf("CA bundle: %d certificates, %v", len(bundle), err)
	}
	for _, c := range bundle {
		v.Bundle = append(v.Bundle, n.name("ca", c))
	}
	signer, _, err := (&Authority{Cert: encodeCert(bundle[0].Raw), Key: s.CAKey}).parse()
	if err != nil {
		t.Fatalf("signing CA: %v", err)
	}
	cert := parse(t, s.Cert)
	v.Cert = n.name("cert", cert)
	if cert.CheckSignatureFrom(signer) == nil {
		v.SignedBy = v.Bundle[0]
	} else {
		for _, c := range bundle[1:] {
			if cert.CheckSignatureFrom(c) == nil {
				v.SignedBy = n.name("ca", c)
			}
		}
	}
	return v
}

func TestRenew(t *testing.T) {
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	opts := func(c *clock) RenewOptions {
		return RenewOptions{DNSNames: []string{"svc.ns.svc"}, IPs: []net.IP{net.ParseIP("127.0.0.1")}, CAValidity: 300 * time.Hour, CertValidity: 30 * time.Hour, Now: c.Now}
	}
	// Each step moves the clock to at (from start), calls Renew with the bundle the API
	// server trusts (the previous step's, or what the step says), and checks the result.
	type step struct {
		at      time.Duration
		trusted string // "previous" (the last stored bundle), "same" (this result's), or "none"
		want    view
	}
	tests := map[string][]step{
		"first start issues a CA and a certificate at once": {
			{at: 0, trusted: "none", want: view{Bundle: []string{"ca1"}, SignedBy: "ca1", Cert: "cert1"}},
		},
		"nothing to do while valid": {
			{at: 0, trusted: "same", want: view{Bundle: []string{"ca1"}, SignedBy: "ca1", Cert: "cert1"}},
			{at: 15 * time.Hour, trusted: "previous", want: view{Bundle: []string{"ca1"}, SignedBy: "ca1", Cert: "cert1"}},
		},
		"the certificate is renewed with a third of its life left, by the same CA": {
			{at: 0, trusted: "same", want: view{Bundle: []string{"ca1"}, SignedBy: "ca1", Cert: "cert1"}},
			{at: 20 * time.Hour, trusted: "previous", want: view{Bundle: []string{"ca1"}, SignedBy: "ca1", Cert: "cert2"}},
		},
		"a new CA is trusted before it signs": {
			{at: 0, trusted: "same", want: view{Bundle: []string{"ca1"}, SignedBy: "ca1", Cert: "cert1"}},
			{at: 190 * time.Hour, trusted: "previous", want: view{Bundle: []string{"ca1"}, SignedBy: "ca1", Cert: "cert2"}},
			// 2/3 of the CA's 300h gone: a new CA in front, the old one kept, the
			// certificate (due too) kept until the API server trusts the new CA.
			{at: 210 * time.Hour, trusted: "previous", want: view{Bundle: []string{"ca2", "ca1"}, SignedBy: "ca1", Cert: "cert2"}},
			{at: 210 * time.Hour, trusted: "previous", want: view{Bundle: []string{"ca2", "ca1"}, SignedBy: "ca2", Cert: "cert3"}},
			// The old CA leaves the bundle once it has expired.
			{at: 300 * time.Hour, trusted: "previous", want: view{Bundle: []string{"ca2"}, SignedBy: "ca2", Cert: "cert4"}},
		},
		"a certificate that cannot be served is replaced even before its CA is trusted": {
			{at: 0, trusted: "same", want: view{Bundle: []string{"ca1"}, SignedBy: "ca1", Cert: "cert1"}},
			{at: 220 * time.Hour, trusted: "previous", want: view{Bundle: []string{"ca2", "ca1"}, SignedBy: "ca2", Cert: "cert2"}},
		},
	}
	for name, steps := range tests {
		t.Run(name, func(t *testing.T) {
			c := &clock{now: start}
			var n namer
			var s Stored
			var last view
			for i, st := range steps {
				c.now = start.Add(st.at)
				trusted := s.CABundle
				if st.trusted == "none" {
					trusted = nil
				}
				prev := s
				var err error
				if s, err = Renew(s, trusted, opts(c)); err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if st.trusted == "same" {
					if s, err = Renew(s, s.CABundle, opts(c)); err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
				}
				got := n.view(t, s)
				if diff := cmp.Diff(st.want, got); diff != "" {
					t.Errorf("step %d at +%s (-want +got):\n%s", i, st.at, diff)
				}
				if i > 0 && s.Equal(prev) != cmp.Equal(last, got) {
					t.Errorf("step %d: Equal(previous) is %t; the views were equal: %t", i, s.Equal(prev), cmp.Equal(last, got))
				}
				last = got
			}
		})
	}
}

func TestRenewNeedsAName(t *testing.T) {
	if _, err := Renew(Stored{}, nil, RenewOptions{}); err == nil {
		t.Error("Renew without names succeeded")
	}
}

func TestRenewReplacesGarbage(t *testing.T) {
	s, err := Renew(Stored{CABundle: []byte("not PEM"), CAKey: []byte("x"), Cert: []byte("y"), Key: []byte("z")}, nil, RenewOptions{DNSNames: []string{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	ca, cert := parse(t, s.CABundle), parse(t, s.Cert)
	if err := cert.CheckSignatureFrom(ca); err != nil || !bytes.Contains(s.CAKey, []byte("PRIVATE KEY")) {
		t.Errorf("replaced material does not hold together: %v", err)
	}
}
