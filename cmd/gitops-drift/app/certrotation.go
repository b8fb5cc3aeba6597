package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/pflag"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/gitops-drift/gitops-drift/certs"
)

const (
	// defaultCertSecret is the Secret --cert-rotation keeps its material in: the one
	// cert-manager fills in the cert-manager install, so that both modes mount the same name.
	defaultCertSecret = "gitops-drift-webhook-tls"
	// defaultCertValidity is how long a serving certificate of --cert-rotation is valid; its
	// CA is valid ten times as long.
	defaultCertValidity = 365 * 24 * time.Hour
	// certRetryInterval is how soon the rotation is checked again after a failure, or while
	// the webhook configuration is missing.
	certRetryInterval = 5 * time.Second
	// certConflictRetries bounds the attempts of one check when other replicas write the same
	// objects at the same time.
	certConflictRetries = 5
)

// CertRotationOptions are serve's flags for webhook certificates it manages itself, without
// cert-manager.
type CertRotationOptions struct {
	// CertRotation has serve generate the webhook's CA and serving certificate, keep them in
	// the Secret CertSecret (so that every replica serves the same), put the CA bundle into
	// the caBundle of every webhook of --webhook-configuration, write tls.crt and tls.key into
	// --cert-dir, and renew both before they expire (a new CA is trusted before it signs).
	// Every replica checks; writes are safe against each other (resourceVersion
	// preconditions), so no leader is needed. Defaults to false: the files in --cert-dir come
	// from elsewhere (cert-manager).
	CertRotation bool
	// CertSecret is the Secret that holds the material, NAME or NAMESPACE/NAME; it must exist
	// (the chart creates it, empty). Defaults to gitops-drift-webhook-tls in the namespace
	// serve runs in (else drift-system), as the Lease.
	CertSecret string
	// CertHosts are the DNS names and IP addresses the serving certificate is for, such as
	// gitops-drift-webhook.drift-system.svc. Required with CertRotation.
	CertHosts []string
	// CertValidity is how long a serving certificate is valid; the CA is valid ten times as
	// long. Each is renewed with a third of its validity left. Defaults to 8760h (a year).
	CertValidity time.Duration
	// CAValidity overrides the CA's validity (tests). Defaults to ten times CertValidity.
	CAValidity time.Duration
	// CertCheckInterval is how often the material is checked. Defaults to a tenth of
	// CertValidity, at most a minute.
	CertCheckInterval time.Duration
}

// BindFlags registers the options' flags on fs.
func (o *CertRotationOptions) BindFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&o.CertRotation, "cert-rotation", o.CertRotation, "generate and renew the webhook's CA and serving certificate: kept in --cert-secret, the CA put into --webhook-configuration's caBundle, the pair written into --cert-dir (instead of cert-manager)")
	fs.StringVar(&o.CertSecret, "cert-secret", o.CertSecret, "with --cert-rotation: the existing Secret, NAME or NAMESPACE/NAME, that keeps the material for every replica (default "+defaultCertSecret+" in the namespace serve runs in)")
	fs.StringSliceVar(&o.CertHosts, "cert-hosts", o.CertHosts, "with --cert-rotation: comma-separated DNS names and IP addresses of the serving certificate, e.g. gitops-drift-webhook.drift-system.svc")
	fs.DurationVar(&o.CertValidity, "cert-validity", o.CertValidity, "with --cert-rotation: how long a serving certificate is valid; the CA ten times as long; each renewed with a third left (default 8760h)")
}

// Validate reports options that cannot work; noWebhook and webhookConfiguration are serve's.
func (o *CertRotationOptions) Validate(noWebhook bool, webhookConfiguration string) error {
	var errs []error
	if !o.CertRotation {
		if o.CertSecret != "" || len(o.CertHosts) > 0 || o.CertValidity != 0 {
			errs = append(errs, errors.New("--cert-secret, --cert-hosts and --cert-validity need --cert-rotation"))
		}
		return errors.Join(errs...)
	}
	if len(o.CertHosts) == 0 {
		errs = append(errs, errors.New("--cert-rotation: give the certificate's --cert-hosts"))
	}
	if noWebhook {
		errs = append(errs, errors.New("--cert-rotation: --no-webhook serves no certificate"))
	}
	if webhookConfiguration == "" {
		errs = append(errs, errors.New("--cert-rotation puts the CA into --webhook-configuration, which is empty"))
	}
	if o.CertValidity < 0 {
		errs = append(errs, fmt.Errorf("--cert-validity %s: must be positive", o.CertValidity))
	}
	if parts := strings.Split(o.CertSecret, "/"); o.CertSecret != "" && (len(parts) > 2 || slices.Contains(parts, "")) {
		errs = append(errs, fmt.Errorf("--cert-secret %q: want NAME or NAMESPACE/NAME", o.CertSecret))
	}
	return errors.Join(errs...)
}

