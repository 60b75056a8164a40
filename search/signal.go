package search

import (
	"context"
	"fmt"
	"os"
	"os/signal"
)

// NotifyStop wires the two-stage stop of Optimize to OS signals (typically
// os.Interrupt and syscall.SIGTERM): the first signal closes stop (pass it
// as Config.Stop: no new trials, running ones get the grace period), the
// second cancels ctx (pass it to Optimize: running trials are cancelled and
// recorded as interrupted), with cause "second signal: <name>". release
// stops relaying signals and must be called when the sweep is over.
func NotifyStop(parent context.Context, sigs ...os.Signal) (ctx context.Context, stop <-chan struct{}, release func()) {
	ctx, cancel := context.WithCancelCause(parent)
	stopCh := make(chan struct{})
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, sigs...)
	done := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		first := true
		for {
			select {
			case sig := <-ch:
				if first {
					first = false
					close(stopCh)
					continue
				}
				cancel(fmt.Errorf("second signal: %v", sig))
				return
			case <-done:
				return
			}
		}
	}()
	release = func() {
		signal.Stop(ch)
		select {
		case <-done:
		default:
			close(done)
		}
		<-exited
		cancel(nil)
	}
	return ctx, stopCh, release
}
