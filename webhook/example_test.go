package webhook_test

import (
	"context"
	"fmt"
	"testing/fstest"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/desired"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
	"github.com/gitops-drift/gitops-drift/webhook"
)

func ExampleHandler_Handle() {
	git := fstest.MapFS{"settings.yaml": {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: blue\n")}}
	set, err := manifest.LoadFS(git, manifest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := check.Compile(set, "1a2b3c4d5e6f", schema.NewResolver(nil), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	store := &desired.Store{}
	store.Set(d)
	h := webhook.NewHandler(store, webhook.Options{}) // warn

	configMap := func(color string) runtime.RawExtension {
		return runtime.RawExtension{Raw: []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"default"},"data":{"color":"` + color + `"}}`)}
	}
	resp := h.Handle(context.Background(), admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
		Operation: admissionv1.Update,
		Kind:      metav1.GroupVersionKind{Version: "v1", Kind: "ConfigMap"},
		Namespace: "default",
		Name:      "settings",
		Object:    configMap("red"),
		OldObject: configMap("blue"),
	}})
	fmt.Println(resp.Allowed)
	for _, w := range resp.Warnings {
		fmt.Println(w)
	}
	// Output:
	// true
	// gitops-drift: ConfigMap default/settings data.color: Git has blue, change sets red
}
