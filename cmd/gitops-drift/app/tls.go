package app

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"

	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/gitops-drift/gitops-drift/certs"
	"github.com/gitops-drift/gitops-drift/pkg/metricsauth"
)

// aeadCipherSuites returns the TLS 1.2 cipher suites serve accepts: ECDHE key exchange with
// AES-GCM or ChaCha20-Poly1305, the AEAD suites; no CBC, no RSA key exchange. TLS 1.3's
// suites are all AEAD, and Go does not let them be chosen.
func aeadCipherSuites() []uint16 {
	return []uint16{
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	}
}

// hardenTLS returns the TLS settings of serve's HTTPS servers (the webhook's, and the metrics
// server's with --metrics-secure): TLS 1.2 or later, AEAD cipher suites only, and HTTP/1.1
// only unless http2 (--enable-http2): kubebuilder turns HTTP/2 off by default since the
// rapid-reset attack, CVE-2023-44487.
func hardenTLS(http2 bool) func(*tls.Config) {
	return func(c *tls.Config) {
		c.MinVersion = tls.VersionTLS12
		c.CipherSuites = aeadCipherSuites()
		c.NextProtos = []string{"http/1.1"}
		if http2 {
			c.NextProtos = []string{"h2", "http/1.1"}
		}
	}
}

// metricsServer returns the options of the metrics server, which also serves extra
// (/git/refresh). Without --metrics-secure: plain HTTP, no authentication. With it: HTTPS
// (hardenTLS), the certificate of --metrics-cert-dir (reloaded when it changes) or else a
// self-signed one made at start, and every path behind metricsauth's filter, which does what
// controller-runtime's does for kubebuilder projects without linking k8s.io/apiserver: the
// caller's bearer token is authenticated with a TokenReview and its request (the path, as a
// non-resource URL, and the method as the verb: get /metrics, post /git/refresh) authorized
// with a SubjectAccessReview.
func (o *ServeOptions) metricsServer(extra map[string]http.Handler) (metricsserver.Options, error) {
	opts := metricsserver.Options{BindAddress: o.MetricsBindAddress, ExtraHandlers: extra}
	if !o.MetricsSecure || o.MetricsBindAddress == "0" {
		return opts, nil
	}
	opts.SecureServing = true
	opts.FilterProvider = metricsauth.WithAuthenticationAndAuthorization
	opts.TLSOpts = []func(*tls.Config){hardenTLS(o.EnableHTTP2)}
	if o.MetricsCertDir != "" {
		// controller-runtime's metrics server watches the files when both exist, and falls
		// back to a self-signed certificate, unannounced, when they do not.
		for _, name := range []string{certs.CertFile, certs.KeyFile} {
			if _, err := os.Stat(filepath.Join(o.MetricsCertDir, name)); err != nil {
				return opts, fmt.Errorf("--metrics-cert-dir: %w", err)
			}
		}
		opts.CertDir = o.MetricsCertDir
		return opts, nil
	}
	cert, err := selfSigned()
	if err != nil {
		return opts, err
	}
	opts.TLSOpts = append(opts.TLSOpts, func(c *tls.Config) {
		c.GetCertificate = func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return &cert, nil }
	})
	return opts, nil
}

// selfSigned returns a certificate for the metrics server when --metrics-cert-dir is not set:
// for this host's name, localhost and 127.0.0.1, signed by a CA thrown away at once. It
// encrypts the scrape; a scraper cannot verify it (Prometheus: insecure_skip_verify).
func selfSigned() (tls.Certificate, error) {
	names := []string{"localhost"}
	if h, err := os.Hostname(); err == nil && h != "" && h != "localhost" {
		names = append([]string{h}, names...)
	}
	b, err := certs.Generate(certs.Options{DNSNames: names, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("self-signed metrics certificate: %w", err)
	}
	cert, err := tls.X509KeyPair(b.Cert, b.Key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("self-signed metrics certificate: %w", err)
	}
	return cert, nil
}
