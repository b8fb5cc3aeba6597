package servetest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	authnv1 "k8s.io/api/authentication/v1"
	authzv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/gitops-drift/gitops-drift/certs"
)

// MetricsCerts writes a serving certificate for 127.0.0.1 (tls.crt, tls.key) into a new
// directory, for serve's --metrics-cert-dir as a cert-manager Certificate fills the install's
// Secret, and returns the directory and the CA that verifies the certificate.
func MetricsCerts(t *testing.T) (dir string, ca []byte) {
	t.Helper()
	b, err := certs.Generate(certs.Options{IPs: []net.IP{net.ParseIP("127.0.0.1")}})
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	if err := b.Write(dir); err != nil {
		t.Fatal(err)
	}
	return dir, b.CA
}

// HTTPSClient returns a client of serve's HTTPS servers: verifying their certificate with ca,
// as a ServiceMonitor's tlsConfig with the certificate's CA does, or, with a nil ca, not
// verifying it, as one with insecureSkipVerify does (serve's self-signed certificate).
func HTTPSClient(ca []byte) *http.Client {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if ca == nil {
		cfg.InsecureSkipVerify = true
	} else {
		cfg.RootCAs = x509.NewCertPool()
		cfg.RootCAs.AppendCertsFromPEM(ca)
	}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
}

// Call sends method url with token as its bearer token (none when empty) and returns the
// status code and the body.
func Call(t *testing.T, client *http.Client, method, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read the body: %v", method, url, err)
	}
	return resp.StatusCode, string(body)
}

// Token returns a token of the ServiceAccount namespace/name, valid for an hour, from the
// TokenRequest API (as the kubelet mounts one in the pods).
func Token(t *testing.T, admin kubernetes.Interface, namespace, name string) string {
	t.Helper()
	tr, err := admin.CoreV1().ServiceAccounts(namespace).CreateToken(t.Context(), name,
		&authnv1.TokenRequest{Spec: authnv1.TokenRequestSpec{ExpirationSeconds: new(int64(3600))}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tr.Status.Token
}

// Caller creates the ServiceAccount namespace/name, binds the ClusterRole role to it (none
// when role is ""), and returns a token of it.
func Caller(t *testing.T, admin kubernetes.Interface, namespace, name, role string) string {
	t.Helper()
	ctx := t.Context()
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace}}
	if _, err := admin.CoreV1().ServiceAccounts(namespace).Create(ctx, sa, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if role != "" {
		b := &rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%s-%s", role, namespace, name)},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: name, Namespace: namespace}},
		}
		if _, err := admin.RbacV1().ClusterRoleBindings().Create(ctx, b, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = admin.RbacV1().ClusterRoleBindings().Delete(context.Background(), b.Name, metav1.DeleteOptions{})
		})
	}
	return Token(t, admin, namespace, name)
}

// WaitURLAllowed waits until the authorizer lets the ServiceAccount namespace/name verb the
// non-resource URL path (its RBAC cache follows new bindings through an informer). Call it
// before the first request to serve's metrics server: its filter keeps a denial 30 seconds.
func WaitURLAllowed(t *testing.T, admin kubernetes.Interface, namespace, name, verb, path string) {
	t.Helper()
	sar := &authzv1.SubjectAccessReview{Spec: authzv1.SubjectAccessReviewSpec{
		User:                  "system:serviceaccount:" + namespace + ":" + name,
		Groups:                []string{"system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated"},
		NonResourceAttributes: &authzv1.NonResourceAttributes{Path: path, Verb: verb},
	}}
	err := wait.PollUntilContextTimeout(t.Context(), 50*time.Millisecond, 15*time.Second, true, func(ctx context.Context) (bool, error) {
		got, err := admin.AuthorizationV1().SubjectAccessReviews().Create(ctx, sar, metav1.CreateOptions{})
		return err == nil && got.Status.Allowed, nil
	})
	if err != nil {
		t.Fatalf("%s %s by %s/%s: not allowed after 15s: %v", verb, path, namespace, name, err)
	}
}

// Review sends review to the webhook that serve serves on port (verifying its certificate
// with ca), as the API server does, and returns the answer's response.
func Review(t *testing.T, ca []byte, port int, review admissionv1.AdmissionReview) *admissionv1.AdmissionResponse {
	t.Helper()
	body, err := json.Marshal(review)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := HTTPSClient(ca).Post(fmt.Sprintf("https://127.0.0.1:%d/validate", port), "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got admissionv1.AdmissionReview
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || got.Response == nil {
		t.Fatalf("decode the AdmissionReview answer (HTTP %d): %v", resp.StatusCode, err)
	}
	return got.Response
}
