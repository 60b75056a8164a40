package sweepcli

import "testing"

func TestDisplayDSN(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"postgres://sweep:hunter2@db.example:5432/sweep?sslmode=disable", "postgres://sweep:xxxxx@db.example:5432/sweep?sslmode=disable"},
		// A password equal to the scheme and user must not blank them.
		{"postgres://postgres:postgres@127.0.0.1:5432/sweep_test", "postgres://postgres:xxxxx@127.0.0.1:5432/sweep_test"},
		{"postgresql://u@host/db?password=s3cret", "postgresql://u@host/db?password=xxxxx"},
		{"postgres://u@host/db", "postgres://u@host/db"},
		{"./sweep.db", "./sweep.db"},
	}
	for _, tc := range tests {
		if got := displayDSN(tc.in); got != tc.want {
			t.Errorf("displayDSN(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
