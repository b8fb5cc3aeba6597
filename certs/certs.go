package certs

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// File names written by Bundle.Write, as controller-runtime's webhook server and cert-manager's
// Secrets name them.
const (
	CAFile   = "ca.crt"
	CertFile = "tls.crt"
	KeyFile  = "tls.key"
)

// Options describe the serving certificate to create.
type Options struct {
	// DNSNames are the names the certificate is valid for, such as
	// "gitops-drift-webhook.drift-system.svc". The first one is also the subject's common name.
	// At least one DNS name or IP is required.
	DNSNames []string
	// IPs are the IP addresses the certificate is valid for, such as 127.0.0.1 for local runs.
	IPs []net.IP
	// Validity is how long the CA and the certificate are valid. Defaults to one year.
	Validity time.Duration
	// Now is the start of validity. Defaults to time.Now; the certificates are valid from an
	// hour before it (a tenth of Validity, when shorter), to allow for clock skew.
	Now func() time.Time
}

// Bundle is PEM-encoded TLS material: the CA certificate (the webhook configuration's
// caBundle), and the serving certificate and its private key. The CA's private key is
// discarded once the certificate is signed: a new certificate means a new CA.
type Bundle struct {
	CA   []byte
	Cert []byte
	Key  []byte
}

// Generate creates a CA and a serving certificate signed by it, both valid for
// opts.Validity.
func Generate(opts Options) (*Bundle, error) {
	if len(opts.DNSNames) == 0 && len(opts.IPs) == 0 {
		return nil, errors.New("certificate needs at least one DNS name or IP address")
	}
	opts = opts.withDefaults()
	ca, err := NewAuthority(opts.Validity, opts.Now())
	if err != nil {
		return nil, err
	}
	return ca.Issue(opts)
}

func (opts Options) withDefaults() Options {
	if opts.Validity <= 0 {
		opts.Validity = 365 * 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return opts
}

// Authority is a CA that signs serving certificates: its certificate and its private key
// (PKCS #8), PEM-encoded.
type Authority struct {
	Cert []byte
	Key  []byte
}

// NewAuthority creates a self-signed CA valid for validity from an hour before now (a tenth
// of validity, when shorter).
func NewAuthority(validity time.Duration, now time.Time) (*Authority, error) {
	notBefore := now.Add(-skew(validity))
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate CA key: %w", err)
	}
	caTemplate := &x509.Certificate{
		Subject:               pkix.Name{CommonName: "gitops-drift webhook CA"},
		NotBefore:             notBefore,
		NotAfter:              notBefore.Add(validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	_, caDER, err := sign(caTemplate, nil, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("sign CA: %w", err)
	}
	keyPEM, err := encodeKey(caKey)
	if err != nil {
		return nil, fmt.Errorf("encode CA key: %w", err)
	}
	return &Authority{Cert: encodeCert(caDER), Key: keyPEM}, nil
}

// Issue signs a serving certificate for opts' names, valid for opts.Validity from an hour
// before opts.Now (a tenth of Validity, when shorter), but never beyond the CA's own
// validity. The Bundle's CA is a's
// certificate.
func (a *Authority) Issue(opts Options) (*Bundle, error) {
	if len(opts.DNSNames) == 0 && len(opts.IPs) == 0 {
		return nil, errors.New("certificate needs at least one DNS name or IP address")
	}
	opts = opts.withDefaults()
	caCert, caKey, err := a.parse()
	if err != nil {
		return nil, err
	}
	notBefore := opts.Now().Add(-skew(opts.Validity))
	notAfter := notBefore.Add(opts.Validity)
	if notAfter.After(caCert.NotAfter) {
		notAfter = caCert.NotAfter
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate serving key: %w", err)
	}
	cn := "gitops-drift-webhook"
	if len(opts.DNSNames) > 0 {
		cn = opts.DNSNames[0]
	}
	template := &x509.Certificate{
		Subject:     pkix.Name{CommonName: cn},
		DNSNames:    opts.DNSNames,
		IPAddresses: opts.IPs,
		NotBefore:   notBefore,
		NotAfter:    notAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	_, certDER, err := sign(template, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("sign serving certificate: %w", err)
	}
	keyPEM, err := encodeKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode serving key: %w", err)
	}
	return &Bundle{CA: a.Cert, Cert: encodeCert(certDER), Key: keyPEM}, nil
}

// skew is how long before now a certificate of this validity starts: an hour, for clocks
// that are behind, or a tenth of the validity if that is shorter.
func skew(validity time.Duration) time.Duration {
	return min(time.Hour, validity/10)
}

// parse returns the CA's certificate and key.
func (a *Authority) parse() (*x509.Certificate, *ecdsa.PrivateKey, error) {
	certs, err := parseCerts(a.Cert)
	if err != nil || len(certs) != 1 || !certs[0].IsCA {
		return nil, nil, fmt.Errorf("CA certificate: want one CA certificate in PEM (%v)", err)
	}
	block, _ := pem.Decode(a.Key)
	if block == nil {
		return nil, nil, errors.New("CA key: no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("CA key: %w", err)
	}
	key, ok := k.(*ecdsa.PrivateKey)
	if !ok || !key.PublicKey.Equal(certs[0].PublicKey) {
		return nil, nil, errors.New("CA key: not the key of the CA certificate")
	}
	return certs[0], key, nil
}

func encodeCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func encodeKey(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// parseCerts returns every CERTIFICATE block of data, in order.
func parseCerts(data []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return out, nil
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
}

// sign signs template with signerKey as parent (template itself when parent is nil) and
// returns the parsed certificate and its DER.
func sign(template, parent *x509.Certificate, pub *ecdsa.PublicKey, signerKey *ecdsa.PrivateKey) (*x509.Certificate, []byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, nil, fmt.Errorf("serial number: %w", err)
	}
	template.SerialNumber = serial
	if parent == nil {
		parent = template
	}
	der, err := x509.CreateCertificate(rand.Reader, template, parent, pub, signerKey)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	return cert, der, nil
}

// Write writes ca.crt, tls.crt and tls.key into dir, creating it if needed. Each file is
// written to a temporary name and renamed, so a server watching the directory never reads
// half a file; the key is readable by its owner only. tls.key is written before tls.crt, so a
// watcher that reloads on tls.crt finds the matching key.
func (b *Bundle) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	for _, f := range []struct {
		name string
		data []byte
		mode os.FileMode
	}{
		{CAFile, b.CA, 0o644},
		{KeyFile, b.Key, 0o600},
		{CertFile, b.Cert, 0o644},
	} {
		if err := writeFile(filepath.Join(dir, f.name), f.data, f.mode); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, err = tmp.Write(data)
	err = errors.Join(err, tmp.Chmod(mode), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return errors.Join(fmt.Errorf("write %s: %w", path, err), os.Remove(tmp.Name()))
	}
	return nil
}
