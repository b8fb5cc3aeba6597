package certs

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestGenerateServesTLS(t *testing.T) {
	b, err := Generate(Options{DNSNames: []string{"gitops-drift-webhook.drift-system.svc"}, IPs: []net.IP{net.ParseIP("127.0.0.1")}})
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.X509KeyPair(b.Cert, b.Key)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	srv.StartTLS()
	defer srv.Close()

	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b.CA) {
		t.Fatal("ca.crt holds no certificate")
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(srv.URL) // https://127.0.0.1:PORT: verified against the CA and the IP SAN
	if err != nil {
		t.Fatalf("TLS with the generated CA: %v", err)
	}
	_ = resp.Body.Close()
}

func TestGenerateCertificate(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	b, err := Generate(Options{DNSNames: []string{"a.example", "b.example"}, Validity: 48 * time.Hour, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	cert := parse(t, b.Cert)
	ca := parse(t, b.CA)
	if cert.Subject.CommonName != "a.example" || len(cert.DNSNames) != 2 || cert.IsCA {
		t.Errorf("serving certificate: CN %q, DNS names %v, IsCA %v", cert.Subject.CommonName, cert.DNSNames, cert.IsCA)
	}
	if !ca.IsCA {
		t.Error("CA certificate is not a CA")
	}
	if err := cert.CheckSignatureFrom(ca); err != nil {
		t.Errorf("serving certificate not signed by the CA: %v", err)
	}
	if want := now.Add(-time.Hour); !cert.NotBefore.Equal(want) || !cert.NotAfter.Equal(want.Add(48*time.Hour)) {
		t.Errorf("validity %s to %s, want 48h from %s", cert.NotBefore, cert.NotAfter, want)
	}
	if _, err := x509.ParsePKCS8PrivateKey(block(t, b.Key).Bytes); err != nil {
		t.Errorf("tls.key: %v", err)
	}
}

func TestGenerateNeedsAName(t *testing.T) {
	if _, err := Generate(Options{}); err == nil {
		t.Error("Generate without names succeeded")
	}
}

func TestWrite(t *testing.T) {
	b, err := Generate(Options{DNSNames: []string{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "certs")
	if err := b.Write(dir); err != nil {
		t.Fatal(err)
	}
	for name, mode := range map[string]os.FileMode{CAFile: 0o644, CertFile: 0o644, KeyFile: 0o600} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != mode {
			t.Errorf("%s mode %v, want %v", name, info.Mode().Perm(), mode)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("dir holds %d files, want 3 (no temporary files left)", len(entries))
	}
	if _, err := tls.LoadX509KeyPair(filepath.Join(dir, CertFile), filepath.Join(dir, KeyFile)); err != nil {
		t.Errorf("written pair does not load: %v", err)
	}
}

func parse(t *testing.T, data []byte) *x509.Certificate {
	t.Helper()
	c, err := x509.ParseCertificate(block(t, data).Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func block(t *testing.T, data []byte) *pem.Block {
	t.Helper()
	b, _ := pem.Decode(data)
	if b == nil {
		t.Fatal("no PEM block")
	}
	return b
}
