package remediate

import (
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// carry is a live value that a replace keeps when the desired object does not set it: a field
// the API server or a controller allocated, or one that other actors own.
type carry struct {
	// kind limits the rule to one kind; the zero value means every kind.
	kind schema.GroupKind
	// path is a pattern expanded against the live object.
	path diff.Path
	// merge, for a map, carries each live key the desired map lacks rather than the map as a
	// whole.
	merge bool
	// when, if set, says whether the rule applies to the body being sent.
	when func(body map[string]any) bool
}

var (
	service   = schema.GroupKind{Kind: "Service"}
	pvc       = schema.GroupKind{Kind: "PersistentVolumeClaim"}
	pv        = schema.GroupKind{Kind: "PersistentVolume"}
	secret    = schema.GroupKind{Kind: "Secret"}
	job       = schema.GroupKind{Group: "batch", Kind: "Job"}
	cronJob   = schema.GroupKind{Group: "batch", Kind: "CronJob"}
	role      = schema.GroupKind{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}
	validator = schema.GroupKind{Group: "admissionregistration.k8s.io", Kind: "ValidatingWebhookConfiguration"}
	mutator   = schema.GroupKind{Group: "admissionregistration.k8s.io", Kind: "MutatingWebhookConfiguration"}
	crd       = schema.GroupKind{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}
)

// carried lists what a replace keeps from the live object when the desired object does not
// set it: the fields whose loss would be an outage (a scale reset, a rollout, a webhook
// without its CA, a Service without its IP) or a 422 (immutable allocations). The package
// documentation and the README list it for readers, and TestReplaceCarries tests each entry
// against a real API server: keep the four in step.
var carried = []carry{
	// Metadata that other actors own: their labels and annotations (key by key), finalizers
	// and owner references.
	{path: mustPath("metadata.labels"), merge: true},
	{path: mustPath("metadata.annotations"), merge: true},
	{path: mustPath("metadata.finalizers")},
	{path: mustPath("metadata.ownerReferences")},
	// The status of kinds without a status subresource (elsewhere the server ignores it).
	{path: mustPath("status")},
	// The scale an autoscaler or kubectl scale set, when Git leaves it to them: dropping it
	// would reset a Deployment to 1 replica.
	{path: mustPath("spec.replicas")},
	// Pod-template labels and annotations that others set (kubectl rollout restart's
	// restartedAt, a Job controller's labels): dropping one changes the template, which
	// starts a rollout.
	{path: mustPath("spec.template.metadata.labels"), merge: true},
	{path: mustPath("spec.template.metadata.annotations"), merge: true},
	{kind: cronJob, path: mustPath("spec.jobTemplate.spec.template.metadata.labels"), merge: true},
	{kind: cronJob, path: mustPath("spec.jobTemplate.spec.template.metadata.annotations"), merge: true},
	// Service addresses and ports the API server allocated.
	{kind: service, path: mustPath("spec.clusterIP"), when: hasClusterIP},
	{kind: service, path: mustPath("spec.clusterIPs"), when: hasClusterIP},
	{kind: service, path: mustPath("spec.ipFamilies"), when: hasClusterIP},
	{kind: service, path: mustPath("spec.ipFamilyPolicy"), when: hasClusterIP},
	{kind: service, path: mustPath("spec.ports[*].nodePort"), when: hasNodePorts},
	{kind: service, path: mustPath("spec.healthCheckNodePort"), when: hasHealthCheckNodePort},
	// Volume binding, done by the PersistentVolume controller, and the default StorageClass
	// an admission plugin filled in: both immutable once set.
	{kind: pvc, path: mustPath("spec.volumeName")},
	{kind: pvc, path: mustPath("spec.storageClassName")},
	{kind: pv, path: mustPath("spec.claimRef")},
	// The selector the API server generated for a Job (immutable).
	{kind: job, path: mustPath("spec.selector")},
	// The token, CA and namespace that the token controller writes into a token Secret.
	{kind: secret, path: mustPath("data"), merge: true, when: isTokenSecret},
	// The rules the aggregation controller writes into an aggregated ClusterRole.
	{kind: role, path: mustPath("rules"), when: hasAggregationRule},
	// The CA bundles a CA injector (cert-manager's cainjector) writes: without them the API
	// server cannot call the webhook.
	{kind: validator, path: mustPath("webhooks[*].clientConfig.caBundle")},
	{kind: mutator, path: mustPath("webhooks[*].clientConfig.caBundle")},
	{kind: crd, path: mustPath("spec.conversion.webhook.clientConfig.caBundle")},
}

// keepCarried copies into body, where body does not set them, the live values that carried
// lists for body's kind.
func keepCarried(body, live map[string]any, gk schema.GroupKind, s *diff.Schema) error {
	for _, c := range carried {
		if c.kind != (schema.GroupKind{}) && c.kind != gk || c.when != nil && !c.when(body) {
			continue
		}
		if !c.merge {
			if err := copyLive(body, live, c.path, s, false); err != nil {
				return err
			}
			continue
		}
		for _, p := range expand(live, c.path, s) {
			m, _ := diff.Get(live, p, s)
			for k := range asMap(m) {
				key := append(append(diff.Path(nil), p...), diff.Segment{Kind: diff.FieldSegment, Name: k})
				if err := copyLive(body, live, key, s, false); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func mustPath(s string) diff.Path {
	p, err := diff.ParsePath(s)
	if err != nil {
		panic(err)
	}
	return p
}

// serviceType returns the type of the Service body, defaulted as the API server does.
func serviceType(body map[string]any) string {
	if t, ok := asMap(body["spec"])["type"].(string); ok && t != "" {
		return t
	}
	return "ClusterIP"
}

// hasClusterIP reports whether the Service body gets a cluster IP: every type but ExternalName.
func hasClusterIP(body map[string]any) bool { return serviceType(body) != "ExternalName" }

// hasNodePorts reports whether the Service body gets node ports: NodePort and LoadBalancer.
func hasNodePorts(body map[string]any) bool {
	t := serviceType(body)
	return t == "NodePort" || t == "LoadBalancer"
}

// hasHealthCheckNodePort reports whether the Service body gets a health check node port: a
// LoadBalancer with externalTrafficPolicy Local.
func hasHealthCheckNodePort(body map[string]any) bool {
	return serviceType(body) == "LoadBalancer" && asMap(body["spec"])["externalTrafficPolicy"] == "Local"
}

// hasAggregationRule reports whether the ClusterRole body is aggregated from others.
func hasAggregationRule(body map[string]any) bool {
	_, ok := body["aggregationRule"].(map[string]any)
	return ok
}

// isTokenSecret reports whether the Secret body holds a ServiceAccount token.
func isTokenSecret(body map[string]any) bool {
	return body["type"] == "kubernetes.io/service-account-token"
}
