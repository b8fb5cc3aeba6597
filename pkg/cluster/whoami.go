package cluster

import (
	"context"
	"fmt"

	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// WhoAmI returns the user the API server sees behind cfg, as `kubectl auth whoami` does, with
// one SelfSubjectReview (authentication.k8s.io/v1). In a cluster it is the ServiceAccount's
// user, "system:serviceaccount:NAMESPACE:NAME".
func WhoAmI(ctx context.Context, cfg *rest.Config) (authnv1.UserInfo, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return authnv1.UserInfo{}, fmt.Errorf("clientset: %w", err)
	}
	r, err := cs.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authnv1.SelfSubjectReview{}, metav1.CreateOptions{})
	if err != nil {
		return authnv1.UserInfo{}, fmt.Errorf("find own identity (SelfSubjectReview): %w", err)
	}
	return r.Status.UserInfo, nil
}
