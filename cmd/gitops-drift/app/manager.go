package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	ctrlwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"

	"github.com/gitops-drift/gitops-drift/auditor"
	"github.com/gitops-drift/gitops-drift/pkg/attribution"
	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/desired"
	"github.com/gitops-drift/gitops-drift/pkg/gcpace"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	"github.com/gitops-drift/gitops-drift/pkg/policy"
	"github.com/gitops-drift/gitops-drift/pkg/remediate"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
	"github.com/gitops-drift/gitops-drift/webhook"
)

const (
	// leaderElectionID names the Lease of the leader election.
	leaderElectionID = "gitops-drift"
	// defaultLeaderElectionNamespace holds the Lease outside a cluster.
	defaultLeaderElectionNamespace = "drift-system"
	// inClusterNamespaceFile names the namespace a Pod runs in.
	inClusterNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"
	// eventSource is the reporting controller of the auditor's Events and of the webhook's
	// DriftAdmitted Events.
	eventSource = "gitops-drift"
	// gitFreshCheck names the readiness check that fails while the Git source is stale.
	gitFreshCheck = "git-fresh"
	// gracefulShutdownTimeout bounds the wait for in-flight admission requests and the audit
	// on SIGTERM, within Kubernetes' default 30s grace period.
	gracefulShutdownTimeout = 25 * time.Second
)

// RunServe runs the webhook and the auditor until ctx ends: it loads the manifests (failing
// if they do not load), then starts a controller-runtime Manager with the webhook server, the
// auditor, the metrics and health endpoints, and the manifest reloader.
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

// newServeManager connects to the cluster, loads the manifests, and builds the Manager that
// runs the webhook and the auditor (unless turned off).
func newServeManager(ctx context.Context, o *ServeOptions, log logr.Logger) (manager.Manager, error) {
	cfg, err := o.Config()
	if err != nil {
		return nil, err
	}
	client, err := cluster.New(cfg)
	if err != nil {
		return nil, err
	}
	m, err := metrics.New(ctrlmetrics.Registry)
	if err != nil {
		return nil, err
	}
	pacer := &gcpace.Pacer{} // the Reloader's loads and the auditor's lists, one GOGC
	store, reloader, err := loadStore(ctx, o, client, m, pacer)
	if err != nil {
		return nil, err
	}
	metricsOpts, err := o.metricsServer(refreshHandlers(o, reloader, log))
	if err != nil {
		return nil, err
	}
	// No LeaderElection: the Manager would exit on a lost Lease, webhook and all; serve
	// campaigns itself, for the auditor alone (addAuditor, leader.go).
	opts := manager.Options{
		Logger:                  log,
		BaseContext:             func() context.Context { return logr.NewContext(context.Background(), log) },
		Metrics:                 metricsOpts,
		HealthProbeBindAddress:  o.HealthProbeBindAddress,
		GracefulShutdownTimeout: new(gracefulShutdownTimeout),
	}
	if !o.NoWebhook {
		opts.WebhookServer = ctrlwebhook.NewServer(ctrlwebhook.Options{Port: o.WebhookPort, CertDir: o.CertDir, TLSOpts: []func(*tls.Config){hardenTLS(o.EnableHTTP2)}})
	}
	mgr, err := manager.New(cfg, opts)
	if err != nil {
		return nil, fmt.Errorf("create manager: %w", err)
	}
	errs := []error{
		mgr.AddHealthzCheck("ping", healthz.Ping),
		mgr.AddReadyzCheck("desired-state", store.Ready),
		mgr.Add(reloader),
		addCertRotation(ctx, mgr, o, log),
	}
	if o.Git.URL != "" {
		// Fails while the staleness guard is on, for /readyz?verbose and /readyz/git-fresh;
		// the install's probe excludes it (see manifests/git/).
		errs = append(errs, mgr.AddReadyzCheck(gitFreshCheck, reloader.Fresh))
	}
	if !o.NoWebhook {
		errs = append(errs, addWebhook(ctx, mgr, o, store, reloader, m, log))
	}
	if !o.NoAudit {
		errs = append(errs, addAuditor(mgr, o, client, store, reloader, m, pacer, log))
	}
	return mgr, errors.Join(errs...)
}

