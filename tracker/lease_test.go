package tracker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func TestLeasesRenewHeldTrials(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var calls [][]int64
		var errs []string
		fail := false
		l := NewLeases(10*time.Second, func(ctx context.Context, ids []int64) error {
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, ids)
			if fail {
				return errors.New("connection refused")
			}
			return nil
		}, func(err error) {
			mu.Lock()
			defer mu.Unlock()
			errs = append(errs, err.Error())
		})
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

		l.Hold(9)
		mu.Lock()
		fail = true
		mu.Unlock()
		time.Sleep(10 * time.Second)
		synctest.Wait()
		mu.Lock()
		if len(errs) != 1 || !strings.Contains(errs[0], "trials [9]: connection refused") {
			t.Errorf("errors %q, want one naming the trials and the cause", errs)
		}
		mu.Unlock()

		l.Close()
		n := len(snapshot())
		time.Sleep(time.Minute)
		synctest.Wait()
		if len(snapshot()) != n {
			t.Errorf("renewals after Close: %s", snapshot())
		}
		l.Hold(11) // after Close: ignored, no goroutine
		if !slices.Equal(l.Held(), []int64{9}) {
			t.Errorf("held after Close %v, want [9]", l.Held())
		}
	})
}

func TestWorkerIDsDiffer(t *testing.T) {
	a, b := WorkerID(), WorkerID()
	if a == b || strings.Count(a, ":") < 2 {
		t.Errorf("WorkerID() = %q, %q: want two different host:pid:suffix names", a, b)
	}
}
