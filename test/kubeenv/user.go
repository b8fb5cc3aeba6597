package kubeenv

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// AddUser provisions a user authenticated by a client certificate, with name and groups, and
// writes a kubeconfig for it next to the admin one. It returns the kubeconfig's path. Put the
// user in "system:masters" to give it every permission without RBAC objects.
func (e *Env) AddUser(name string, groups ...string) (string, error) {
	u, err := e.env.AddUser(envtest.User{Name: name, Groups: groups}, nil)
	if err != nil {
		return "", fmt.Errorf("add user %s: %w", name, err)
	}
	data, err := u.KubeConfig()
	if err != nil {
		return "", fmt.Errorf("kubeconfig of user %s: %w", name, err)
	}
	path := filepath.Join(e.dir, "kubeconfig-"+notDNS.ReplaceAllString(strings.ToLower(name), "-"))
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", fmt.Errorf("write kubeconfig of user %s: %w", name, err)
	}
	return path, nil
}