// loadStore loads the desired state into a new Store, and returns it with the Reloader that
// keeps it up to date: the directory is polled every --reload-interval; Git every
// --git-poll-interval, a commit that fails to load tried again at each poll, the staleness
// guard set to --git-max-staleness.
func loadStore(ctx context.Context, o *ServeOptions, client *cluster.Client, m *metrics.Metrics, pacer *gcpace.Pacer) (*desired.Store, *desired.Reloader, error) {
	secretKey := check.NewSecretKey() // one per process: equal Secret values show equal hashes in every audit
	loaded := func(ctx context.Context, d *check.Desired) {
		d.SetSecretKey(secretKey)
		if !o.NoWebhook {
			warnRegistration(ctx, logr.FromContextOrDiscard(ctx), o.WebhookConfiguration, client, d)
		}
	}
	src, err := o.source(client, schema.NewResolverForDiscovery(client.Discovery), loaded)
	if err != nil {
		return nil, nil, err
	}
	ropts := desired.ReloaderOptions{Interval: o.ReloadInterval, Metrics: m, LoadGCPercent: pacedGCPercent(desired.RecommendedLoadGCPercent), Pacer: pacer}
	if o.Git.URL != "" {
		ropts.Interval, ropts.RetryFailed, ropts.MaxStaleness = o.Git.PollInterval, true, o.GitMaxStaleness
	}
	store := &desired.Store{}
	reloader := desired.NewReloader(src, store, ropts)
	if err := reloader.Reload(ctx); err != nil {
		return nil, nil, err
	}
	return store, reloader, nil
}

// refreshHandlers returns POST /git/refresh, served by the metrics server: reachable by
// in-cluster callers such as a GitOps controller's notifications, unlike the webhook server,
// whose only client is the API server, and the probe server, which is the kubelet's. With
// secure metrics it is served for any Git source, the metrics server's filter letting through
// the callers allowed to post to /git/refresh (RBAC); with plain metrics, only with
// --git-refresh-secret-file, for callers sending its content as a bearer token.
func refreshHandlers(o *ServeOptions, r *desired.Reloader, log logr.Logger) map[string]http.Handler {
	log = log.WithName("refresh")
	secret := o.GitRefreshSecretFile
	switch {
	case o.Git.URL == "":
		return nil
	case o.MetricsSecure && secret != "":
		log.Info("git refresh secret file ignored: with secure metrics, callers of /git/refresh are authorized by RBAC", logFile, secret)
		secret = ""
	case !o.MetricsSecure && secret == "":
		return nil
	}
	return map[string]http.Handler{desired.RefreshPath: desired.RefreshHandler(r, secret, log)}
}

// addWebhook finds the webhook's own identity (always exempt, so that remediation is never
// judged), and registers the webhook, its readiness check and the Recorder of who makes the
// changes it admits with mgr.
func addWebhook(ctx context.Context, mgr manager.Manager, o *ServeOptions, store *desired.Store, r *desired.Reloader, m *metrics.Metrics, log logr.Logger) error {
	self, err := cluster.WhoAmI(ctx, mgr.GetConfig())
	if err != nil {
		return err
	}
	cs, err := kubernetes.NewForConfigAndClient(mgr.GetConfig(), mgr.GetHTTPClient())
	if err != nil {
		return fmt.Errorf("clientset: %w", err)
	}
	rec := webhook.NewRecorder(cs.EventsV1(), webhook.RecorderOptions{Controller: eventSource, Metrics: m, Log: log.WithName("webhook")})
	if err := mgr.Add(rec); err != nil {
		return err
	}
	enforcement, _ := policy.ParseEnforcement(o.Enforcement) // checked by Validate
	exemptUsers := append([]string{self.Username}, o.ExemptUsers...)
	h := webhook.NewHandler(store, webhook.Options{
		Enforcement:  enforcement,
		ExemptUsers:  exemptUsers,
		ExemptGroups: o.ExemptGroups,
		Log:          log.WithName("audit"),
		Metrics:      m,
		Stale:        r.Stale,
		Recorder:     rec,
	})
	log.Info("webhook configured", "manifests", o.where(), "enforcement", enforcement, "webhookPort", o.WebhookPort, "exemptUsers", exemptUsers, "exemptGroups", o.ExemptGroups)
	srv := mgr.GetWebhookServer()
	srv.Register(webhook.Path, h)
	return mgr.AddReadyzCheck("webhook", srv.StartedChecker())
}

