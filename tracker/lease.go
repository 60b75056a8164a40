package tracker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sweep-ml/sweep/search"
)

// DefaultLease is how long a started trial stays claimed by its process
// without a heartbeat. Stores renew the leases of the trials they run every
// third of it, so a process that dies leaves its running trials to others
// after at most this long.
const DefaultLease = time.Minute

// MinLease is the shortest lease a store accepts.
const MinLease = time.Second

// WorkerID names one store of one process in the trials' worker column:
// host name, process ID and a random suffix (two stores of one process are
// two workers).
func WorkerID() string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return fmt.Sprintf("%s:%d", hostname(), os.Getpid())
	}
	return fmt.Sprintf("%s:%d:%s", hostname(), os.Getpid(), hex.EncodeToString(b[:]))
}

func hostname() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		return "unknown-host"
	}
	return host
}

// DeadLocalWorker reports whether worker (a WorkerID) names a process on
// this host that no longer exists, so that its trials need not wait for
// their leases to expire. It is false whenever that cannot be known: another
// host, no process ID, or a process that exists (perhaps a new one that
// reuses the ID).
func DeadLocalWorker(worker string) bool {
	parts := strings.Split(worker, ":")
	if len(parts) < 2 || parts[0] != hostname() {
		return false
	}
	pid, err := strconv.Atoi(parts[1])
	if err != nil || pid <= 0 || pid == os.Getpid() {
		return false
	}
	return processGone(pid)
}

// HeldError is search.ErrTrialHeld naming the worker that holds the trial
// and when its lease expires (zero: unknown).
func HeldError(worker string, until time.Time) error {
	if until.IsZero() {
		return fmt.Errorf("%w (worker %s)", search.ErrTrialHeld, worker)
	}
	return fmt.Errorf("%w (worker %s, lease until %s)", search.ErrTrialHeld, worker, until.UTC().Format(time.RFC3339))
}

// RenewFunc renews the leases of the trials ids and returns those whose
// lease it renewed; a trial left out is no longer this worker's (another
// process took it over after its lease expired).
type RenewFunc func(ctx context.Context, ids []int64) (renewed []int64, err error)

// Leases keeps the leases of the trials a store has started alive: while a
// trial is held, a goroutine renews the held trials every interval. It
// starts with the first Hold and ends at Close.
type Leases struct {
	interval time.Duration
	renew    RenewFunc
	log      *slog.Logger

	mu     sync.Mutex
	held   map[int64]struct{}
	cancel context.CancelFunc // nil until the goroutine runs
	done   chan struct{}
	closed bool
}

// NewLeases returns Leases that renew every interval (at least a
// millisecond). Failed renewals and trials taken over by another process
// are logged as warnings on log (nil: not logged); the next tick tries
// again.
func NewLeases(interval time.Duration, renew RenewFunc, log *slog.Logger) *Leases {
	return &Leases{interval: max(interval, time.Millisecond), renew: renew, log: log, held: map[int64]struct{}{}}
}

// Hold adds a started trial.
func (l *Leases) Hold(id int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	l.held[id] = struct{}{}
	if l.cancel == nil {
		ctx, cancel := context.WithCancel(context.Background())
		l.cancel, l.done = cancel, make(chan struct{})
		go l.loop(ctx)
	}
}

// Release removes a trial that has finished (or was taken over).
func (l *Leases) Release(id int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.held, id)
}

// Held returns the held trial IDs in increasing order.
func (l *Leases) Held() []int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	ids := make([]int64, 0, len(l.held))
	for id := range l.held {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Renew renews the held trials' leases now, as the goroutine does every
// interval. Trials another process has taken over are released and
// returned, with a warning logged.
func (l *Leases) Renew(ctx context.Context) (lost []int64, err error) {
	ids := l.Held()
	if len(ids) == 0 {
		return nil, nil
	}
	renewed, err := l.renew(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("renew the leases of trials %v: %w", ids, err)
	}
	for _, id := range ids {
		if !slices.Contains(renewed, id) {
			lost = append(lost, id)
		}
	}
	if len(lost) > 0 {
		l.mu.Lock()
		for _, id := range lost {
			delete(l.held, id)
		}
		l.mu.Unlock()
		if l.log != nil {
			l.log.Warn("trials taken over by another process after their lease expired; their results here will be dropped",
				"trials", lost)
		}
	}
	return lost, nil
}

// Close stops renewing and waits for a renewal in flight.
func (l *Leases) Close() {
	l.mu.Lock()
	l.closed = true
	cancel, done := l.cancel, l.done
	l.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

func (l *Leases) loop(ctx context.Context) {
	defer close(l.done)
	tick := time.NewTicker(l.interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		// A renewal that hangs must not outlast the lease it renews.
		rctx, cancel := context.WithTimeout(ctx, l.interval)
		_, err := l.Renew(rctx)
		cancel()
		if err != nil && ctx.Err() == nil && l.log != nil {
			l.log.Warn("heartbeat failed; retrying at the next tick", "every", l.interval, "error", err)
		}
	}
}
