package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gitops-drift/gitops-drift/certs"
)

// CertsOptions are the flags of `gitops-drift certs`.
type CertsOptions struct {
	// Out is the directory to write ca.crt, tls.crt and tls.key to. Required.
	Out string
	// DNSNames are the certificate's DNS names. At least one DNS name or IP is required.
	DNSNames []string
	// IPs are the certificate's IP addresses, such as 127.0.0.1 for a local webhook.
	IPs []string
	// Validity is how long the certificates are valid. Defaults to 8760h (a year).
	Validity time.Duration
}

// NewCertsOptions returns the options with their defaults.
func NewCertsOptions() *CertsOptions {
	return &CertsOptions{Validity: 365 * 24 * time.Hour}
}

// BindFlags registers the options' flags on fs.
func (o *CertsOptions) BindFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Out, "out", o.Out, "directory to write ca.crt, tls.crt and tls.key to; required")
	fs.StringArrayVar(&o.DNSNames, "dns-name", o.DNSNames, "DNS name of the webhook, e.g. gitops-drift-webhook.drift-system.svc (repeatable)")
	fs.StringArrayVar(&o.IPs, "ip", o.IPs, "IP address of the webhook, e.g. 127.0.0.1 (repeatable)")
	fs.DurationVar(&o.Validity, "validity", o.Validity, "how long the CA and certificate are valid")
}

// Validate reports options that cannot work.
func (o *CertsOptions) Validate() error {
	var errs []error
	if o.Out == "" {
		errs = append(errs, errors.New("--out is required"))
	}
	if len(o.DNSNames) == 0 && len(o.IPs) == 0 {
		errs = append(errs, errors.New("give at least one --dns-name or --ip"))
	}
	if _, err := o.ips(); err != nil {
		errs = append(errs, err)
	}
	if o.Validity <= 0 {
		errs = append(errs, fmt.Errorf("--validity %s: must be positive", o.Validity))
	}
	return errors.Join(errs...)
}

func (o *CertsOptions) ips() ([]net.IP, error) {
	var out []net.IP
	for _, s := range o.IPs {
		ip := net.ParseIP(s)
		if ip == nil {
			return nil, fmt.Errorf("--ip %q: not an IP address", s)
		}
		out = append(out, ip)
	}
	return out, nil
}

// newCertsCommand returns `gitops-drift certs`. run is called with the validated options.
func newCertsCommand(streams IOStreams, run func(context.Context, IOStreams, *CertsOptions) error) *cobra.Command {
	return withOptions(&cobra.Command{
		Use:   "certs --out DIR --dns-name NAME [--dns-name NAME...] [--ip IP...]",
		Short: "Write a CA and a serving certificate for the webhook (for clusters without cert-manager)",
		Long: "certs writes ca.crt (the webhook configuration's caBundle), tls.crt and tls.key (the\n" +
			"files `serve --cert-dir` reads) into --out. The CA's key is not kept: to renew, run certs\n" +
			"again and update both the Secret and the caBundle. See certs/README.md.",
	}, streams, NewCertsOptions(), run)
}

// RunCerts generates the certificates and writes them.
func RunCerts(_ context.Context, streams IOStreams, o *CertsOptions) error {
	ips, _ := o.ips() // checked by Validate
	b, err := certs.Generate(certs.Options{DNSNames: o.DNSNames, IPs: ips, Validity: o.Validity})
	if err != nil {
		return withCode(ExitError, err)
	}
	if err := b.Write(o.Out); err != nil {
		return withCode(ExitError, err)
	}
	for _, name := range []string{certs.CAFile, certs.CertFile, certs.KeyFile} {
		fmt.Fprintln(streams.Out, filepath.Join(o.Out, name))
	}
	return nil
}
