package attribution_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/attribution"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

var (
	t0  = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	now = t0.Add(10 * time.Minute)
)

// rec returns a record of user writing paths with manager (Update) at t0+sec.
func rec(user, manager string, sec int, paths ...string) attribution.Record {
	return attribution.Record{User: user, Groups: []string{"dev"}, Manager: manager, Operation: "Update", Time: t0.Add(time.Duration(sec) * time.Second), Paths: paths}
}

// owned returns a drifted field at path owned by manager (Update) since t0+sec+frac.
func owned(path, manager string, sec int, frac time.Duration) diff.Field {
	return diff.Field{Path: path, Live: "x", Owner: &diff.Owner{Manager: manager, Operation: "Update", Time: t0.Add(time.Duration(sec)*time.Second + frac)}}
}

// who renders what Attribute says of each field: the user, or why there is none.
func who(fields []diff.Field) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		switch {
		case f.Owner == nil:
			out[i] = "-"
		case f.Owner.User != "":
			out[i] = f.Owner.User
		default:
			out[i] = "unknown: " + f.Owner.UserUnknown
		}
	}
	return out
}

func TestAttribute(t *testing.T) {
	const image, label, replicas = "spec.template.spec.containers[name=web].image", "metadata.labels.tier", "spec.replicas"
	tests := []struct {
		name   string
		fields []diff.Field
		recs   []attribution.Record
		want   []string
	}{
		{
			name:   "manager, time and path agree",
			fields: []diff.Field{owned(image, "kubectl-set", 5, 0)},
			recs:   []attribution.Record{rec("alice", "kubectl-set", 5, image)},
			want:   []string{"alice"},
		},
		{
			name:   "each field its own person",
			fields: []diff.Field{owned(image, "kubectl-set", 5, 0), owned(label, "kubectl-label", 9, 0)},
			recs:   []attribution.Record{rec("alice", "kubectl-set", 5, image), rec("bob", "kubectl-label", 9, label)},
			want:   []string{"alice", "bob"},
		},
		{
			name:   "managedFields keep seconds: the owner's fraction is ignored",
			fields: []diff.Field{owned(image, "kubectl-set", 5, 0)},
			recs:   []attribution.Record{{User: "alice", Manager: "kubectl-set", Operation: "Update", Time: t0.Add(5*time.Second + 300*time.Millisecond), Paths: []string{image}}},
			want:   []string{"alice"},
		},
		{
			name:   "a later write by the same manager changes the owner's time",
			fields: []diff.Field{owned(image, "kubectl-edit", 8, 0)},
			recs:   []attribution.Record{rec("alice", "kubectl-edit", 5, image)},
			want:   []string{"unknown: not seen at admission"},
		},
		{
			name:   "a later write by another manager changes the owner",
			fields: []diff.Field{owned(image, "kubectl-patch", 5, 0)},
			recs:   []attribution.Record{rec("alice", "kubectl-set", 5, image)},
			want:   []string{"unknown: not seen at admission"},
		},
		{
			name:   "another operation of the same manager",
			fields: []diff.Field{{Path: image, Owner: &diff.Owner{Manager: "kubectl", Operation: "Apply", Time: t0}}},
			recs:   []attribution.Record{rec("alice", "kubectl", 0, image)},
			want:   []string{"unknown: not seen at admission"},
		},
		{
			name:   "a record of other paths names nobody",
			fields: []diff.Field{owned(label, "kubectl-edit", 5, 0)},
			recs:   []attribution.Record{rec("alice", "kubectl-edit", 5, image)},
			want:   []string{"unknown: not seen at admission"},
		},
		{
			name:   "a tie at one second is resolved by paths",
			fields: []diff.Field{owned(image, "kubectl-patch", 5, 0), owned(label, "kubectl-patch", 5, 0)},
			recs:   []attribution.Record{rec("alice", "kubectl-patch", 5, image), rec("bob", "kubectl-patch", 5, label)},
			want:   []string{"alice", "bob"},
		},
		{
			name:   "a tie on the same path names nobody",
			fields: []diff.Field{owned(image, "kubectl-patch", 5, 0)},
			recs:   []attribution.Record{rec("alice", "kubectl-patch", 5, image), rec("bob", "kubectl-patch", 5, image, label)},
			want:   []string{"unknown: 2 admissions at that second"},
		},
		{
			name:   "two admissions of one person at one second name them",
			fields: []diff.Field{owned(image, "kubectl-patch", 5, 0)},
			recs:   []attribution.Record{rec("alice", "kubectl-patch", 5, image), rec("alice", "kubectl-patch", 5, image)},
			want:   []string{"alice"},
		},
		{
			name: "a record of a path above or below the field's",
			fields: []diff.Field{
				owned("spec.template.spec.containers[name=web].env[name=A].value", "kubectl-edit", 5, 0),
				owned("metadata.annotations", "kubectl-annotate", 6, 0),
				owned("spec.template.spec.containers[name=webx]", "kubectl-edit", 5, 0),
			},
			recs: []attribution.Record{
				rec("alice", "kubectl-edit", 5, "spec.template.spec.containers[name=web]"),
				rec("bob", "kubectl-annotate", 6, `metadata.annotations["example.com/team"]`),
			},
			want: []string{"alice", "bob", "unknown: not seen at admission"},
		},
		{
			name:   "older than the Event TTL",
			fields: []diff.Field{{Path: image, Owner: &diff.Owner{Manager: "kubectl-set", Operation: "Update", Time: now.Add(-2 * time.Hour)}}},
			want:   []string{"unknown: older than the Event TTL"},
		},
		{
			name:   "a field without owner is left alone",
			fields: []diff.Field{{Path: "data.gone", Desired: "x"}, owned(image, "kubectl-set", 5, 0)},
			recs:   []attribution.Record{rec("alice", "kubectl-set", 5, image)},
			want:   []string{"-", "alice"},
		},
		{
			name:   "a scale: no time, the latest record that wrote the live value",
			fields: []diff.Field{{Path: replicas, Live: int64(5), Owner: &diff.Owner{Manager: "kubectl", Operation: "Update", Subresource: "scale"}}},
			recs: []attribution.Record{
				scaled("alice", 3, 5), scaled("bob", 9, 5), scaled("carol", 12, 7),
				rec("dave", "kubectl", 20, replicas), // not on the subresource
			},
			want: []string{"bob"},
		},
		{
			name:   "a scale whose live value no record wrote",
			fields: []diff.Field{{Path: replicas, Live: int64(4), Owner: &diff.Owner{Manager: "kubectl", Operation: "Update", Subresource: "scale"}}},
			recs:   []attribution.Record{scaled("alice", 3, 5)},
			want:   []string{"unknown: not seen at admission"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := who(tt.fields)
			got := attribution.Attribute(tt.fields, tt.recs, attribution.Options{Now: now})
			if diff := cmp.Diff(tt.want, who(got)); diff != "" {
				t.Errorf("people (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, who(tt.fields)); diff != "" {
				t.Errorf("Attribute changed its input (-before +after):\n%s", diff)
			}
		})
	}
}

// scaled returns the approximate record of user scaling to replicas at t0+sec.
func scaled(user string, sec int, replicas int64) attribution.Record {
	return attribution.Record{
		User: user, Subresource: "scale", Time: t0.Add(time.Duration(sec) * time.Second), Approximate: true,
		Paths: []string{"spec.replicas"}, Digests: map[string]string{"spec.replicas": attribution.Digest(replicas)},
	}
}

func TestAttributeGroups(t *testing.T) {
	fields := []diff.Field{owned("data.color", "kubectl-patch", 1, 0)}
	got := attribution.Attribute(fields, []attribution.Record{rec("system:serviceaccount:ci:deployer", "kubectl-patch", 1, "data.color")}, attribution.Options{Now: now})
	want := &diff.Owner{Manager: "kubectl-patch", Operation: "Update", Time: t0.Add(time.Second), User: "system:serviceaccount:ci:deployer", Groups: []string{"dev"}}
	if diff := cmp.Diff(want, got[0].Owner); diff != "" {
		t.Errorf("owner (-want +got):\n%s", diff)
	}
	if fields[0].Owner.User != "" {
		t.Error("Attribute set the user on its input's owner")
	}
	none := []diff.Field{{Path: "a"}}
	if got := attribution.Attribute(none, nil, attribution.Options{}); &got[0] != &none[0] {
		t.Error("fields without owners were copied")
	}
}