// secretKey returns the Secret of CertSecret.
func (o *CertRotationOptions) secretKey() types.NamespacedName {
	s := o.CertSecret
	if s == "" {
		s = defaultCertSecret
	}
	if ns, name, ok := strings.Cut(s, "/"); ok {
		return types.NamespacedName{Namespace: ns, Name: name}
	}
	return types.NamespacedName{Namespace: leaderElectionNamespace(""), Name: s} // the namespace serve runs in
}

// renewOptions returns the certificates' names and validities.
func (o *CertRotationOptions) renewOptions() certs.RenewOptions {
	r := certs.RenewOptions{CertValidity: o.CertValidity, CAValidity: o.CAValidity}
	if r.CertValidity == 0 {
		r.CertValidity = defaultCertValidity
	}
	if r.CAValidity == 0 {
		r.CAValidity = 10 * r.CertValidity
	}
	for _, h := range o.CertHosts {
		if ip := net.ParseIP(h); ip != nil {
			r.IPs = append(r.IPs, ip)
		} else {
			r.DNSNames = append(r.DNSNames, h)
		}
	}
	return r
}

// addCertRotation, with --cert-rotation, makes sure --cert-dir holds a serving certificate
// the webhook configuration trusts before the webhook server starts, and adds the check that
// renews it to mgr. Without --cert-rotation it does nothing.
func addCertRotation(ctx context.Context, mgr manager.Manager, o *ServeOptions, log logr.Logger) error {
	if !o.CertRotation {
		return nil
	}
	cs, err := kubernetes.NewForConfig(mgr.GetConfig())
	if err != nil {
		return fmt.Errorf("clientset: %w", err)
	}
	r := newCertRotator(cs, o, log.WithName("certs"))
	if _, err := r.check(ctx); err != nil {
		return fmt.Errorf("webhook certificates: %w", err)
	}
	return mgr.Add(r)
}

// certRotator keeps the webhook's certificates of --cert-rotation: in the Secret, in the
// webhook configuration's caBundle, and in --cert-dir.
type certRotator struct {
	client   kubernetes.Interface
	secret   types.NamespacedName
	config   string // the ValidatingWebhookConfiguration
	certDir  string
	renew    certs.RenewOptions
	interval time.Duration
	log      logr.Logger
}

func newCertRotator(cs kubernetes.Interface, o *ServeOptions, log logr.Logger) *certRotator {
	r := &certRotator{client: cs, secret: o.secretKey(), config: o.WebhookConfiguration, certDir: o.CertDir, renew: o.renewOptions(), interval: o.CertCheckInterval, log: log}
	if r.interval == 0 {
		r.interval = min(time.Minute, r.renew.CertValidity/10)
	}
	return r
}

// NeedLeaderElection is false: every replica writes its own --cert-dir.
func (r *certRotator) NeedLeaderElection() bool { return false }

// Start checks every interval (sooner after a failure) until ctx ends.
func (r *certRotator) Start(ctx context.Context) error {
	wait := r.interval
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		pending, err := r.check(ctx)
		if err != nil {
			r.log.Error(err, "webhook certificates not checked", logSecret, r.secret.String())
		}
		wait = r.interval
		if err != nil || pending {
			wait = min(r.interval, certRetryInterval)
		}
	}
}

// check renews what is due, retrying when another replica wrote the same objects meanwhile.
// pending is true while the webhook configuration is missing: its caBundle is still to set.
func (r *certRotator) check(ctx context.Context) (pending bool, err error) {
	for try := 1; ; try++ {
		pending, err = r.checkOnce(ctx)
		if !apierrors.IsConflict(err) || try == certConflictRetries {
			return pending, err
		}
	}
}

