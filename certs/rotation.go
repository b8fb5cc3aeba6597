package certs

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"slices"
	"time"
)

// CAKeyFile names the signing CA's key where Stored material is kept in a Secret; its CA
// bundle goes under CAFile, its serving pair under CertFile and KeyFile.
const CAKeyFile = "ca.key"

// Stored is the TLS material a webhook that manages its own certificates keeps (in a Secret,
// so that its replicas share it), all PEM-encoded.
type Stored struct {
	// CABundle is what the API server must trust: the signing CA first, then older CAs that
	// are still valid, so that a certificate they signed is trusted until it is replaced.
	CABundle []byte
	// CAKey is the signing CA's private key.
	CAKey []byte
	// Cert and Key are the serving certificate, signed by the signing CA, and its key.
	Cert, Key []byte
}

// Equal reports whether s and o hold the same bytes.
func (s Stored) Equal(o Stored) bool {
	return bytes.Equal(s.CABundle, o.CABundle) && bytes.Equal(s.CAKey, o.CAKey) &&
		bytes.Equal(s.Cert, o.Cert) && bytes.Equal(s.Key, o.Key)
}

// RenewOptions configure Renew.
type RenewOptions struct {
	// DNSNames and IPs are the names the serving certificate must be valid for. At least one
	// is required.
	DNSNames []string
	IPs      []net.IP
	// CAValidity is how long a new CA is valid. Defaults to ten years.
	CAValidity time.Duration
	// CertValidity is how long a new serving certificate is valid (never beyond its CA).
	// Defaults to one year.
	CertValidity time.Duration
	// Now is the time to judge validity at. Defaults to time.Now.
	Now func() time.Time
}

func (o RenewOptions) withDefaults() RenewOptions {
	if o.CAValidity <= 0 {
		o.CAValidity = 10 * 365 * 24 * time.Hour
	}
	if o.CertValidity <= 0 {
		o.CertValidity = 365 * 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Renew returns the material to store next, given what is stored and the CA bundle the API
// server trusts now (the webhook configuration's caBundle). A certificate is renewed once less
// than a third of its validity is left, or when it is missing or unusable:
//
//   - the CA: a new one goes in front of the bundle, the old ones stay until they expire, so
//     that the serving certificate they signed is still trusted;
//   - the serving certificate: issued by the signing CA only once trusted holds that CA, so
//     that it is never served before the API server trusts it; until then the current one is
//     kept, unless it cannot be served at all (missing, expired, not for these names).
//
// The caller stores the result when it differs (Equal), puts its CABundle into the webhook
// configuration, and calls Renew again with it as trusted.
func Renew(s Stored, trusted []byte, o RenewOptions) (Stored, error) {
	if len(o.DNSNames) == 0 && len(o.IPs) == 0 {
		return s, errors.New("certificate needs at least one DNS name or IP address")
	}
	o = o.withDefaults()
	now := o.Now()
	next := s
	bundle, _ := parseCerts(s.CABundle) // an unreadable bundle is replaced
	ca := &Authority{Key: s.CAKey}
	if len(bundle) > 0 {
		ca.Cert = encodeCert(bundle[0].Raw)
	}
	if caCert, _, err := ca.parse(); err != nil || due(caCert, now) {
		fresh, err := NewAuthority(o.CAValidity, now)
		if err != nil {
			return s, err
		}
		ca, next.CAKey = fresh, fresh.Key
	}
	caCert, _, err := ca.parse()
	if err != nil {
		return s, err
	}
	// The signing CA first, then the others until they expire.
	next.CABundle = ca.Cert
	for _, c := range bundle {
		if now.Before(c.NotAfter) && c.IsCA && !c.Equal(caCert) {
			next.CABundle = append(slices.Clip(next.CABundle), encodeCert(c.Raw)...)
		}
	}
	current := servingCert(s, o, now)
	switch {
	case current != nil && !due(current, now) && current.CheckSignatureFrom(caCert) == nil:
		return next, nil // in force, and signed by the signing CA
	case current != nil && !isTrusted(caCert, trusted):
		return next, nil // keep serving it until the signing CA is trusted
	}
	b, err := ca.Issue(Options{DNSNames: o.DNSNames, IPs: o.IPs, Validity: o.CertValidity, Now: func() time.Time { return now }})
	if err != nil {
		return s, err
	}
	next.Cert, next.Key = b.Cert, b.Key
	return next, nil
}

// due reports whether less than a third of c's validity is left at now.
func due(c *x509.Certificate, now time.Time) bool {
	life := c.NotAfter.Sub(c.NotBefore)
	return !now.Before(c.NotAfter.Add(-life / 3))
}

// servingCert returns s's serving certificate if it can be served at now: its key matches,
// it has not expired, and it is valid for every name of o. Otherwise nil.
func servingCert(s Stored, o RenewOptions, now time.Time) *x509.Certificate {
	if _, err := tls.X509KeyPair(s.Cert, s.Key); err != nil {
		return nil
	}
	certs, err := parseCerts(s.Cert)
	if err != nil || len(certs) == 0 {
		return nil
	}
	c := certs[0]
	if now.Before(c.NotBefore) || !now.Before(c.NotAfter) {
		return nil
	}
	for _, n := range o.DNSNames {
		if !slices.Contains(c.DNSNames, n) {
			return nil
		}
	}
	for _, ip := range o.IPs {
		if !slices.ContainsFunc(c.IPAddresses, ip.Equal) {
			return nil
		}
	}
	return c
}

// isTrusted reports whether the PEM bundle trusted holds ca.
func isTrusted(ca *x509.Certificate, trusted []byte) bool {
	certs, _ := parseCerts(trusted)
	return slices.ContainsFunc(certs, ca.Equal)
}