// addAuditor adds the auditor to mgr: informers from the manager's client settings, Events
// from its recorder, remediation (with --remediate) through client.
func addAuditor(mgr manager.Manager, o *ServeOptions, client *cluster.Client, store *desired.Store, r *desired.Reloader, m *metrics.Metrics, pacer *gcpace.Pacer, log logr.Logger) error {
	rem, err := o.Remediator(client)
	if err != nil {
		return err
	}
	cs, err := kubernetes.NewForConfig(mgr.GetConfig())
	if err != nil {
		return fmt.Errorf("clientset: %w", err)
	}
	dyn, err := dynamic.NewForConfigAndClient(mgr.GetConfig(), mgr.GetHTTPClient())
	if err != nil {
		return fmt.Errorf("dynamic client: %w", err)
	}
	a := auditor.New(mgr.GetConfig(), store, auditor.Options{
		Interval:       o.AuditInterval,
		Remediator:     rem,
		RemediationQPS: o.RemediationQPS,
		FieldManager:   remediate.DefaultFieldManager,
		History:        &auditor.EventHistory{Client: cs, Controller: eventSource},
		ReloadErr:      r.Err,
		Cache:          cache.Options{HTTPClient: mgr.GetHTTPClient(), Scheme: mgr.GetScheme(), Mapper: mgr.GetRESTMapper()},
		Recorder:       mgr.GetEventRecorder(eventSource),
		Metrics:        m,
		PolicyReports:  o.policyReports(),
		Log:            log.WithName("auditor"),
		Admissions:     &attribution.Lister{Client: dyn},
		ListGCPercent:  pacedGCPercent(auditor.RecommendedListGCPercent),
		Pacer:          pacer,
	})
	log.Info("auditor configured", "interval", o.AuditInterval.String(), "remediate", o.Remediate, "strategy", o.RemediationStrategy, "remediationQPS", o.RemediationQPS, "leaderElect", o.LeaderElect, "policyReports", string(o.policyReports()))
	if !o.LeaderElect {
		return mgr.Add(a)
	}
	c, err := newCampaign(mgr.GetConfig(), mgr, leaderElectionNamespace(o.LeaderElectionNamespace), defaultLeaseTiming(), a.Start, m)
	if err != nil {
		return err
	}
	return mgr.Add(c)
}

// leaderElectionNamespace returns ns, or else the namespace this Pod runs in, or else
// drift-system.
func leaderElectionNamespace(ns string) string {
	if ns != "" {
		return ns
	}
	if b, err := os.ReadFile(inClusterNamespaceFile); err == nil {
		if s := strings.TrimSpace(string(b)); s != "" {
			return s
		}
	}
	return defaultLeaderElectionNamespace
}

// pacedGCPercent returns percent, the GOGC at which serve paces a load of the manifests
// (desired.RecommendedLoadGCPercent) or its informers' lists (auditor.RecommendedListGCPercent),
// or 0 (the process's setting throughout) when GOGC is set in the environment: the operator's
// setting wins, as it does for --once.
func pacedGCPercent(percent int) int {
	if os.Getenv("GOGC") != "" {
		return 0
	}
	return percent
}
