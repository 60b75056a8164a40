package tracker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sweep-ml/sweep/search"
)

// syncBuffer is a bytes.Buffer safe for a logger and a test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLeasesRenewHeldTrials(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var calls [][]int64
		fail := false
		stolen := map[int64]bool{}
		var logs syncBuffer
		l := NewLeases(10*time.Second, func(ctx context.Context, ids []int64) ([]int64, error) {
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, ids)
			if fail {
				return nil, errors.New("connection refused")
			}
			var kept []int64
			for _, id := range ids {
				if !stolen[id] {
					kept = append(kept, id)
				}
			}
			return kept, nil
		}, slog.New(slog.NewTextHandler(&logs, nil)))
		snapshot := func() string {
			mu.Lock()
			defer mu.Unlock()
			return fmt.Sprint(calls)
		}

		time.Sleep(time.Minute)
		synctest.Wait()
		if got := snapshot(); got != "[]" {
			t.Fatalf("renewals before any Hold: %s", got)
		}
		l.Hold(7)
		l.Hold(3)
		time.Sleep(10 * time.Second)
		synctest.Wait()
		l.Release(7)
		time.Sleep(10 * time.Second)
		synctest.Wait()
		l.Release(3)
		time.Sleep(30 * time.Second) // nothing held: no renewals
		synctest.Wait()
		if got, want := snapshot(), "[[3 7] [3]]"; got != want {
			t.Errorf("renewals %s, want %s", got, want)
		}

		// A trial another worker took over is released and reported.
		l.Hold(5)
		l.Hold(6)
		mu.Lock()
		stolen[6] = true
		mu.Unlock()
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if !slices.Equal(l.Held(), []int64{5}) || !strings.Contains(logs.String(), "taken over by another process") || !strings.Contains(logs.String(), "trials=[6]") {
			t.Errorf("after a takeover: held %v, log %q; want [5] and a warning naming trial 6", l.Held(), logs.String())
		}

		mu.Lock()
		fail = true
		mu.Unlock()
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if !strings.Contains(logs.String(), "heartbeat failed") || !strings.Contains(logs.String(), "trials [5]: connection refused") {
			t.Errorf("log %q, want a warning naming the trials and the cause", logs.String())
		}
		if !slices.Equal(l.Held(), []int64{5}) {
			t.Errorf("a failed renewal must keep the trials held, got %v", l.Held())
		}

		l.Close()
		n := len(snapshot())
		time.Sleep(time.Minute)
		synctest.Wait()
		if len(snapshot()) != n {
			t.Errorf("renewals after Close: %s", snapshot())
		}
		l.Hold(11) // after Close: ignored, no goroutine
		if !slices.Equal(l.Held(), []int64{5}) {
			t.Errorf("held after Close %v, want [5]", l.Held())
		}
	})
}

// A renewal that hangs is cut off at the interval, not left to outlast the
// lease.
func TestLeasesRenewalTimesOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs syncBuffer
		l := NewLeases(10*time.Second, func(ctx context.Context, ids []int64) ([]int64, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		}, slog.New(slog.NewTextHandler(&logs, nil)))
		defer l.Close()
		l.Hold(1)
		time.Sleep(25 * time.Second)
		synctest.Wait()
		if !strings.Contains(logs.String(), "context deadline exceeded") {
			t.Errorf("log %q, want the hung renewal cut off", logs.String())
		}
	})
}

func TestNewLeasesTinyInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := NewLeases(0, func(ctx context.Context, ids []int64) ([]int64, error) { return ids, nil }, nil)
		l.Hold(1) // a zero interval would make time.NewTicker panic
		time.Sleep(time.Second)
		l.Close()
	})
}

func TestWorkerIDsDiffer(t *testing.T) {
	a, b := WorkerID(), WorkerID()
	if a == b || strings.Count(a, ":") != 2 {
		t.Errorf("WorkerID() = %q, %q: want two different host:pid:suffix names", a, b)
	}
}

func TestDeadLocalWorker(t *testing.T) {
	host, _ := os.Hostname()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	gone := cmd.Process.Pid // exited and reaped
	tests := []struct {
		worker string
		dead   bool
	}{
		{host + ":" + strconv.Itoa(gone) + ":abcd", true},
		{host + ":" + strconv.Itoa(os.Getpid()) + ":abcd", false}, // this process
		{host + ":1:abcd", false},                                 // init: alive
		{"other-host:" + strconv.Itoa(gone) + ":abcd", false},     // cannot know
		{host, false}, // a worker name without a process ID
		{host + ":notapid:abcd", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := DeadLocalWorker(tc.worker); got != tc.dead {
			t.Errorf("DeadLocalWorker(%q) = %v, want %v", tc.worker, got, tc.dead)
		}
	}
}

func TestHeldError(t *testing.T) {
	err := HeldError("h:1:ab", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	if !errors.Is(err, search.ErrTrialHeld) || err.Error() != "trial is running in another process (worker h:1:ab, lease until 2026-01-02T03:04:05Z)" {
		t.Errorf("HeldError = %v", err)
	}
	if err := HeldError("h", time.Time{}); err.Error() != "trial is running in another process (worker h)" {
		t.Errorf("HeldError without a lease = %v", err)
	}
}
