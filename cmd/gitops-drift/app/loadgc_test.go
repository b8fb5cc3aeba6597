package app

import "testing"

func TestPacedGCPercent(t *testing.T) {
	tests := []struct {
		name string
		gogc string // "" leaves GOGC unset
		want int
	}{
		{name: "GOGC unset", want: 25},
		{name: "GOGC set", gogc: "200", want: 0},
		{name: "GOGC off", gogc: "off", want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GOGC", tt.gogc)
			if got := pacedGCPercent(25); got != tt.want {
				t.Errorf("pacedGCPercent(25) = %d, want %d", got, tt.want)
			}
		})
	}
}
