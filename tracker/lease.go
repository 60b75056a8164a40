package tracker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"
)

// DefaultLease is how long a started trial stays claimed by its process
// without a heartbeat. Stores renew the leases of the trials they run every
// third of it, so a process that dies leaves its running trials to others
// after at most this long.
const DefaultLease = time.Minute

// WorkerID names one store of one process in the trials' worker column:
// host name, process ID and a random suffix (two stores of one process are
// two workers).
func WorkerID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown-host"
	}
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// Leases keeps the leases of the trials a store has started alive: while a
// trial is held, a goroutine calls renew with the held trial IDs every
// interval. The goroutine starts with the first Hold and ends at Close.
type Leases struct {
	interval time.Duration
	renew    func(ctx context.Context, ids []int64) error
	onError  func(error)

	mu     sync.Mutex
	held   map[int64]struct{}
	cancel context.CancelFunc // nil until the goroutine runs
	done   chan struct{}
	closed bool
}

// NewLeases returns Leases that renew every interval; renew errors go to
// onError (nil drops them) and the next tick tries again.
func NewLeases(interval time.Duration, renew func(ctx context.Context, ids []int64) error, onError func(error)) *Leases {
	return &Leases{interval: interval, renew: renew, onError: onError, held: map[int64]struct{}{}}
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
		ids := l.Held()
		if len(ids) == 0 {
			continue
		}
		if err := l.renew(ctx, ids); err != nil && ctx.Err() == nil && l.onError != nil {
			l.onError(fmt.Errorf("renew the leases of trials %v: %w", ids, err))
		}
	}
}
