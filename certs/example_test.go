package certs_test

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"

	"github.com/gitops-drift/gitops-drift/certs"
)

func ExampleGenerate() {
	b, err := certs.Generate(certs.Options{
		DNSNames: []string{"gitops-drift-webhook.drift-system.svc"},
		IPs:      []net.IP{net.ParseIP("127.0.0.1")},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// b.Write(dir) writes ca.crt, tls.crt and tls.key; here, look at the certificate.
	block, _ := pem.Decode(b.Cert)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cert.DNSNames, cert.IPAddresses)
	// Output:
	// [gitops-drift-webhook.drift-system.svc] [127.0.0.1]
}
