package sweepcli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sweep-ml/sweep/search"
)

// events is a small sweep as the driver reports it: two trials run, one
// epoch each is reported, trial 1 completes, trial 0 fails and completes on
// its retry.
func events(t0 time.Time) []search.Event {
	tr := func(id int64, n int, st search.Status, v float64) search.Trial {
		t := search.Trial{ID: id, Number: n, Status: st, Params: search.Params{"units": search.Int(8 * id), "dropout": search.Float(0.123456)}}
		if st == search.StatusComplete {
			t.Result = &search.Result{Value: v, Values: map[string]float64{"val_macro_f1": v, "test_macro_f1": v - 0.1, "val_loss": 0.5}, EpochsRun: 3}
		}
		if st == search.StatusFailed {
			t.Error = "trainer: diverged\nmore detail"
		}
		return t
	}
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	return []search.Event{
		{Kind: search.EventTrialStarted, Time: at(0), Trial: tr(1, 0, search.StatusRunning, 0)},
		{Kind: search.EventTrialStarted, Time: at(0), Trial: tr(2, 1, search.StatusRunning, 0)},
		{Kind: search.EventEpoch, Time: at(1), Trial: tr(2, 1, search.StatusRunning, 0), Epoch: 1, Value: 0.75},
		{Kind: search.EventTrialFinished, Time: at(2), Trial: tr(2, 1, search.StatusComplete, 0.9)},
		{Kind: search.EventTrialFinished, Time: at(3), Trial: tr(1, 0, search.StatusFailed, 0)},
		{Kind: search.EventTrialStarted, Time: at(3), Trial: again(tr(1, 0, search.StatusRunning, 0))},
		{Kind: search.EventTrialFinished, Time: at(4), Trial: again(tr(1, 0, search.StatusComplete, 0.95))},
	}
}

// again marks a trial as its second attempt.
func again(t search.Trial) search.Trial {
	t.Attempt = 2
	return t
}

func TestProgressPlain(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var buf bytes.Buffer
	p := newProgress(&buf, Env{Now: func() time.Time { return t0 }}.withDefaults(), 2, search.Maximize, "val_macro_f1")
	for _, ev := range events(t0) {
		p.event(ev)
	}
	p.finish()
	want := "2026-01-02T03:04:07Z trial 1 (ID 2) complete val_macro_f1=0.9000 test_macro_f1=0.8000 epochs=3 [1/2, best 0.9000 (ID 2)] dropout=0.1235 units=16\n" +
		"2026-01-02T03:04:08Z trial 0 (ID 1) failed: trainer: diverged [2/2, best 0.9000 (ID 2)] dropout=0.1235 units=8\n" +
		"2026-01-02T03:04:09Z trial 0 (ID 1) complete (attempt 2) val_macro_f1=0.9500 test_macro_f1=0.8500 epochs=3 [2/2, best 0.9500 (ID 1)] dropout=0.1235 units=8\n"
	if buf.String() != want {
		t.Errorf("plain progress:\n%s\nwant:\n%s", buf.String(), want)
	}
}

func TestProgressTerminal(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	now := t0
	var buf bytes.Buffer
	env := Env{Terminal: true, Width: 120, Now: func() time.Time { return now }}.withDefaults()
	p := newProgress(&buf, env, 4, search.Maximize, "val_macro_f1")
	for _, ev := range events(t0) {
		now = ev.Time
		p.event(ev)
	}
	out := buf.String()
	// The live block: the bar with done/total, ETA and best, and one line
	// per running trial with its epoch; redrawn by moving the cursor up.
	for _, want := range []string{
		"[........................] 0/4  elapsed 0s\n  trial 0 (ID 1)  epoch 0\n",
		"  trial 1 (ID 2)  epoch 1  val_macro_f1 0.7500\n",
		"\x1b[3A\x1b[J",
		"[######..................] 1/4  ETA 6s  elapsed 2s  best 0.9000 (ID 2)\n",
		"trial 1 (ID 2) complete val_macro_f1=0.9000",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("terminal progress lacks %q:\n%q", want, out)
		}
	}
	if strings.Contains(out, "2026-01-02T") {
		t.Error("terminal progress carries timestamps")
	}
	p.finish()
	if p.drawn != 0 {
		t.Errorf("finish left %d lines drawn", p.drawn)
	}
}

