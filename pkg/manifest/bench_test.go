package manifest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// benchManifest returns the i-th generated manifest: a Deployment, a Service or a ConfigMap.
func benchManifest(i int) string {
	ns := fmt.Sprintf("team-%d", i%10)
	switch i % 3 {
	case 0:
		return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%[1]d
  namespace: %[2]s
  labels: {app: app-%[1]d, tier: web}
spec:
  replicas: 3
  selector:
    matchLabels: {app: app-%[1]d}
  template:
    metadata:
      labels: {app: app-%[1]d}
    spec:
      containers:
        - name: web
          image: registry.example.com/app:1.%[1]d
          ports: [{containerPort: 8080}]
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {memory: 256Mi}
`, i, ns)
	case 1:
		return fmt.Sprintf(`apiVersion: v1
kind: Service
metadata:
  name: app-%[1]d
  namespace: %[2]s
spec:
  selector: {app: app-%[1]d}
  ports:
    - {name: http, port: 80, targetPort: 8080}
`, i, ns)
	default:
		return fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata:
  name: app-%[1]d
  namespace: %[2]s
data:
  LOG_LEVEL: info
  ratio: "0.5"
`, i, ns)
	}
}

// BenchmarkLoad1000 loads 1,000 manifests, one per file, in 10 directories.
func BenchmarkLoad1000(b *testing.B) {
	dir := b.TempDir()
	for i := range 1000 {
		sub := filepath.Join(dir, fmt.Sprintf("team-%d", i%10))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			b.Fatal(err)
		}
		name := filepath.Join(sub, fmt.Sprintf("app-%04d.yaml", i))
		if err := os.WriteFile(name, []byte(benchManifest(i)), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		set, err := Load(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if set.Len() != 1000 {
			b.Fatalf("Len() = %d, want 1000", set.Len())
		}
	}
}
