package app

import (
	"context"

	"github.com/go-logr/logr"
	"k8s.io/client-go/kubernetes"
)

// CertRotator is the check of --cert-rotation, for the tests of package app_test.
type CertRotator = certRotator

// NewCertRotator returns the check of o's --cert-rotation, through cs.
func NewCertRotator(cs kubernetes.Interface, o *ServeOptions) *CertRotator {
	return newCertRotator(cs, o, logr.Discard())
}

// Check runs one check, as at start and at every interval.
func (r *certRotator) Check(ctx context.Context) error {
	_, err := r.check(ctx)
	return err
}
