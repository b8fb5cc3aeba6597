package e2e

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gitops-drift/gitops-drift/certs"
)

// TestTransportSecurity: serve's HTTPS servers, the webhook's and the secure metrics server's,
// refuse TLS 1.1 and a TLS 1.2 client that offers CBC suites only, answer an h2 ALPN offer
// with http/1.1, and serve a certificate replaced in --cert-dir or --metrics-cert-dir without
// a restart.
func TestTransportSecurity(t *testing.T) {
	e := setup(t)
	ns := e.Namespace(t)
	webhookCerts, metricsCerts := t.TempDir(), t.TempDir()
	writeCerts(t, webhookCerts)
	writeCerts(t, metricsCerts)
	w := startServe(t, e, ns, desiredApps, "--no-audit", "--cert-dir", webhookCerts, "--metrics-secure", "--metrics-cert-dir", metricsCerts)
	servers := []struct {
		name string
		port int
		dir  string
	}{{"webhook", w.port, webhookCerts}, {"metrics", w.metrics, metricsCerts}}
	cbc := []uint16{
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
		tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
	}
	handshakes := []struct {
		name    string
		client  *tls.Config
		wantErr string // in the handshake's error; "" for success
		want    string // ALPN's protocol
	}{
		{name: "TLS 1.1", client: &tls.Config{MinVersion: tls.VersionTLS11, MaxVersion: tls.VersionTLS11}, wantErr: "protocol version not supported"},
		{name: "TLS 1.2 CBC only", client: &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: cbc}, wantErr: "handshake failure"},
		{name: "TLS 1.2 AES-GCM, h2 offered", client: &tls.Config{MaxVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}}, want: "http/1.1"},
		{name: "TLS 1.3, h2 offered", client: &tls.Config{NextProtos: []string{"h2", "http/1.1"}}, want: "http/1.1"},
	}
	for _, srv := range servers {
		for _, hs := range handshakes {
			t.Run(srv.name+"/"+hs.name, func(t *testing.T) {
				state, err := handshake(srv.port, hs.client)
				switch {
				case hs.wantErr != "" && (err == nil || !strings.Contains(err.Error(), hs.wantErr)):
					t.Errorf("handshake error %v, want %q", err, hs.wantErr)
				case hs.wantErr == "" && err != nil:
					t.Errorf("handshake: %v", err)
				case hs.wantErr == "" && state.NegotiatedProtocol != hs.want:
					t.Errorf("ALPN negotiated %q, want %q", state.NegotiatedProtocol, hs.want)
				}
			})
		}
	}

	pid := w.cmd.Process.Pid
	for _, srv := range servers {
		before := servedSerial(t, srv.port)
		want := writeCerts(t, srv.dir)
		start := time.Now()
		w.poll("the "+srv.name+" server to serve the new certificate", 30*time.Second, func() bool { return servedSerial(t, srv.port) == want })
		t.Logf("%s: certificate %s replaced by %s, served %s after the files changed", srv.name, before, want, time.Since(start).Round(time.Millisecond))
	}
	if w.cmd.Process.Pid != pid || w.cmd.ProcessState != nil {
		t.Errorf("serve restarted or exited: %v", w.cmd.ProcessState)
	}
}

// writeCerts writes a new CA-signed certificate for 127.0.0.1 into dir, as cert-manager's
// renewal does (each file replaced whole), and returns its serial number.
func writeCerts(t *testing.T, dir string) string {
	t.Helper()
	b, err := certs.Generate(certs.Options{IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{certs.KeyFile: b.Key, certs.CertFile: b.Cert} {
		tmp := filepath.Join(dir, "."+name+".tmp")
		if err := os.WriteFile(tmp, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	block, _ := pem.Decode(b.Cert)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert.SerialNumber.String()
}

// handshake makes a TLS handshake with 127.0.0.1:port as client (the certificate is not
// verified: only what the server accepts matters here).
func handshake(port int, client *tls.Config) (tls.ConnectionState, error) {
	cfg := client.Clone()
	cfg.InsecureSkipVerify = true
	d := &net.Dialer{Timeout: 5 * time.Second}
	conn, err := tls.DialWithDialer(d, "tcp", fmt.Sprintf("127.0.0.1:%d", port), cfg)
	if err != nil {
		return tls.ConnectionState{}, err
	}
	defer conn.Close()
	return conn.ConnectionState(), nil
}

// servedSerial returns the serial number of the certificate served on 127.0.0.1:port.
func servedSerial(t *testing.T, port int) string {
	t.Helper()
	state, err := handshake(port, &tls.Config{})
	if err != nil {
		t.Fatalf("handshake with port %d: %v", port, err)
	}
	return state.PeerCertificates[0].SerialNumber.String()
}
