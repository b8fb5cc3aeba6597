// Package remediate writes Git's state back to a cluster: it is the check.Remediator behind
// --remediate. It creates missing objects and restores the drifted fields of the others; it
// never deletes anything.
//
// # Strategies
//
// StrategyApply (the default) sends the desired object with server-side apply, as field
// manager "gitops-drift", forcing ownership of the fields it sends. Fields that other managers
// set and Git does not (labels added by other tools, server defaults, injected sidecars) stay
// as they are.
//
// StrategyReplace sends the desired object with a full replace (PUT). Fields Git does not set
// are dropped and defaulted again by the server, except the live values a replace must keep
// when Git does not set them, lest it reset a scale, start a rollout, cut a webhook off from its
// CA or be refused (the carry list; TestReplaceCarries tests each entry on a real server):
//
//	every kind   metadata.labels and metadata.annotations (key by key), metadata.finalizers,
//	             metadata.ownerReferences, status (ignored by kinds with a status subresource),
//	             spec.replicas, spec.template.metadata.labels and .annotations (key by key)
//	CronJob      spec.jobTemplate.spec.template.metadata.labels and .annotations (key by key)
//	Service      spec.clusterIP, spec.clusterIPs, spec.ipFamilies, spec.ipFamilyPolicy (not
//	             for type ExternalName); spec.ports[*].nodePort (NodePort and LoadBalancer);
//	             spec.healthCheckNodePort (LoadBalancer with externalTrafficPolicy Local)
//	PersistentVolumeClaim  spec.volumeName, spec.storageClassName
//	PersistentVolume       spec.claimRef
//	Job (batch)  spec.selector
//	Secret       data (key by key) of a kubernetes.io/service-account-token Secret
//	ClusterRole  rules, when it has an aggregationRule
//	Validating/MutatingWebhookConfiguration  webhooks[*].clientConfig.caBundle
//	CustomResourceDefinition  spec.conversion.webhook.clientConfig.caBundle
//
// In both strategies, every path the object's check ignores (--ignore-fields and the
// drift.gitops.io/ignore-fields annotation, wildcards expanded against the live object) is sent
// with its live value, or left out when live has none and has every list item above it: an
// ignored spec.replicas that an autoscaler manages is neither reset nor, with apply, dropped
// from the fields gitops-drift owns (which would let the server remove it), and a container
// Git adds keeps the image Git gives it when images are ignored. Values under list items that
// Git does not define (an injected sidecar's image, say) are never sent.
//
// Missing objects are created (POST) whatever the strategy.
//
// # Conflicts
//
// Writes carry the resourceVersion of the live copy they were computed from. When the object
// changed meanwhile, the server answers 409 Conflict; the object is read again, its drift
// computed again, and the write tried again, up to Options.Retries (3) times. The server's
// answer to a write is compared with Git once more: drift that survived it (a mutating webhook
// or a controller that reverted it) is reported as a StillDriftedError.
//
// # Permissions
//
// apply needs get and patch on the kinds it repairs; replace needs get and update; creating a
// missing object needs create. The check itself needs get and list.
package remediate
