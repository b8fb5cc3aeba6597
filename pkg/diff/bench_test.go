package diff

import "testing"

// benchmarkCompare compares the testdata Deployment with its live copy (server defaults,
// status, an injected sidecar, reordered lists), after mutateLive.
func benchmarkCompare(b *testing.B, mutateLive func(live map[string]any), wantFields int) {
	schema := deploymentSchema()
	desired := loadObject(b, "deployment.desired.json", false)
	live := loadObject(b, "deployment.live.json", true)
	if mutateLive != nil {
		mutateLive(live)
	}
	opts := Options{Schema: schema, Ignore: []Path{mustPath(b, "metadata.annotations")}}
	if got := Compare(desired, live, opts); len(got) != wantFields {
		b.Fatalf("Compare() = %v, want %d fields", got, wantFields)
	}
	b.ReportAllocs()
	for b.Loop() {
		Compare(desired, live, opts)
	}
}

func BenchmarkCompareDeployment(b *testing.B) {
	benchmarkCompare(b, func(live map[string]any) {
		mustSet(b, live, container("frontend")+".image", deploymentSchema(), "shop/frontend:1.4.1")
	}, 1)
}

func BenchmarkCompareDeploymentNoDrift(b *testing.B) {
	benchmarkCompare(b, nil, 0)
}

func BenchmarkParsePath(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePath("spec.template.spec.containers[name=frontend].ports[containerPort=80,protocol=TCP].name"); err != nil {
			b.Fatal(err)
		}
	}
}
