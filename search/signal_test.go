package search

import (
	"context"
	"syscall"
	"testing"
)

// The only test that sends SIGUSR1 to the test process; not parallel.
func TestNotifyStop(t *testing.T) {
	ctx, stop, release := NotifyStop(context.Background(), syscall.SIGUSR1)
	defer release()
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	<-stop
	if ctx.Err() != nil {
		t.Fatal("first signal cancelled the context")
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	<-ctx.Done()
	if got := context.Cause(ctx).Error(); got != "second signal: user defined signal 1" {
		t.Errorf("cause = %q", got)
	}
	release()
	release() // idempotent
}

func TestNotifyStopRelease(t *testing.T) {
	ctx, stop, release := NotifyStop(context.Background(), syscall.SIGUSR2)
	release()
	select {
	case <-stop:
		t.Error("release closed stop")
	default:
	}
	if context.Cause(ctx) != context.Canceled {
		t.Errorf("after release: cause %v, want context.Canceled", context.Cause(ctx))
	}
}