// TestFinishedLine checks the line of a finished trial: the attempt when
// it is a retry, the first line of the error.
func TestFinishedLine(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	params := search.Params{"units": search.Int(8)}
	tests := []struct {
		trial search.Trial
		hide  bool
		want  string
	}{
		{search.Trial{ID: 3, Number: 2, Status: search.StatusFailed, Attempt: 1, Params: params, Error: "scaler: NaN\nstack"}, false,
			"trial 2 (ID 3) failed: scaler: NaN [0/4] units=8"},
		{search.Trial{ID: 3, Number: 2, Status: search.StatusFailed, Attempt: 2, Params: params, Error: "scaler: NaN"}, false,
			"trial 2 (ID 3) failed (attempt 2): scaler: NaN [0/4] units=8"},
		{search.Trial{ID: 3, Number: 2, Status: search.StatusInterrupted, Attempt: 1, Params: params, Error: "interrupted: context canceled"}, false,
			"trial 2 (ID 3) interrupted: cancelled [0/4] units=8"},
		{search.Trial{ID: 3, Number: 2, Status: search.StatusInterrupted, Attempt: 1, Params: params, Error: "interrupted: second signal: interrupt"}, false,
			"trial 2 (ID 3) interrupted: cancelled by a second interrupt [0/4] units=8"},
		{search.Trial{ID: 3, Number: 2, Status: search.StatusInterrupted, Attempt: 1, Params: params, Error: "interrupted: second signal: terminated"}, false,
			"trial 2 (ID 3) interrupted: cancelled by a second signal (terminated) [0/4] units=8"},
		{search.Trial{ID: 3, Number: 2, Status: search.StatusInterrupted, Attempt: 1, Params: params, Error: "interrupted: grace period after stop ended"}, false,
			"trial 2 (ID 3) interrupted: grace period after stop ended [0/4] units=8"},
		{search.Trial{ID: 3, Number: 2, Status: search.StatusFailed, Attempt: 1, Params: search.Params{"epochs": search.Int(3)}, Error: "x"}, true,
			"trial 2 (ID 3) failed: x [0/4]"},
		// A finite but huge value (a loss objective that blew up) stays short.
		{search.Trial{ID: 4, Number: 3, Status: search.StatusComplete, Attempt: 1, Params: params,
			Result: &search.Result{Value: 1.2345e72, Values: map[string]float64{"test_macro_f1": 0.25}, EpochsRun: 5}}, false,
			"trial 3 (ID 4) complete val_macro_f1=1.234e+72 test_macro_f1=0.2500 epochs=5 [0/4] units=8"},
	}
	for _, tc := range tests {
		p := newProgress(nil, Env{Now: func() time.Time { return t0 }}.withDefaults(), 4, search.Maximize, "val_macro_f1")
		p.hideParams = tc.hide
		got := p.finishedLine(search.Event{Kind: search.EventTrialFinished, Time: t0, Trial: tc.trial})
		if want := "2026-01-02T03:04:05Z " + tc.want; got != want {
			t.Errorf("finishedLine:\n got %q\nwant %q", got, want)
		}
	}
}

func TestProgressStopping(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var buf bytes.Buffer
	p := newProgress(&buf, Env{Now: func() time.Time { return t0 }}.withDefaults(), 4, search.Maximize, "val_macro_f1")
	p.event(search.Event{Kind: search.EventStopping, Time: t0, Reason: search.StopSignal, Running: 1})
	p.event(search.Event{Kind: search.EventStopping, Time: t0, Reason: search.StopTarget, Running: 2})
	want := "2026-01-02T03:04:05Z stopping (interrupted): 1 trial still running\n" +
		"2026-01-02T03:04:05Z stopping (target reached): 2 trials still running\n"
	if buf.String() != want {
		t.Errorf("stopping lines:\n%s\nwant:\n%s", buf.String(), want)
	}
}

// TestProgressResume checks that a resumed sweep's progress starts from the
// trials the study already recorded: those with an outcome count towards
// done (an interrupted one does not: it runs again), and the best complete
// one is the best so far, ranked as the summary ranks.
func TestProgressResume(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	done := func(id int64, n int, v float64) search.Trial {
		return search.Trial{ID: id, Number: n, Status: search.StatusComplete,
			Result: &search.Result{Value: v, Values: map[string]float64{"test_macro_f1": v, "val_loss": 0.5}, EpochsRun: 3}}
	}
	recorded := []search.Trial{
		done(3, 0, 0.9861),
		done(7, 1, 0.9825),
		{ID: 8, Number: 2, Status: search.StatusFailed, Error: "x"},
		{ID: 9, Number: 3, Status: search.StatusPruned, Result: &search.Result{Value: 0.2, EpochsRun: 1}},
		{ID: 10, Number: 4, Status: search.StatusInterrupted},
	}
	var buf bytes.Buffer
	p := newProgress(&buf, Env{Now: func() time.Time { return t0 }}.withDefaults(), 6, search.Maximize, "val_macro_f1")
	p.hideParams = true
	p.resume(recorded)
	p.event(search.Event{Kind: search.EventTrialFinished, Time: t0, Trial: done(10, 4, 0.9)})
	p.event(search.Event{Kind: search.EventTrialFinished, Time: t0, Trial: done(11, 5, 0.99)})
	want := "2026-01-02T03:04:05Z trial 4 (ID 10) complete val_macro_f1=0.9000 test_macro_f1=0.9000 epochs=3 [5/6, best 0.9861 (ID 3)]\n" +
		"2026-01-02T03:04:05Z trial 5 (ID 11) complete val_macro_f1=0.9900 test_macro_f1=0.9900 epochs=3 [6/6, best 0.9900 (ID 11)]\n"
	if buf.String() != want {
		t.Errorf("resumed progress:\n%s\nwant:\n%s", buf.String(), want)
	}
}

// TestProgressResumeETA checks that the ETA of a resumed sweep is
// estimated from the trials this run finished, not the recorded ones.
func TestProgressResumeETA(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	now := t0
	var buf bytes.Buffer
	p := newProgress(&buf, Env{Terminal: true, Width: 120, Now: func() time.Time { return now }}.withDefaults(), 4, search.Maximize, "val_macro_f1")
	p.resume([]search.Trial{{ID: 1, Number: 0, Status: search.StatusPruned}, {ID: 2, Number: 1, Status: search.StatusFailed}})
	now = t0.Add(2 * time.Second)
	p.event(search.Event{Kind: search.EventTrialFinished, Time: now, Trial: search.Trial{ID: 3, Number: 2, Status: search.StatusPruned}})
	// One trial in 2s, one left: 2s more.
	if want := "[##################......] 3/4  ETA 2s  elapsed 2s\n"; !strings.Contains(buf.String(), want) {
		t.Errorf("resumed terminal progress lacks %q:\n%q", want, buf.String())
	}
}
