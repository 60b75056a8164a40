package sweepcli

import (
	"bytes"
	"errors"
	"log/slog"
	"testing"
	"time"
)

// TestWarnHandler checks the one-line warnings of sweep run: a retry's
// next attempt of the total and its wait, other attributes after it, the
// error last on the same line, and the DSN's secret masked everywhere.
func TestWarnHandler(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		attempts int
		log      func(*slog.Logger)
		want     string
	}{
		{"postgres retry", 5, func(l *slog.Logger) {
			l.Warn("postgres: retrying", "op", "connect", "attempt", 1, "wait", 400*time.Millisecond+123*time.Microsecond,
				"error", "failed to connect to `user=sweep`:\n\tdial tcp: connection refused")
		}, "sweep: warning: postgres: retrying (attempt 2/5 in 400ms, op=connect): failed to connect to `user=sweep`: dial tcp: connection refused\n"},
		{"driver retry", 0, func(l *slog.Logger) {
			l.Warn("store call failed; retrying", "call", "start trial", "attempt", 3, "wait", time.Second, "error", errors.New("conn reset"))
		}, "sweep: warning: store call failed; retrying (attempt 4 in 1s, call=\"start trial\"): conn reset\n"},
		{"heartbeat", 5, func(l *slog.Logger) {
			l.With("every", 20*time.Second).Warn("heartbeat failed; retrying at the next tick", "error", "timeout")
		}, "sweep: warning: heartbeat failed; retrying at the next tick (every=20s): timeout\n"},
		{"secret", 5, func(l *slog.Logger) {
			l.Warn("postgres: retrying", "attempt", 1, "error", "password hunter2secret rejected")
		}, "sweep: warning: postgres: retrying (attempt 2/5): password xxxxx rejected\n"},
		{"info is not shown", 5, func(l *slog.Logger) { l.Info("retrying failed trial", "trial", 3) }, ""},
	}
	for _, tc := range tests {
		var buf bytes.Buffer
		tc.log(slog.New(newWarnHandler(&buf, []string{"hunter2secret"}, tc.attempts)))
		if buf.String() != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, buf.String(), tc.want)
		}
	}
}
