package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	ctrlwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/policy"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
	"github.com/gitops-drift/gitops-drift/webhook"
)

// ServeOptions are the flags of `gitops-drift serve`.
type ServeOptions struct {
	// Manifests is the directory of desired-state YAML, reloaded when it changes. Required.
	Manifests string
	// Namespace is given to namespaced objects without one. Defaults to "default".
	Namespace string
	// Kubeconfig is the kubeconfig path; empty means $KUBECONFIG, ~/.kube/config, in-cluster.
	Kubeconfig string
	// Context is the kubeconfig context; empty means the current one.
	Context string
	// IgnoreFields are paths never judged as drift, for every resource, as in the check.
	IgnoreFields []string
	// CertDir holds tls.crt and tls.key, reloaded when they change. Defaults to
	// controller-runtime's <temp dir>/k8s-webhook-server/serving-certs.
	CertDir string
	// WebhookPort is the HTTPS port of the webhook. Defaults to 9443.
	WebhookPort int
	// Enforcement is the global mode: warn, deny or audit. Defaults to warn.
	Enforcement string
	// ExemptUsers are users whose changes are never judged; the webhook's own identity is
	// always exempt.
	ExemptUsers []string
	// ExemptGroups are groups whose members' changes are never judged.
	ExemptGroups []string
	// MetricsBindAddress is where Prometheus metrics are served; "0" turns them off.
	// Defaults to ":8080".
	MetricsBindAddress string
	// HealthProbeBindAddress is where /healthz and /readyz are served; "0" turns them off.
	// Defaults to ":8081".
	HealthProbeBindAddress string
	// ReloadInterval is how often the manifest directory is checked for changes. Defaults to 2s.
	ReloadInterval time.Duration
	// Log configures logging.
	Log LogOptions
}

// NewServeOptions returns the options with their defaults.
func NewServeOptions() *ServeOptions {
	return &ServeOptions{
		Namespace:              "default",
		WebhookPort:            9443,
		Enforcement:            string(policy.EnforcementWarn),
		MetricsBindAddress:     ":8080",
		HealthProbeBindAddress: ":8081",
		ReloadInterval:         2 * time.Second,
		Log:                    LogOptions{Level: "info", Format: "auto"},
	}
}

// BindFlags registers the options' flags on fs.
func (o *ServeOptions) BindFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Manifests, "manifests", o.Manifests, "directory of desired-state manifests, reloaded when it changes; required")
	fs.StringVarP(&o.Namespace, "namespace", "n", o.Namespace, "namespace for namespaced objects that set none")
	fs.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, then in-cluster)")
	fs.StringVar(&o.Context, "context", o.Context, "kubeconfig context (default: the current context)")
	fs.StringArrayVar(&o.IgnoreFields, "ignore-fields", o.IgnoreFields, "comma-separated field paths never judged as drift (repeatable)")
	fs.StringVar(&o.CertDir, "cert-dir", o.CertDir, "directory holding tls.crt and tls.key, reloaded on change (default: <temp dir>/k8s-webhook-server/serving-certs)")
	fs.IntVar(&o.WebhookPort, "webhook-port", o.WebhookPort, "HTTPS port of the admission webhook")
	fs.StringVar(&o.Enforcement, "enforcement", o.Enforcement, "what a change that introduces drift gets: warn (allowed with warnings), deny, or audit (allowed, logged)")
	fs.StringSliceVar(&o.ExemptUsers, "exempt-users", o.ExemptUsers, "comma-separated users whose changes are never judged (the webhook's own identity always is)")
	fs.StringSliceVar(&o.ExemptGroups, "exempt-groups", o.ExemptGroups, "comma-separated groups whose members' changes are never judged")
	fs.StringVar(&o.MetricsBindAddress, "metrics-bind-address", o.MetricsBindAddress, `address of the Prometheus metrics endpoint; "0" turns it off`)
	fs.StringVar(&o.HealthProbeBindAddress, "health-probe-bind-address", o.HealthProbeBindAddress, `address of /healthz and /readyz; "0" turns them off`)
	fs.Var((*seconds)(&o.ReloadInterval), "reload-interval", "how often to check --manifests for changes: a duration (2s) or seconds")
	o.Log.BindFlags(fs)
}

// Validate reports options that cannot work.
func (o *ServeOptions) Validate() error {
	var errs []error
	if o.Manifests == "" {
		errs = append(errs, errors.New("--manifests is required"))
	}
	if _, err := policy.ParseEnforcement(o.Enforcement); err != nil {
		errs = append(errs, fmt.Errorf("--enforcement: %w", err))
	}
	if o.WebhookPort < 1 || o.WebhookPort > 65535 {
		errs = append(errs, fmt.Errorf("--webhook-port %d: want 1 to 65535", o.WebhookPort))
	}
	if _, err := o.ignore(); err != nil {
		errs = append(errs, err)
	}
	if o.ReloadInterval <= 0 {
		errs = append(errs, fmt.Errorf("--reload-interval %s: must be positive", o.ReloadInterval))
	}
	return errors.Join(append(errs, o.Log.Validate())...)
}

func (o *ServeOptions) ignore() ([]diff.Path, error) {
	p, err := diff.ParsePaths(strings.Join(o.IgnoreFields, ","))
	if err != nil {
		return nil, fmt.Errorf("--ignore-fields: %w", err)
	}
	return p, nil
}

