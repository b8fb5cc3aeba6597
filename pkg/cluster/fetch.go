package cluster

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// Live is the live copy of one desired object: Object is nil when the object does not exist;
// Err is set when it could not be read.
type Live struct {
	Object *unstructured.Unstructured
	Err    error
}

// batch is the desired objects of one kind in one namespace.
type batch struct {
	gvk       schema.GroupVersionKind
	namespace string
	index     []int
}

// Fetch returns the live copy of each desired object, in the same order. Objects sharing a
// kind and namespace are read with one LIST; a lone object with one GET.
func (c *Client) Fetch(ctx context.Context, desired []*unstructured.Unstructured) []Live {
	out := make([]Live, len(desired))
	for _, b := range batches(desired) {
		c.fetchBatch(ctx, b, desired, out)
	}
	return out
}

// batches groups desired by kind and namespace, in the order of their first objects.
func batches(desired []*unstructured.Unstructured) []*batch {
	var order []*batch
	byID := map[string]*batch{}
	for i, obj := range desired {
		gvk := obj.GroupVersionKind()
		id := gvk.String() + "/" + obj.GetNamespace()
		b, ok := byID[id]
		if !ok {
			b = &batch{gvk: gvk, namespace: obj.GetNamespace()}
			byID[id] = b
			order = append(order, b)
		}
		b.index = append(b.index, i)
	}
	return order
}

func (c *Client) fetchBatch(ctx context.Context, b *batch, desired []*unstructured.Unstructured, out []Live) {
	ri, err := c.resource(b.gvk, b.namespace)
	if err != nil {
		for _, i := range b.index {
			out[i].Err = err
		}
		return
	}
	if len(b.index) == 1 {
		out[b.index[0]] = get(ctx, ri, desired[b.index[0]].GetName())
		return
	}
	list, err := ri.List(ctx, metav1.ListOptions{})
	if err != nil {
		for _, i := range b.index {
			out[i].Err = fmt.Errorf("list %s in %q: %w", b.gvk.Kind, b.namespace, err)
		}
		return
	}
	byName := make(map[string]*unstructured.Unstructured, len(list.Items))
	for i := range list.Items {
		byName[list.Items[i].GetName()] = &list.Items[i]
	}
	for _, i := range b.index {
		out[i].Object = byName[desired[i].GetName()]
	}
}

func get(ctx context.Context, ri dynamic.ResourceInterface, name string) Live {
	obj, err := ri.Get(ctx, name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return Live{}
	case err != nil:
		return Live{Err: fmt.Errorf("get %s: %w", name, err)}
	}
	return Live{Object: obj}
}

// Resource returns the dynamic client for objects of gvk in namespace ("" for cluster-scoped).
func (c *Client) Resource(gvk schema.GroupVersionKind, namespace string) (dynamic.ResourceInterface, error) {
	return c.resource(gvk, namespace)
}

func (c *Client) resource(gvk schema.GroupVersionKind, namespace string) (dynamic.ResourceInterface, error) {
	m, err := c.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return nil, fmt.Errorf("map kind %s: %w", gvk, err)
	}
	nri := c.Dynamic.Resource(m.Resource)
	if namespace == "" {
		return nri, nil
	}
	return nri.Namespace(namespace), nil
}
