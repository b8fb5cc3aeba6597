package app

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/certs"
	"github.com/gitops-drift/gitops-drift/pkg/desired"
)

// TestHardenTLS handshakes with a server configured by hardenTLS, with the clients the
// transport defaults must refuse and those they must serve.
func TestHardenTLS(t *testing.T) {
	b, err := certs.Generate(certs.Options{IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair(b.Cert, b.Key)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(b.CA)
	cbc := []uint16{
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
		tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
		tls.TLS_RSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_AES_128_GCM_SHA256,
	}
	tests := []struct {
		name    string
		http2   bool
		client  *tls.Config
		wantErr string // in the handshake's error; "" for success
		want    string // the protocol negotiated by ALPN
	}{
		{name: "TLS 1.1", client: &tls.Config{MinVersion: tls.VersionTLS11, MaxVersion: tls.VersionTLS11}, wantErr: "protocol version not supported"},
		{name: "TLS 1.2 CBC or RSA key exchange only", client: &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: cbc}, wantErr: "handshake failure"},
		{name: "TLS 1.2 AES-GCM", client: &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}}},
		{name: "TLS 1.2 ChaCha20-Poly1305", client: &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256}}},
		{name: "TLS 1.3", client: &tls.Config{MinVersion: tls.VersionTLS13}},
		{name: "h2 offered", client: &tls.Config{NextProtos: []string{"h2", "http/1.1"}}, want: "http/1.1"},
		{name: "h2 offered, --enable-http2", http2: true, client: &tls.Config{NextProtos: []string{"h2", "http/1.1"}}, want: "h2"},
		{name: "http/1.1 offered, --enable-http2", http2: true, client: &tls.Config{NextProtos: []string{"http/1.1"}}, want: "http/1.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewUnstartedServer(http.NotFoundHandler())
			srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
			hardenTLS(tt.http2)(srv.TLS)
			srv.StartTLS()
			defer srv.Close()
			client := tt.client.Clone()
			client.RootCAs = pool
			conn, err := tls.Dial("tcp", srv.Listener.Addr().String(), client)
			if tt.wantErr != "" {
				if err == nil {
					conn.Close()
					t.Fatalf("handshake succeeded, want it to fail with %q", tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("handshake error %q, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("handshake: %v", err)
			}
			defer conn.Close()
			if got := conn.ConnectionState().NegotiatedProtocol; got != tt.want {
				t.Errorf("ALPN negotiated %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMetricsServer(t *testing.T) {
	certDir := t.TempDir()
	b, err := certs.Generate(certs.Options{DNSNames: []string{"localhost"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Write(certDir); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		// want: SecureServing, a filter, the cert dir, a certificate of our own
		secure, filter, ownCert bool
		certDir                 string
		wantErr                 string
	}{
		{name: "defaults", secure: true, filter: true, ownCert: true},
		{name: "plain", args: []string{"--metrics-secure=false"}},
		{name: "off", args: []string{"--metrics-bind-address", "0"}},
		{name: "certificate directory", args: []string{"--metrics-cert-dir", certDir}, secure: true, filter: true, certDir: certDir},
		{name: "empty certificate directory", args: []string{"--metrics-cert-dir", t.TempDir()}, wantErr: "--metrics-cert-dir: stat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseServe(t, append([]string{"--manifests", "m"}, tt.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := o.metricsServer(nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.BindAddress != o.MetricsBindAddress || got.SecureServing != tt.secure || (got.FilterProvider != nil) != tt.filter || got.CertDir != tt.certDir {
				t.Errorf("bind %q, secure %v, filter %v, cert dir %q; want %q, %v, %v, %q",
					got.BindAddress, got.SecureServing, got.FilterProvider != nil, got.CertDir, o.MetricsBindAddress, tt.secure, tt.filter, tt.certDir)
			}
			cfg := &tls.Config{}
			for _, opt := range got.TLSOpts {
				opt(cfg)
			}
			if tt.secure && (cfg.MinVersion != tls.VersionTLS12 || !cmp.Equal(cfg.NextProtos, []string{"http/1.1"})) {
				t.Errorf("TLS: min version %x, ALPN %q; want TLS 1.2 and http/1.1 only", cfg.MinVersion, cfg.NextProtos)
			}
			if own := cfg.GetCertificate != nil; own != tt.ownCert {
				t.Errorf("a certificate of serve's own: %v, want %v", own, tt.ownCert)
			}
			if tt.ownCert {
				c, err := cfg.GetCertificate(nil)
				if err != nil || c.Leaf == nil || !cmp.Equal(c.Leaf.IPAddresses[0].String(), "127.0.0.1") {
					t.Errorf("self-signed certificate %+v (%v), want one for 127.0.0.1", c, err)
				}
			}
		})
	}
}

// TestRefreshHandlers: /git/refresh is served with a Git source, by RBAC with secure metrics
// (the secret file ignored), with the secret file with plain ones.
func TestRefreshHandlers(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	git := []string{"--git-url", "https://example.com/r.git"}
	tests := []struct {
		name string
		args []string
		// want: served, and a request without a token let through to the reload
		served, open bool
	}{
		{name: "directory", args: []string{"--manifests", "m"}},
		{name: "Git, secure metrics", args: git, served: true, open: true},
		{name: "Git, secure metrics, secret file", args: append([]string{"--git-refresh-secret-file", secret}, git...), served: true, open: true},
		{name: "Git, plain metrics", args: append([]string{"--metrics-secure=false"}, git...)},
		{name: "Git, plain metrics, secret file", args: append([]string{"--metrics-secure=false", "--git-refresh-secret-file", secret}, git...), served: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseServe(t, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			h := refreshHandlers(o, &desired.Reloader{}, logr.Discard())[desired.RefreshPath]
			if (h != nil) != tt.served {
				t.Fatalf("/git/refresh served: %v, want %v", h != nil, tt.served)
			}
			if h == nil || tt.open {
				return // an open handler would reload: the e2e tests post to it
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, desired.RefreshPath, nil))
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("POST without the secret = %d, want 401", rec.Code)
			}
		})
	}
}
