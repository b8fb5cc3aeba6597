package app

import (
	"context"
	"slices"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gitops-drift/gitops-drift/pkg/attribution"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// attribute names the person behind each drifted field's owner in r, from the DriftAdmitted
// Events that serve's webhook recorded (pkg/attribution): one LIST per namespace holding
// drifted objects. A namespace whose Events cannot be read (the user may not list them)
// leaves its owners naming managers only, and says so in one log line per check.
func (c *checker) attribute(ctx context.Context, r *report.Report) {
	byNS := map[string][]int{} // the drifted resources with owners, by namespace
	for i := range r.Resources {
		res := &r.Resources[i]
		if res.Status == report.StatusDrifted && slices.ContainsFunc(res.Fields, func(f diff.Field) bool { return f.Owner != nil }) {
			byNS[res.Namespace] = append(byNS[res.Namespace], i)
		}
	}
	lister := &attribution.Lister{Client: c.client.Dynamic}
	var unread []string
	var first error
	for ns, idx := range byNS {
		recs, err := lister.NamespaceRecords(ctx, ns)
		if err != nil {
			if first == nil {
				first = err
			}
			unread = append(unread, ns)
			continue
		}
		for _, i := range idx {
			res := &r.Resources[i]
			res.Fields = attribution.Attribute(res.Fields, recordsOf(recs, res), attribution.Options{})
		}
	}
	if first != nil {
		slices.Sort(unread)
		logr.FromContextOrDiscard(ctx).Error(first, "cannot read admission records: drift is reported without the people behind it", "namespaces", unread)
	}
}

// recordsOf returns the records of res's object among recs: same group, kind, namespace and
// name (the CLI does not know the object's UID; a record of a deleted object of the same
// name matches only a write by the same manager in the same second).
func recordsOf(recs []attribution.Record, res *report.Resource) []attribution.Record {
	group := groupOf(res.APIVersion)
	var out []attribution.Record
	for _, rec := range recs {
		o := rec.Object
		if o.Kind == res.Kind && o.Namespace == res.Namespace && o.Name == res.Name && groupOf(o.APIVersion) == group {
			out = append(out, rec)
		}
	}
	return out
}

func groupOf(apiVersion string) string {
	gv, _ := schema.ParseGroupVersion(apiVersion)
	return gv.Group
}
