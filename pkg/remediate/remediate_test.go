package remediate

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOptionsDefaults(t *testing.T) {
	tests := []struct {
		name    string
		in      Options
		want    Options
		wantErr bool
	}{
		{name: "zero", want: Options{Strategy: StrategyApply, FieldManager: "gitops-drift", Retries: 3}},
		{name: "set", in: Options{Strategy: StrategyReplace, FieldManager: "me", Retries: 5}, want: Options{Strategy: StrategyReplace, FieldManager: "me", Retries: 5}},
		{name: "no retry", in: Options{Retries: -1}, want: Options{Strategy: StrategyApply, FieldManager: "gitops-drift", Retries: 0}},
		{name: "bad strategy", in: Options{Strategy: "merge"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := New(nil, tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("New: error %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, r.opts); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
