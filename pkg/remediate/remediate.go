package remediate

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/util/retry"

	"github.com/go-logr/logr"

	"github.com/gitops-drift/gitops-drift/pkg/check"
)

// Strategy is how a drifted object is written back.
type Strategy string

// Strategies.
const (
	// StrategyApply sends the desired object with server-side apply (PATCH). It is the default.
	StrategyApply Strategy = "apply"
	// StrategyReplace sends the desired object with a full replace (PUT).
	StrategyReplace Strategy = "replace"
)

// ParseStrategy parses "apply" or "replace".
func ParseStrategy(s string) (Strategy, error) {
	switch st := Strategy(s); st {
	case StrategyApply, StrategyReplace:
		return st, nil
	}
	return "", fmt.Errorf("invalid remediation strategy %q: want \"apply\" or \"replace\"", s)
}

// DefaultFieldManager is the field manager the writes are made as.
const DefaultFieldManager = "gitops-drift"

// Options configure a Remediator.
type Options struct {
	// Strategy is how drifted objects are written. Defaults to StrategyApply. Missing objects
	// are created (POST) whatever the strategy.
	Strategy Strategy
	// FieldManager names the writer in the objects' managedFields. Defaults to "gitops-drift".
	FieldManager string
	// Retries is how many times a write refused with a conflict (HTTP 409) is tried again from
	// a fresh read. Defaults to 3; a negative value means no retry.
	Retries int
}

func (o Options) withDefaults() Options {
	if o.Strategy == "" {
		o.Strategy = StrategyApply
	}
	if o.FieldManager == "" {
		o.FieldManager = DefaultFieldManager
	}
	switch {
	case o.Retries == 0:
		o.Retries = 3
	case o.Retries < 0:
		o.Retries = 0
	}
	return o
}

// Client gives the dynamic client of a kind's objects in a namespace ("" for cluster-scoped
// kinds). *cluster.Client is one.
type Client interface {
	Resource(gvk schema.GroupVersionKind, namespace string) (dynamic.ResourceInterface, error)
}

// Remediator writes desired state to a cluster; it is a check.Remediator.
type Remediator struct {
	client Client
	opts   Options
}

var _ check.Remediator = (*Remediator)(nil)

// New returns a Remediator that writes through c.
func New(c Client, opts Options) (*Remediator, error) {
	opts = opts.withDefaults()
	if _, err := ParseStrategy(string(opts.Strategy)); err != nil {
		return nil, err
	}
	return &Remediator{client: c, opts: opts}, nil
}

// backoff spaces the attempts after a conflict a little, so a writer racing us can finish.
var backoff = wait.Backoff{Duration: 20 * time.Millisecond, Factor: 2, Jitter: 0.2}

// Remediate makes the object of t match its desired state: it creates it when live is nil,
// and otherwise writes it with the Remediator's strategy if it still drifts. A write refused
// with a conflict (the object changed since it was read) is retried from a fresh read, up to
// Options.Retries times. The object is read back from the write's response and compared again:
// drift that survives the write is an error.
func (r *Remediator) Remediate(ctx context.Context, t *check.Target, live *unstructured.Unstructured) (check.Remediation, error) {
	ri, err := r.client.Resource(t.GVK, t.Key.Namespace)
	if err != nil {
		return check.Remediation{}, err
	}
	log := logr.FromContextOrDiscard(ctx).WithValues("object", t.Key.String())
	var res check.Remediation
	attempt := 0
	b := backoff
	b.Steps = r.opts.Retries + 1
	err = retry.OnError(b, retryable, func() error {
		if attempt > 0 {
			log.V(1).Info("conflict, reading again", "attempt", attempt)
			if live, err = read(ctx, ri, t.Key.Name); err != nil {
				return err
			}
		}
		attempt++
		res, err = r.once(ctx, ri, t, live)
		return err
	})
	if err != nil && retryable(err) {
		return check.Remediation{}, fmt.Errorf("gave up after %d attempts: %w", attempt, err)
	}
	return res, err
}

// retryable reports whether a write failed only because the object changed under it: a
// conflict, or a create that found the object created meanwhile.
func retryable(err error) bool {
	return apierrors.IsConflict(err) || apierrors.IsAlreadyExists(err)
}

// read returns the live object, nil when it does not exist.
func read(ctx context.Context, ri dynamic.ResourceInterface, name string) (*unstructured.Unstructured, error) {
	obj, err := ri.Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s again: %w", name, err)
	}
	return obj, nil
}

// once makes one attempt: create a missing object, or write a drifted one.
func (r *Remediator) once(ctx context.Context, ri dynamic.ResourceInterface, t *check.Target, live *unstructured.Unstructured) (check.Remediation, error) {
	if live == nil {
		got, err := r.create(ctx, ri, t)
		if err != nil {
			return check.Remediation{}, err
		}
		return check.Remediation{Created: true}, verify(t, got)
	}
	fields := t.Compare(live.Object)
	if len(fields) == 0 {
		return check.Remediation{}, nil
	}
	var got *unstructured.Unstructured
	var err error
	switch r.opts.Strategy {
	case StrategyReplace:
		got, err = r.replace(ctx, ri, t, live, fields)
	default:
		got, err = r.apply(ctx, ri, t, live, fields)
	}
	if err != nil {
		return check.Remediation{}, err
	}
	return check.Remediation{Fields: fields}, verify(t, got)
}

// verify compares the object a write returned with the target: drift left is an error (a
// mutating webhook or a controller that reverted the write, say).
func verify(t *check.Target, got *unstructured.Unstructured) error {
	left := t.Compare(got.Object)
	if len(left) == 0 {
		return nil
	}
	paths := make([]string, len(left))
	for i, f := range left {
		paths[i] = f.Path
	}
	return &StillDriftedError{Paths: paths}
}

// StillDriftedError says that an object still drifted at Paths in the server's answer to
// the write that was to restore them.
type StillDriftedError struct {
	Paths []string
}

func (e *StillDriftedError) Error() string {
	return fmt.Sprintf("written, but the server's copy still drifts at %v", e.Paths)
}

// SecretSafe marks the error's text as free of values (it names paths): check.SecretSafe.
func (e *StillDriftedError) SecretSafe() {}

var _ check.SecretSafe = (*StillDriftedError)(nil)

// create creates the missing object as desired.
func (r *Remediator) create(ctx context.Context, ri dynamic.ResourceInterface, t *check.Target) (*unstructured.Unstructured, error) {
	obj := &unstructured.Unstructured{Object: desiredBody(t)}
	got, err := ri.Create(ctx, obj, metav1.CreateOptions{FieldManager: r.opts.FieldManager})
	if err != nil {
		return nil, fmt.Errorf("create: %w", err)
	}
	return got, nil
}
