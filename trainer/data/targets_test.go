package data

import (
	"slices"
	"strings"
	"testing"
)

func TestResampleTargets(t *testing.T) {
	t.Parallel()
	classes := []string{"a", "b", "c"}
	tests := []struct {
		name    string
		counts  []int
		s       Sampling
		want    []int
		wantErr string
	}{
		{"oversample to the majority", []int{5, 2, 1}, Sampling{Strategy: SampleOversample}, []int{5, 5, 5}, ""},
		{"undersample to the minority", []int{5, 2, 1}, Sampling{Strategy: SampleUndersample}, []int{1, 1, 1}, ""},
		{"targets leave other classes alone", []int{5, 2, 1}, Sampling{Strategy: SampleOversample, Targets: map[string]int{"c": 3}}, []int{5, 2, 3}, ""},
		{"oversample below the count", []int{5, 2, 1}, Sampling{Strategy: SampleOversample, Targets: map[string]int{"a": 4}}, nil, "sampling.targets.a: 4 is below"},
		{"undersample above the count", []int{5, 2, 1}, Sampling{Strategy: SampleUndersample, Targets: map[string]int{"c": 2}}, nil, "sampling.targets.c: 2 is above"},
		{"unknown class", []int{5, 2, 1}, Sampling{Strategy: SampleOversample, Targets: map[string]int{"z": 2}}, nil, "sampling.targets.z: no such class"},
		{"nothing to draw from", []int{5, 2, 0}, Sampling{Strategy: SampleOversample, Targets: map[string]int{"c": 3}}, nil, "sampling.targets.c: the class has no training rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResampleTargets(tt.counts, classes, tt.s)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ResampleTargets = %v, %v; want error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("ResampleTargets = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}