// checkOnce stores what certs.Renew says to (a new CA first), puts the CA bundle into the
// webhook configuration, stores a serving certificate of a CA now trusted, and writes the
// pair into --cert-dir.
func (r *certRotator) checkOnce(ctx context.Context) (pending bool, err error) {
	secrets := r.client.CoreV1().Secrets(r.secret.Namespace)
	secret, err := secrets.Get(ctx, r.secret.Name, metav1.GetOptions{})
	if err != nil {
		return false, fmt.Errorf("get Secret %s (it must exist; the chart creates it): %w", r.secret, err)
	}
	configs := r.client.AdmissionregistrationV1().ValidatingWebhookConfigurations()
	config, err := configs.Get(ctx, r.config, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		config = nil // not installed yet: serve a certificate, inject its CA later
	} else if err != nil {
		return false, fmt.Errorf("get ValidatingWebhookConfiguration %s: %w", r.config, err)
	}
	stored := storedIn(secret)
	next, err := certs.Renew(stored, trustedBy(config), r.renew)
	if err != nil {
		return false, err
	}
	if secret, err = r.store(ctx, secret, stored, next); err != nil {
		return false, err
	}
	if config != nil {
		if err := r.inject(ctx, config, next.CABundle); err != nil {
			return false, err
		}
		stored = next
		if next, err = certs.Renew(stored, next.CABundle, r.renew); err != nil {
			return false, err
		}
		if _, err = r.store(ctx, secret, stored, next); err != nil {
			return false, err
		}
	} else {
		r.log.Info("webhook configuration not found; its caBundle is set once it exists", logWebhookConfiguration, r.config)
	}
	return config == nil, r.write(next)
}

// store writes next into secret unless it holds it already, and returns the Secret as stored.
func (r *certRotator) store(ctx context.Context, secret *corev1.Secret, stored, next certs.Stored) (*corev1.Secret, error) {
	if next.Equal(stored) {
		return secret, nil
	}
	secret = secret.DeepCopy()
	if secret.Data == nil {
		secret.Data = map[string][]byte{}
	}
	secret.Data[certs.CAFile], secret.Data[certs.CAKeyFile] = next.CABundle, next.CAKey
	secret.Data[certs.CertFile], secret.Data[certs.KeyFile] = next.Cert, next.Key
	updated, err := r.client.CoreV1().Secrets(secret.Namespace).Update(ctx, secret, metav1.UpdateOptions{})
	if err != nil {
		return nil, fmt.Errorf("update Secret %s: %w", r.secret, err)
	}
	r.log.Info("webhook certificates stored", logSecret, r.secret.String(), "caRenewed", !bytes.Equal(next.CAKey, stored.CAKey), "certificateRenewed", !bytes.Equal(next.Cert, stored.Cert))
	return updated, nil
}

// inject sets the caBundle of every webhook of config to bundle.
func (r *certRotator) inject(ctx context.Context, config *admissionregistrationv1.ValidatingWebhookConfiguration, bundle []byte) error {
	if bytes.Equal(trustedBy(config), bundle) {
		return nil
	}
	config = config.DeepCopy()
	for i := range config.Webhooks {
		config.Webhooks[i].ClientConfig.CABundle = bundle
	}
	if _, err := r.client.AdmissionregistrationV1().ValidatingWebhookConfigurations().Update(ctx, config, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("update ValidatingWebhookConfiguration %s: %w", r.config, err)
	}
	r.log.Info("webhook CA bundle injected", logWebhookConfiguration, r.config)
	return nil
}

// write writes the pair (and the CA bundle) into --cert-dir when they differ from its files:
// the webhook server reloads them.
func (r *certRotator) write(s certs.Stored) error {
	b := &certs.Bundle{CA: s.CABundle, Cert: s.Cert, Key: s.Key}
	for name, want := range map[string][]byte{certs.CAFile: b.CA, certs.CertFile: b.Cert, certs.KeyFile: b.Key} {
		if got, err := os.ReadFile(filepath.Join(r.certDir, name)); err != nil || !bytes.Equal(got, want) {
			return b.Write(r.certDir)
		}
	}
	return nil
}

// storedIn returns the material a Secret holds.
func storedIn(s *corev1.Secret) certs.Stored {
	return certs.Stored{CABundle: s.Data[certs.CAFile], CAKey: s.Data[certs.CAKeyFile], Cert: s.Data[certs.CertFile], Key: s.Data[certs.KeyFile]}
}

// trustedBy returns the caBundle of config's webhooks when they all have the same one, else
// nil (a nil config trusts nothing).
func trustedBy(config *admissionregistrationv1.ValidatingWebhookConfiguration) []byte {
	if config == nil || len(config.Webhooks) == 0 {
		return nil
	}
	bundle := config.Webhooks[0].ClientConfig.CABundle
	for _, w := range config.Webhooks[1:] {
		if !bytes.Equal(w.ClientConfig.CABundle, bundle) {
			return nil
		}
	}
	return bundle
}
