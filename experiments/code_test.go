package experiments

import (
	"testing"

	"github.com/sweep-ml/sweep/search"
)

func TestDescribeCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   search.CodeVersion
		want string
	}{
		{"clean", search.CodeVersion{Module: "github.com/sweep-ml/sweep@v0.1.0", Revision: "4f2a9c1", GoVersion: "go1.26.0", Platform: "linux/amd64/v3"},
			"github.com/sweep-ml/sweep@v0.1.0 4f2a9c1, go1.26.0 linux/amd64/v3"},
		{"modified", search.CodeVersion{Module: "github.com/sweep-ml/sweep@v0.1.0", Revision: "4f2a9c1", Dirty: true, GoVersion: "go1.26.0", Platform: "linux/amd64/v3"},
			"github.com/sweep-ml/sweep@v0.1.0 4f2a9c1+dirty, go1.26.0 linux/amd64/v3"},
		// A build without VCS stamping (-buildvcs=false) has no revision,
		// and so no modified flag either.
		{"no revision", search.CodeVersion{Module: "github.com/sweep-ml/sweep@(devel)", GoVersion: "go1.26.8", Platform: "linux/amd64/v1"},
			"github.com/sweep-ml/sweep@(devel) (no VCS revision), go1.26.8 linux/amd64/v1"},
		{"no build information", search.CodeVersion{GoVersion: "go1.26.8", Platform: "linux/arm64"},
			"(no VCS revision), go1.26.8 linux/arm64"},
	}
	for _, tc := range tests {
		if got := DescribeCode(tc.in); got != tc.want {
			t.Errorf("%s: DescribeCode = %q, want %q", tc.name, got, tc.want)
		}
	}
}