// newServeCommand returns `gitops-drift serve`. run is called with the validated options;
// tests pass their own to test flag parsing alone.
func newServeCommand(streams IOStreams, run func(context.Context, IOStreams, *ServeOptions) error) *cobra.Command {
	opts := NewServeOptions()
	cmd := &cobra.Command{
		Use:   "serve --manifests DIR [flags]",
		Short: "Serve the validating admission webhook that warns about or denies changes drifting from Git",
		Long: "serve runs the validating admission webhook (HTTPS, path /validate): a CREATE, UPDATE or\n" +
			"DELETE of an object the manifests define that would make it drift from Git is warned about,\n" +
			"denied or logged, as --enforcement and the object's drift.gitops.io/enforcement say.\n" +
			"Metrics are served on --metrics-bind-address, /healthz and /readyz on --health-probe-bind-address.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.Validate(); err != nil {
				return withCode(ExitError, err)
			}
			return run(cmd.Context(), streams, opts)
		},
	}
	opts.BindFlags(cmd.Flags())
	return cmd
}

// RunServe runs the webhook until ctx ends: it loads the manifests (failing if they do not
// load), then starts a controller-runtime Manager with the webhook server, the metrics and
// health endpoints, and the manifest reloader. The auditor is to join the same Manager.
func RunServe(ctx context.Context, streams IOStreams, o *ServeOptions) error {
	log := o.Log.Logger(streams.ErrOut)
	ctrllog.SetLogger(log)
	ctx = logr.NewContext(ctx, log)
	mgr, err := newServeManager(ctx, o, log)
	if err != nil {
		return withCode(ExitError, err)
	}
	if err := mgr.Start(ctx); err != nil {
		return withCode(ExitError, err)
	}
	return nil
}

// newServeManager connects to the cluster, finds the webhook's own identity, loads the
// manifests, and builds the Manager that serves the webhook.
func newServeManager(ctx context.Context, o *ServeOptions, log logr.Logger) (manager.Manager, error) {
	cfg, err := cluster.Config(o.Kubeconfig, o.Context)
	if err != nil {
		return nil, err
	}
	client, err := cluster.New(cfg)
	if err != nil {
		return nil, err
	}
	self, err := cluster.WhoAmI(ctx, cfg)
	if err != nil {
		return nil, err
	}
	metrics, err := webhook.NewMetrics(ctrlmetrics.Registry)
	if err != nil {
		return nil, err
	}
	store, reloader, err := loadStore(ctx, o, client, metrics)
	if err != nil {
		return nil, err
	}
	mgr, err := manager.New(cfg, manager.Options{
		Logger:                 log,
		BaseContext:            func() context.Context { return logr.NewContext(context.Background(), log) },
		Metrics:                metricsserver.Options{BindAddress: o.MetricsBindAddress},
		HealthProbeBindAddress: o.HealthProbeBindAddress,
		WebhookServer:          ctrlwebhook.NewServer(ctrlwebhook.Options{Port: o.WebhookPort, CertDir: o.CertDir}),
	})
	if err != nil {
		return nil, fmt.Errorf("create manager: %w", err)
	}
	enforcement, _ := policy.ParseEnforcement(o.Enforcement) // checked by Validate
	exemptUsers := append([]string{self.Username}, o.ExemptUsers...)
	handler := webhook.NewHandler(store, webhook.Options{
		Enforcement:  enforcement,
		ExemptUsers:  exemptUsers,
		ExemptGroups: o.ExemptGroups,
		Log:          log.WithName("audit"),
		Metrics:      metrics,
	})
	log.Info("webhook configured", "manifests", o.Manifests, "enforcement", enforcement, "webhookPort", o.WebhookPort, "exemptUsers", exemptUsers, "exemptGroups", o.ExemptGroups)
	return mgr, addWebhook(mgr, handler, store, reloader)
}

// loadStore loads the manifests into a new Store, and returns it with the Reloader that keeps
// it up to date.
func loadStore(ctx context.Context, o *ServeOptions, client *cluster.Client, metrics *webhook.Metrics) (*webhook.Store, *webhook.Reloader, error) {
	ignore, _ := o.ignore() // checked by Validate
	schemas := schema.NewResolverForDiscovery(client.Discovery)
	store := &webhook.Store{}
	reloader := webhook.NewReloader(o.Manifests, func() (*check.Desired, error) {
		return loadDesired(o.Manifests, o.Namespace, client, schemas, ignore)
	}, store, webhook.ReloaderOptions{Interval: o.ReloadInterval, Metrics: metrics})
	if err := reloader.Reload(ctx); err != nil {
		return nil, nil, err
	}
	return store, reloader, nil
}

// addWebhook registers the webhook, its health checks and the reloader with mgr.
func addWebhook(mgr manager.Manager, h *webhook.Handler, store *webhook.Store, r *webhook.Reloader) error {
	srv := mgr.GetWebhookServer()
	srv.Register(webhook.Path, h.Webhook())
	return errors.Join(
		mgr.AddHealthzCheck("ping", healthz.Ping),
		mgr.AddReadyzCheck("webhook", srv.StartedChecker()),
		mgr.AddReadyzCheck("desired-state", store.Ready),
		mgr.Add(r),
	)
}
