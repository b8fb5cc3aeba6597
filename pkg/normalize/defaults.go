package normalize

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"
	admissionregistrationv1 "k8s.io/kubernetes/pkg/apis/admissionregistration/v1"
	appsv1 "k8s.io/kubernetes/pkg/apis/apps/v1"
	autoscalingv1 "k8s.io/kubernetes/pkg/apis/autoscaling/v1"
	autoscalingv2 "k8s.io/kubernetes/pkg/apis/autoscaling/v2"
	batchv1 "k8s.io/kubernetes/pkg/apis/batch/v1"
	certificatesv1 "k8s.io/kubernetes/pkg/apis/certificates/v1"
	coordinationv1 "k8s.io/kubernetes/pkg/apis/coordination/v1"
	corev1 "k8s.io/kubernetes/pkg/apis/core/v1"
	discoveryv1 "k8s.io/kubernetes/pkg/apis/discovery/v1"
	flowcontrolv1 "k8s.io/kubernetes/pkg/apis/flowcontrol/v1"
	networkingv1 "k8s.io/kubernetes/pkg/apis/networking/v1"
	policyv1 "k8s.io/kubernetes/pkg/apis/policy/v1"
	rbacv1 "k8s.io/kubernetes/pkg/apis/rbac/v1"
	schedulingv1 "k8s.io/kubernetes/pkg/apis/scheduling/v1"
	storagev1 "k8s.io/kubernetes/pkg/apis/storage/v1"
)

// registerDefaults adds the API server's defaulting functions for the GA versions of the
// built-in groups to s: those k8s.io/kubernetes generates and the kube-apiserver runs on every
// create and update. Beta and alpha versions are left out: their objects are not defaulted.
func registerDefaults(s *runtime.Scheme) error {
	for _, register := range []func(*runtime.Scheme) error{
		admissionregistrationv1.RegisterDefaults, appsv1.RegisterDefaults,
		autoscalingv1.RegisterDefaults, autoscalingv2.RegisterDefaults, batchv1.RegisterDefaults,
		certificatesv1.RegisterDefaults, coordinationv1.RegisterDefaults, corev1.RegisterDefaults,
		discoveryv1.RegisterDefaults, flowcontrolv1.RegisterDefaults, networkingv1.RegisterDefaults,
		policyv1.RegisterDefaults, rbacv1.RegisterDefaults, schedulingv1.RegisterDefaults,
		storagev1.RegisterDefaults,
	} {
		if err := register(s); err != nil {
			return fmt.Errorf("register defaulters: %w", err)
		}
	}
	return nil
}

// Defaulted returns want (an object as Normalize returned it) with the values the API server
// fills in by default when Git leaves them out: a container's imagePullPolicy, a Deployment's
// strategy, a Service port's targetPort. Built-in kinds are defaulted by the API server's own
// defaulting functions; custom resources are returned as they are, since Normalize already
// applied their CRD's structural defaults. It shares nothing with want.
//
// Defaults that depend on other objects or on the cluster (a Service's clusterIP, a
// namespace's default ServiceAccount) are not among them.
func (n *Normalizer) Defaulted(want map[string]any, gvk k8sschema.GroupVersionKind) (map[string]any, error) {
	if !n.scheme.Recognizes(gvk) {
		return runtime.DeepCopyJSON(want), nil
	}
	typed, err := n.scheme.New(gvk)
	if err != nil {
		return nil, fmt.Errorf("default %s: %w", gvk.Kind, err)
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(want, typed); err != nil {
		return nil, fmt.Errorf("default %s: %w", gvk.Kind, err)
	}
	n.scheme.Default(typed)
	if p, ok := typed.(protoRoundTripper); ok {
		if typed, err = protoRoundTrip(n.scheme, gvk, p); err != nil {
			return nil, err
		}
	}
	out, err := runtime.DefaultUnstructuredConverter.ToUnstructured(typed)
	if err != nil {
		return nil, fmt.Errorf("default %s: %w", gvk.Kind, err)
	}
	delete(out, "status")
	dropNulls(out)
	// The zero values of fields without omitempty (resources: {}) that the Go types add, which
	// are not defaults.
	dropAdded(out, want, emptyObject)
	return out, nil
}
