package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gitops-drift/gitops-drift/pkg/policy"
	"github.com/gitops-drift/gitops-drift/pkg/policyreport"
)

// ServeOptions are the flags of `gitops-drift serve`.
type ServeOptions struct {
	// DesiredOptions are --manifests (reloaded when the directory changes), --namespace,
	// --kubeconfig, --context and --ignore-fields, as in the check.
	DesiredOptions
	// CertDir holds tls.crt and tls.key, reloaded when they change. Defaults to
	// controller-runtime's <temp dir>/k8s-webhook-server/serving-certs.
	CertDir string
	// WebhookPort is the HTTPS port of the webhook. Defaults to 9443.
	WebhookPort int
	// WebhookConfiguration names the ValidatingWebhookConfiguration that registers this
	// webhook. At each load serve reads it and warns about manifests whose changes it will not
	// be sent in Git's version; an absent one is tolerated. Empty turns the check off.
	// Defaults to "gitops-drift", the name manifests/webhook.yaml gives it.
	WebhookConfiguration string
	// Enforcement is the global mode: warn, deny or audit. Defaults to warn.
	Enforcement string
	// ExemptUsers are users whose changes are never judged; the webhook's own identity is
	// always exempt. Defaults to the controller manager (system:kube-controller-manager), so
	// that deny mode never blocks the namespace controller or the garbage collector.
	ExemptUsers []string
	// ExemptGroups are groups whose members' changes are never judged. Defaults to the
	// ServiceAccounts of kube-system (system:serviceaccounts:kube-system), where the
	// controllers run with --use-service-account-credentials.
	ExemptGroups []string
	// EnableHTTP2 offers HTTP/2 on the HTTPS servers (the webhook's, and the metrics
	// server's when secure). Defaults to false: HTTP/1.1 only (CVE-2023-44487).
	EnableHTTP2 bool
	// MetricsBindAddress is where Prometheus metrics (and /git/refresh) are served; "0" turns
	// them off. Defaults to ":8443".
	MetricsBindAddress string
	// MetricsSecure serves the metrics server over HTTPS, every request authenticated (a
	// TokenReview of its bearer token) and authorized (a SubjectAccessReview of its method on
	// its path, as a non-resource URL). Defaults to true; false serves plain HTTP to anyone,
	// for local use.
	MetricsSecure bool
	// MetricsCertDir holds the metrics server's tls.crt and tls.key, reloaded when they
	// change. Defaults to "": a self-signed certificate made at start.
	MetricsCertDir string
	// HealthProbeBindAddress is where /healthz and /readyz are served; "0" turns them off.
	// Defaults to ":8081".
	HealthProbeBindAddress string
	// ReloadInterval is how often the manifest directory is checked for changes. Defaults to 2s.
	// A Git source is polled every Git.PollInterval instead.
	ReloadInterval time.Duration
	// GitMaxStaleness is how long the desired state may go without being confirmed as Git's
	// latest (Git unreachable, or its latest commit not loading) before the webhook warns
	// instead of denying. Defaults to 10m; 0 never stops denying.
	GitMaxStaleness time.Duration
	// GitRefreshSecretFile, when set with plain metrics (MetricsSecure false), serves POST
	// /git/refresh on the metrics server for callers that send its content as a bearer token.
	// Secure metrics serve /git/refresh with any Git source, to callers allowed to post to it
	// (RBAC), and ignore this file.
	GitRefreshSecretFile string
	// AuditInterval is the time between the auditor's full audits; a watch event on a tracked
	// object has it checked again within a second anyway. Defaults to 60s.
	AuditInterval time.Duration
	// NoWebhook turns the admission webhook off: serve only audits.
	NoWebhook bool
	// NoAudit turns the auditor off: serve only judges admission requests.
	NoAudit bool
	// RemediationOptions are --remediate, with which the auditor repairs drift, and
	// --remediation-strategy, as in the check.
	RemediationOptions
	// RemediationQPS bounds the auditor's remediation writes per second. Defaults to 5.
	RemediationQPS float64
	// PolicyReports has the auditor write policy reports for dashboards after each full
	// audit: a report per namespace and a cluster report. Defaults to false.
	PolicyReports bool
	// PolicyReportAPI is the API of the policy reports: openreports.io/v1alpha1 or
	// wgpolicyk8s.io/v1alpha2. Defaults to openreports.io/v1alpha1.
	PolicyReportAPI string
	// LeaderElect turns leader election on (a Lease named gitops-drift): only the leader
	// audits and remediates; every replica serves the webhook. A replica that loses the Lease
	// (the API server out of reach for longer than the renew deadline) stops its auditor and
	// campaigns again; its webhook serves on. Defaults to false: this one process does
	// everything.
	LeaderElect bool
	// LeaderElectionNamespace is where the Lease is. Defaults to the namespace serve runs in,
	// in a cluster, else drift-system.
	LeaderElectionNamespace string
	// CertRotationOptions are --cert-rotation and its flags: serve manages the webhook's
	// certificates itself (certrotation.go).
	CertRotationOptions
	// Log configures logging.
	Log LogOptions
}

