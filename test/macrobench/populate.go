package main

import (
	"context"
	"errors"
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// writers is how many objects populate creates at once.
const writers = 16

// resourceOf returns the resource of a corpus kind.
func resourceOf(kind string) schema.GroupVersionResource {
	switch kind {
	case "Deployment":
		return schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	case "Service":
		return schema.GroupVersionResource{Version: "v1", Resource: "services"}
	}
	return schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
}

// populate creates the corpus's namespaces and objects as `kubectl apply` would, then makes
// the drifted ones drift with a patch from another field manager, as a hand edit does.
func populate(ctx context.Context, cfg *rest.Config, c *corpus) error {
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = -1, 0
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	for _, ns := range c.namespaces {
		_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("create namespace %s: %w", ns, err)
		}
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	return parallel(len(c.objects), func(i int) error {
		obj := c.objects[i]
		res := dyn.Resource(resourceOf(obj.GetKind())).Namespace(obj.GetNamespace())
		live, err := applied(obj)
		if err != nil {
			return err
		}
		if _, err := res.Create(ctx, live, metav1.CreateOptions{FieldManager: "kubectl-client-side-apply"}); err != nil {
			return fmt.Errorf("create %s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
		if !c.drifted[objectKey(obj.GetKind(), obj.GetNamespace(), obj.GetName())] {
			return nil
		}
		_, err = res.Patch(ctx, obj.GetName(), types.StrategicMergePatchType, []byte(drift(obj)), metav1.PatchOptions{FieldManager: "hand-edit"})
		if err != nil {
			return fmt.Errorf("drift %s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
		return nil
	})
}

// parallel calls do for 0..n-1 from writers goroutines and returns the first errors.
func parallel(n int, do func(i int) error) error {
	next := make(chan int)
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for range writers {
		wg.Go(func() {
			for i := range next {
				if err := do(i); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		mu.Lock()
		failed := len(errs) > 0
		mu.Unlock()
		if failed {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}
