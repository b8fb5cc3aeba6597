package app

import (
	"cmp"
	"context"
	"maps"
	"slices"

	"github.com/go-logr/logr"
	"golang.org/x/sync/errgroup"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gitops-drift/gitops-drift/pkg/attribution"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// attributionReads is how many namespaces' records attribute reads at once: as many requests
// as a --once check's Reader makes at a time (cluster.ReaderOptions.Concurrency).
const attributionReads = 4

// attribute names the person behind each drifted field's owner in r, from the DriftAdmitted
// Events that serve's webhook recorded (pkg/attribution): one LIST per namespace holding
// drifted objects, attributionReads at a time (a --once check waits for them before it
// reports). A namespace whose Events cannot be read (the user may not list them)
// leaves its owners naming managers only, and says so in one log line per check.
func (c *checker) attribute(ctx context.Context, r *report.Report) {
	byNS := map[string][]int{} // the drifted resources with owners, by namespace
	for i := range r.Resources {
		res := &r.Resources[i]
		if res.Status == report.StatusDrifted && slices.ContainsFunc(res.Fields, func(f diff.Field) bool { return f.Owner != nil }) {
			byNS[res.Namespace] = append(byNS[res.Namespace], i)
		}
	}
	namespaces := slices.Sorted(maps.Keys(byNS))
	recs, errs := make([][]attribution.Record, len(namespaces)), make([]error, len(namespaces))
	lister := &attribution.Lister{Client: c.client.Dynamic}
	var g errgroup.Group
	g.SetLimit(attributionReads)
	for j, ns := range namespaces {
		g.Go(func() error {
			recs[j], errs[j] = lister.NamespaceRecords(ctx, ns)
			return nil
		})
	}
	_ = g.Wait() // each read's error is in errs
	var unread []string
	var first error
	for j, ns := range namespaces {
		if errs[j] != nil {
			first = cmp.Or(first, errs[j])
			unread = append(unread, ns)
			continue
		}
		for _, i := range byNS[ns] {
			res := &r.Resources[i]
			res.Fields = attribution.Attribute(res.Fields, recordsOf(recs[j], res), attribution.Options{})
		}
	}
	if first != nil {
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