// policyReports returns the API of the auditor's policy reports: "" without --policy-reports.
func (o *ServeOptions) policyReports() policyreport.API {
	if !o.PolicyReports {
		return ""
	}
	api, _ := policyreport.ParseAPI(o.PolicyReportAPI) // checked by Validate
	return api
}

// NewServeOptions returns the options with their defaults.
func NewServeOptions() *ServeOptions {
	return &ServeOptions{
		DesiredOptions:         NewDesiredOptions(),
		WebhookPort:            9443,
		WebhookConfiguration:   "gitops-drift",
		ExemptUsers:            []string{"system:kube-controller-manager"},
		ExemptGroups:           []string{"system:serviceaccounts:kube-system"},
		Enforcement:            string(policy.EnforcementWarn),
		MetricsBindAddress:     ":8443",
		MetricsSecure:          true,
		HealthProbeBindAddress: ":8081",
		ReloadInterval:         2 * time.Second,
		GitMaxStaleness:        10 * time.Minute,
		AuditInterval:          time.Minute,
		RemediationOptions:     NewRemediationOptions(),
		RemediationQPS:         5,
		PolicyReportAPI:        string(policyreport.OpenReports),
		Log:                    LogOptions{Level: "info", Format: "auto"},
	}
}

// BindFlags registers the options' flags on fs.
func (o *ServeOptions) BindFlags(fs *pflag.FlagSet) {
	o.DesiredOptions.BindFlags(fs, "directory of desired-state manifests (or of a kustomization), reloaded when it changes; it or --git-url is required")
	fs.StringVar(&o.CertDir, "cert-dir", o.CertDir, "directory holding tls.crt and tls.key, reloaded on change (default: <temp dir>/k8s-webhook-server/serving-certs)")
	fs.IntVar(&o.WebhookPort, "webhook-port", o.WebhookPort, "HTTPS port of the admission webhook")
	fs.StringVar(&o.WebhookConfiguration, "webhook-configuration", o.WebhookConfiguration, `ValidatingWebhookConfiguration registering the webhook, read at each load to warn about manifests it is not sent in Git's version; "" turns the check off`)
	fs.StringVar(&o.Enforcement, "enforcement", o.Enforcement, "what a change that introduces drift gets: warn (allowed with warnings), deny, or audit (allowed, logged)")
	fs.StringSliceVar(&o.ExemptUsers, "exempt-users", o.ExemptUsers, "comma-separated users whose changes are never judged (the webhook's own identity always is); setting it replaces the default")
	fs.StringSliceVar(&o.ExemptGroups, "exempt-groups", o.ExemptGroups, "comma-separated groups whose members' changes are never judged; setting it replaces the default")
	fs.BoolVar(&o.EnableHTTP2, "enable-http2", o.EnableHTTP2, "offer HTTP/2 on the webhook's and the secure metrics' HTTPS servers (off: HTTP/1.1 only, CVE-2023-44487)")
	fs.StringVar(&o.MetricsBindAddress, "metrics-bind-address", o.MetricsBindAddress, `address of the Prometheus metrics endpoint (and /git/refresh); "0" turns it off`)
	fs.BoolVar(&o.MetricsSecure, "metrics-secure", o.MetricsSecure, "serve metrics over HTTPS to authenticated and authorized callers (TokenReview, SubjectAccessReview); false: plain HTTP to anyone, for local use")
	fs.StringVar(&o.MetricsCertDir, "metrics-cert-dir", o.MetricsCertDir, "with --metrics-secure: directory holding the metrics server's tls.crt and tls.key, reloaded on change (default: a self-signed certificate)")
	fs.StringVar(&o.HealthProbeBindAddress, "health-probe-bind-address", o.HealthProbeBindAddress, `address of /healthz and /readyz; "0" turns them off`)
	fs.Var((*seconds)(&o.ReloadInterval), "reload-interval", "how often to check --manifests for changes: a duration (2s) or seconds")
	fs.Var((*seconds)(&o.GitMaxStaleness), "git-max-staleness", "with --git-url: after this long without confirming the desired state as Git's latest, the webhook warns instead of denying (0: never)")
	fs.StringVar(&o.GitRefreshSecretFile, "git-refresh-secret-file", o.GitRefreshSecretFile, "with --git-url and --metrics-secure=false: serve POST /git/refresh on the metrics server, for callers sending this file's content as a bearer token (secure metrics authorize callers by RBAC instead)")
	fs.Var((*seconds)(&o.AuditInterval), "audit-interval", "time between full audits: a duration (1m) or seconds; watch events are checked within a second anyway")
	fs.BoolVar(&o.NoWebhook, "no-webhook", o.NoWebhook, "do not serve the admission webhook (audit only)")
	fs.BoolVar(&o.NoAudit, "no-audit", o.NoAudit, "do not audit (admission webhook only)")
	o.RemediationOptions.BindFlags(fs, "let the auditor re-apply Git's state to drifted and missing resources (on the leader only)")
	fs.Float64Var(&o.RemediationQPS, "remediation-qps", o.RemediationQPS, "at most this many remediation writes per second")
	fs.BoolVar(&o.PolicyReports, "policy-reports", o.PolicyReports, "after each full audit, write the drift as policy reports for dashboards: a report gitops-drift per namespace and a cluster report (on the leader only)")
	fs.StringVar(&o.PolicyReportAPI, "policy-report-api", o.PolicyReportAPI, "with --policy-reports: the reports' API, "+string(policyreport.OpenReports)+" (Report, ClusterReport) or "+string(policyreport.WGPolicy)+" (PolicyReport, ClusterPolicyReport)")
	fs.BoolVar(&o.LeaderElect, "leader-elect", o.LeaderElect, "elect a leader (Lease gitops-drift) to audit and remediate; every replica serves the webhook, and a lost Lease stops only the auditor")
	fs.StringVar(&o.LeaderElectionNamespace, "leader-election-namespace", o.LeaderElectionNamespace, "namespace of the Lease (default: the namespace serve runs in, else "+defaultLeaderElectionNamespace+")")
	o.CertRotationOptions.BindFlags(fs)
	o.Log.BindFlags(fs)
}

