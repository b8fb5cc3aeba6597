package app

import "testing"

func TestLoadGCPercent(t *testing.T) {
	tests := []struct {
		name string
		gogc string // "" leaves GOGC unset
		want int
	}{
		{name: "GOGC unset", want: serveLoadGCPercent},
		{name: "GOGC set", gogc: "200", want: 0},
		{name: "GOGC off", gogc: "off", want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GOGC", tt.gogc)
			if got := loadGCPercent(); got != tt.want {
				t.Errorf("loadGCPercent() = %d, want %d", got, tt.want)
			}
		})
	}
}
