package schema

import (
	_ "embed" // the built-in table
	"fmt"

	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// builtinTable is the diff schema of every kind of client-go's scheme, converted from the
// structured-merge-diff schema client-go ships (see table.go). It is generated, and checked
// to be current, by TestBuiltInTable:
//
//go:generate go test -run ^TestBuiltInTable$ -update .
//go:embed builtin.json
var builtinTable []byte

// BuiltIn returns the schema of a kind built into client-go's scheme (Deployment, Service,
// ConfigMap...), with no API call. It reports false for other kinds, CRDs among them.
//
// Each call decodes the table of every built-in kind afresh (about 2 ms); a Resolver
// decodes it once, on its first use.
func BuiltIn(gvk k8sschema.GroupVersionKind) (*diff.Schema, bool) {
	b, err := decodeTable(builtinTable)
	if err != nil {
		return nil, false
	}
	s, err := b.kind(gvk)
	return s, err == nil
}

// builtIns are the schemas of the built-in kinds, decoded from the table.
type builtIns struct {
	kinds map[k8sschema.GroupVersionKind]*diff.Schema
}

// kind returns the schema of gvk, or an error wrapping ErrUnknownKind if gvk is not built in.
func (b *builtIns) kind(gvk k8sschema.GroupVersionKind) (*diff.Schema, error) {
	s, ok := b.kinds[gvk]
	if !ok {
		return nil, fmt.Errorf("%w: %s is not built into client-go", ErrUnknownKind, gvk)
	}
	return s, nil
}
