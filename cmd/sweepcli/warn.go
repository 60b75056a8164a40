package sweepcli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sweep-ml/sweep/tracker"
)

// warnHandler is the slog handler of sweep run's warnings (a store
// retrying, a failed heartbeat, a trial taken over by another process): one
// line each, "sweep: warning: MSG (DETAILS): ERROR", as the command line's
// other messages read. A retry's attempt and wait read "attempt 2/5 in
// 400ms": the attempt about to be made, of attempts in all. The DSN's
// secrets are masked from the whole line. Groups are flattened.
type warnHandler struct {
	mu      *sync.Mutex
	w       io.Writer
	secrets []string
	// attempts is the number of tries a retry makes, first included; 0
	// leaves the total out.
	attempts int
	attrs    []slog.Attr
}

func newWarnHandler(w io.Writer, secrets []string, attempts int) *warnHandler {
	return &warnHandler{mu: &sync.Mutex{}, w: w, secrets: secrets, attempts: attempts}
}

func (h *warnHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }

func (h *warnHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), attrs...)
	return &c
}

func (h *warnHandler) WithGroup(string) slog.Handler { return h }

func (h *warnHandler) Handle(_ context.Context, r slog.Record) error {
	var (
		attempt int64
		wait    time.Duration
		hasWait bool
		errText string
		details []string
	)
	add := func(a slog.Attr) bool {
		v := a.Value.Resolve()
		switch {
		case a.Key == "attempt" && v.Kind() == slog.KindInt64:
			attempt = v.Int64()
		case a.Key == "wait" && v.Kind() == slog.KindDuration:
			wait, hasWait = v.Duration(), true
		case a.Key == "error":
			errText = oneLine(v.String())
		case a.Key != "":
			s := oneLine(v.String())
			if strings.ContainsAny(s, " =\"") {
				s = strconv.Quote(s)
			}
			details = append(details, a.Key+"="+s)
		}
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	if attempt > 0 {
		// The attempt that failed is logged; the next one is about to run.
		s := fmt.Sprintf("attempt %d", attempt+1)
		if h.attempts > 0 {
			s += fmt.Sprintf("/%d", h.attempts)
		}
		if hasWait {
			s += " in " + wait.Round(time.Millisecond).String()
		}
		details = append([]string{s}, details...)
	} else if hasWait {
		details = append(details, "wait="+wait.Round(time.Millisecond).String())
	}
	var sb strings.Builder
	sb.WriteString("sweep: warning: ")
	sb.WriteString(oneLine(r.Message))
	if len(details) > 0 {
		fmt.Fprintf(&sb, " (%s)", strings.Join(details, ", "))
	}
	if errText != "" {
		sb.WriteString(": ")
		sb.WriteString(errText)
	}
	line := tracker.Redact(sb.String(), h.secrets) + "\n"
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, line)
	return err
}

// oneLine joins the words of s, over any lines, with single spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