// Validate reports options that cannot work.
func (o *ServeOptions) Validate() error {
	errs := []error{o.DesiredOptions.Validate()}
	if _, err := policy.ParseEnforcement(o.Enforcement); err != nil {
		errs = append(errs, fmt.Errorf("--enforcement: %w", err))
	}
	if o.WebhookPort < 1 || o.WebhookPort > 65535 {
		errs = append(errs, fmt.Errorf("--webhook-port %d: want 1 to 65535", o.WebhookPort))
	}
	if o.ReloadInterval <= 0 {
		errs = append(errs, fmt.Errorf("--reload-interval %s: must be positive", o.ReloadInterval))
	}
	if o.GitMaxStaleness < 0 {
		errs = append(errs, fmt.Errorf("--git-max-staleness %s: must not be negative", o.GitMaxStaleness))
	}
	if o.GitRefreshSecretFile != "" && o.Git.URL == "" {
		errs = append(errs, errors.New("--git-refresh-secret-file: need --git-url"))
	}
	if o.MetricsCertDir != "" && !o.MetricsSecure {
		errs = append(errs, errors.New("--metrics-cert-dir: plain metrics (--metrics-secure=false) use no certificate"))
	}
	if o.GitRefreshSecretFile != "" && o.MetricsBindAddress == "0" {
		errs = append(errs, errors.New("--git-refresh-secret-file: /git/refresh is served on the metrics server; --metrics-bind-address is 0"))
	}
	if o.AuditInterval <= 0 {
		errs = append(errs, fmt.Errorf("--audit-interval %s: must be positive", o.AuditInterval))
	}
	if o.NoWebhook && o.NoAudit {
		errs = append(errs, errors.New("--no-webhook and --no-audit leave nothing to serve"))
	}
	if o.Remediate && o.NoAudit {
		errs = append(errs, errors.New("--remediate needs the auditor: drop --no-audit"))
	}
	if o.RemediationQPS <= 0 {
		errs = append(errs, fmt.Errorf("--remediation-qps %g: must be positive", o.RemediationQPS))
	}
	if _, err := policyreport.ParseAPI(o.PolicyReportAPI); err != nil {
		errs = append(errs, fmt.Errorf("--policy-report-api: %w", err))
	}
	if o.PolicyReports && o.NoAudit {
		errs = append(errs, errors.New("--policy-reports needs the auditor: drop --no-audit"))
	}
	if err := o.RemediationOptions.Validate(); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, o.CertRotationOptions.Validate(o.NoWebhook, o.WebhookConfiguration))
	return errors.Join(append(errs, o.Log.Validate())...)
}

// newServeCommand returns `gitops-drift serve`. run is called with the validated options;
// tests pass their own to test flag parsing alone.
func newServeCommand(streams IOStreams, run func(context.Context, IOStreams, *ServeOptions) error) *cobra.Command {
	return withOptions(&cobra.Command{
		Use:   "serve (--manifests DIR | --git-url URL) [flags]",
		Short: "Serve the admission webhook and the auditor that report, and may repair, drift from Git",
		Long: "serve runs the validating admission webhook (HTTPS, path /validate): a CREATE, UPDATE or\n" +
			"DELETE of an object the manifests define that would make it drift from Git is warned about,\n" +
			"denied or logged, as --enforcement and the object's drift.gitops.io/enforcement say.\n" +
			"Beside it, the auditor checks every tracked object every --audit-interval and whenever one\n" +
			"changes, from informers: it logs drift, records Events and, with --remediate, repairs it.\n" +
			"Metrics are served on --metrics-bind-address (HTTPS, authenticated and authorized, unless\n" +
			"--metrics-secure=false), /healthz and /readyz on --health-probe-bind-address. With --leader-elect,\n" +
			"the replica holding the Lease audits; losing it stops the auditor, never the webhook.",
	}, streams, NewServeOptions(), run)
}
