package sweepcli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sweep-ml/sweep/experiments"
	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker"
	"github.com/sweep-ml/sweep/tracker/postgres"
	"github.com/sweep-ml/sweep/trainer/data"
)

func (c *commands) runCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "run (or resume) the study a spec file describes",
		ArgsUsage: "SPEC.yaml",
		Description: "Validates the spec, prints the plan, runs the trials and prints the top 5.\n" +
			"Running the same spec again resumes the study. Ctrl-C once stops scheduling\n" +
			"new trials and lets running ones finish; twice cancels them (recorded as interrupted).",
		Flags: []cli.Flag{
			dbFlag(),
			&cli.StringFlag{Name: "study", Usage: "study `NAME`", DefaultText: "the spec's name"},
			&cli.IntFlag{Name: "parallel", Usage: "`N` trials trained at once", DefaultText: "the spec's search.parallel"},
			&cli.IntFlag{Name: "trials", Usage: "`N` trials in the study", DefaultText: "the spec's search.trials"},
			&cli.GenericFlag{Name: "timeout", Value: &durationValue{}, Usage: "stop scheduling new trials after this `DURATION`, e.g. 8h, or a number of seconds", DefaultText: "the spec's search.timeout"},
			&cli.Uint64Flag{Name: "seed", Usage: "study `SEED`", DefaultText: "the spec's seed"},
			&cli.GenericFlag{Name: "grace", Value: &durationValue{positive: true}, Usage: "`DURATION` running trials may take to finish after the first interrupt or the timeout, before they are cancelled", DefaultText: "1m"},
		},
		Action: c.run,
	}
}

func (c *commands) run(ctx *cli.Context) error {
	path, err := oneArg(ctx, "spec file")
	if err != nil {
		return err
	}
	dsn, err := c.dsn(ctx)
	if err != nil {
		return err
	}
	spec, err := experiments.Load(path)
	if err != nil {
		return err
	}
	if err := applyRunFlags(ctx, spec); err != nil {
		return err
	}
	space, err := spec.SearchSpace()
	if err != nil {
		return err
	}

	// The first signal closes stop (no new trials, running ones get the
	// grace period); the second cancels runCtx.
	runCtx, stop := ctx.Context, (<-chan struct{})(nil)
	if len(c.env.Signals) > 0 {
		var release func()
		runCtx, stop, release = search.NotifyStop(ctx.Context, c.env.Signals...)
		// release cancels runCtx (cause context.Canceled), which ends the
		// messages' goroutine; it has written its last line when run
		// returns.
		exited := make(chan struct{})
		defer func() {
			release()
			<-exited
		}()
		go func() {
			defer close(exited)
			select {
			case <-stop:
				fmt.Fprintln(c.env.Stderr, "sweep: stopping: no new trials; running trials may finish (interrupt again to cancel them)")
			case <-runCtx.Done():
				return
			}
			<-runCtx.Done()
			if !errors.Is(context.Cause(runCtx), context.Canceled) {
				fmt.Fprintln(c.env.Stderr, "sweep: cancelling running trials")
			}
		}()
	}
	out := c.env.Stdout

	table, err := experiments.LoadData(runCtx, spec)
	if err != nil {
		return err
	}
	// Data problems that would fail every trial (one class, a class too
	// small to split, SMOTE on text, ...) are spec errors, found before
	// the store is opened and any trial is recorded.
	obj := experiments.NewObjective(spec, table)
	if err := obj.Check(runCtx); err != nil {
		return err
	}
	dropped, everyTrial, err := obj.ImputeDropped(runCtx)
	if err != nil {
		return err
	}
	// Warnings only: a store retrying a dropped connection, a failed
	// heartbeat, a trial taken over by another process. The store and the
	// driver each retry up to their own number of attempts.
	secrets := tracker.Secrets(dsn)
	st, err := openStore(runCtx, dsn, slog.New(newWarnHandler(c.env.Stderr, secrets, postgres.Options{}.WithDefaults().Retry.MaxAttempts)))
	if err != nil {
		return err
	}
	defer st.Close()

	study := spec.Study(table)
	recorded := 0
	var prevTrials []search.Trial
	var runStore search.Store = st
	if prev, err := st.StudyByName(runCtx, study.Name); err == nil {
		diffs, err := spec.ResumeDiff(prev.Spec)
		if err != nil {
			return fmt.Errorf("study %q: %w; pass --study NAME to start a new study", study.Name, err)
		}
		if len(diffs) > 0 {
			more := ""
			if len(diffs) > 1 {
				more = fmt.Sprintf(" (and %s more)", count(len(diffs)-1, "difference", "differences"))
			}
			return fmt.Errorf("study %q already exists with a different spec: %s%s; pass --study NAME to start a new study", study.Name, diffs[0], more)
		}
		if prev.DatasetFingerprint != study.DatasetFingerprint {
			return fmt.Errorf("study %q was run on other data (fingerprint %.12s, now %.12s); pass --study NAME to start a new study",
				study.Name, prev.DatasetFingerprint, study.DatasetFingerprint)
		}
		if prev.Seed != study.Seed {
			return fmt.Errorf("study %q has seed %d, not %d; pass --study NAME to start a new study", study.Name, prev.Seed, study.Seed)
		}
		trials, err := st.Trials(runCtx, prev.ID)
		if err != nil {
			return err
		}
		recorded, prevTrials = len(trials), trials
		runStore = &primedStore{Store: st, studyID: prev.ID, trials: trials}
	} else if !errors.Is(err, search.ErrNotFound) {
		return fmt.Errorf("look up study %q: %w", study.Name, err)
	}

	asked := spec.TrialCount()
	total := asked
	var sampler search.Sampler = search.NewRandom()
	if spec.Search.Sampler == "grid" {
		sampler = search.Grid{}
		if n, ok := spec.SpaceSize(); ok && n < total {
			total = n
		}
	}
	printPlan(out, spec, path, describeTable(table, dropped, everyTrial), study, recorded, asked, total, describeStore(dsn))

	cfg := search.Config{
		Parallel:     spec.Search.Parallel,
		MaxTrials:    total,
		Deadline:     spec.Search.Timeout,
		TrialTimeout: spec.Search.TrialTimeout,
		Target:       spec.Search.Target,
		MaxRetries:   spec.Search.MaxRetries,
		Grace:        durationOf(ctx, "grace"),
		Stop:         stop,
		Clock:        c.env.Now,
	}
	cfg.Log = slog.New(newWarnHandler(c.env.Stderr, secrets, cfg.WithDefaults().StoreAttempts))
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = -1
	}
	if p := spec.Search.Pruner; p != nil {
		cfg.Pruner = search.MedianPruner{WarmupTrials: p.WarmupTrials, WarmupEpochs: p.WarmupEpochs}
	}
	prog := newProgress(out, c.env, total, spec.Direction(), spec.Search.Objective)
	// An empty space is run as one fixed placeholder parameter, which
	// the spec does not have.
	prog.hideParams = len(spec.Search.Space) == 0
	prog.resume(prevTrials)
	cfg.OnEvent = prog.event
	sum, err := search.Optimize(runCtx, runStore, study, space, sampler, obj.Run, cfg)
	prog.finish()
	if len(sum.Trials) > 0 {
		printSummary(out, sum, spec, c.dsnArg(dsn))
	}
	if err != nil && runCtx.Err() != nil && ctx.Context.Err() == nil {
		// Cancelled by the second signal: running trials were recorded
		// as interrupted and will run again on resume.
		return cli.Exit(fmt.Sprintf("cancelled by a second interrupt after %s; run the same command to resume", count(sum.Started, "trial attempt", "trial attempts")), ExitFailure)
	}
	if err != nil {
		return err
	}
	if sum.Reason == search.StopSignal || sum.Reason == search.StopCancelled {
		return cli.Exit(fmt.Sprintf("stopped by interrupt after %s; run the same command to resume", count(sum.Started, "trial attempt", "trial attempts")), ExitFailure)
	}
	if failures := groupFailures(sum.Trials); sum.Count(search.StatusComplete) == 0 && len(failures) > 0 {
		n := sum.Count(search.StatusFailed)
		msg := fmt.Sprintf("no trial completed: %s failed", count(n, "trial", "trials"))
		if len(failures) == 1 {
			msg += ": " + failures[0].msg
		} else {
			msg += fmt.Sprintf(" with %d distinct errors (listed above); the most frequent, %s: %s", len(failures), count(failures[0].count, "time", "times"), failures[0].msg)
		}
		return cli.Exit(msg, ExitFailure)
	}
	return nil
}

// failure is one distinct failure message of a study's trials.
type failure struct {
	msg   string
	count int
}

// groupFailures returns the distinct first lines of the failed trials'
// errors, the most frequent first (ties: the first seen).
func groupFailures(trials []search.Trial) []failure {
	var out []failure
	at := map[string]int{}
	for _, t := range trials {
		if t.Status != search.StatusFailed {
			continue
		}
		msg := firstLine(t.Error)
		if i, ok := at[msg]; ok {
			out[i].count++
			continue
		}
		at[msg] = len(out)
		out = append(out, failure{msg: msg, count: 1})
	}
	slices.SortStableFunc(out, func(a, b failure) int { return b.count - a.count })
	return out
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// count returns n with the noun in its number: "1 trial", "2 trials",
// "0 trials".
func count(n int, one, many string) string {
	return strconv.Itoa(n) + " " + plural(n, one, many)
}

// specFlags maps the spec fields that run's flags override to the flags.
var specFlags = map[string]string{
	"name":            "study",
	"seed":            "seed",
	"search.parallel": "parallel",
	"search.trials":   "trials",
	"search.timeout":  "timeout",
}

// applyRunFlags overrides spec's fields with the flags given and validates
// the result. The spec file was valid on its own, so a field error now is
// the flag's, and is reported as a usage error naming the flag.
func applyRunFlags(ctx *cli.Context, spec *experiments.Spec) error {
	if ctx.IsSet("study") {
		spec.Name = ctx.String("study")
	}
	if ctx.IsSet("parallel") {
		spec.Search.Parallel = ctx.Int("parallel")
	}
	if ctx.IsSet("trials") {
		spec.Search.Trials = ctx.Int("trials")
		if spec.Search.Trials == 0 {
			// 0 in a file means the default; on the command line it
			// is a mistake.
			return usagef("run: --trials: must be between 1 and 1000000, got 0")
		}
	}
	if ctx.IsSet("timeout") {
		spec.Search.Timeout = durationOf(ctx, "timeout")
	}
	if ctx.IsSet("seed") {
		spec.Seed = ctx.Uint64("seed")
	}
	err := spec.Validate()
	var fe *experiments.FieldError
	if errors.As(err, &fe) {
		if flag, ok := specFlags[fe.Path]; ok && ctx.IsSet(flag) {
			return usagef("run: --%s: %s", flag, fe.Msg)
		}
	}
	return err
}

// durationValue is the value of a duration flag, read as the spec reads
// its durations (experiments.ParseDuration): "8h", "90s", or a bare number
// of seconds.
type durationValue struct {
	d time.Duration
	// positive rejects 0 as well as negative durations, with one message.
	positive bool
}

// Set parses s with experiments.ParseDuration.
func (v *durationValue) Set(s string) error {
	d, err := experiments.ParseDuration(s)
	if v.positive && (err == nil && d == 0 || err != nil && isNegativeDuration(s)) {
		return fmt.Errorf("%q is not positive: want a duration above 0, such as 30s or 2m", s)
	}
	if err != nil {
		return err
	}
	v.d = d
	return nil
}

func (v *durationValue) String() string {
	if v == nil {
		return ""
	}
	return v.d.String()
}

// isNegativeDuration reports whether s is a duration with a minus sign.
func isNegativeDuration(s string) bool {
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), "-")
	_, err := experiments.ParseDuration(rest)
	return ok && err == nil
}

// durationOf returns the value of the duration flag name; 0 when unset.
func durationOf(ctx *cli.Context, name string) time.Duration {
	if v, ok := ctx.Generic(name).(*durationValue); ok {
		return v.d
	}
	return 0
}

// primedStore answers the first Trials call for a study with the trials
// run already read to count them, so that resuming reads a study's trials
// once; later calls, and calls for other studies, go to the store. Optimize
// lists the trials once, before it starts any; the store's leases keep a
// list read a moment earlier as safe as a fresh one.
type primedStore struct {
	search.Store
	studyID int64
	trials  []search.Trial
	used    bool
}

func (p *primedStore) Trials(ctx context.Context, studyID int64) ([]search.Trial, error) {
	if !p.used && studyID == p.studyID {
		p.used = true
		return p.trials, nil
	}
	return p.Store.Trials(ctx, studyID)
}

// dsnArg returns the --db argument to repeat in suggested commands: empty
// for the default store and for $SWEEP_DB. A password is never printed.
func (c *commands) dsnArg(dsn string) string {
	if dsn == DefaultDB || dsn == c.env.DB {
		return ""
	}
	arg := " --db " + shellQuote(tracker.RedactDSN(dsn))
	if len(tracker.Secrets(dsn)) > 0 {
		arg += "   # with the password put back"
	}
	return arg
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@=%+,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// describeTable summarizes a loaded data file on one line, with the rows
// that impute "drop" leaves out: in every trial, or in those that impute by
// dropping.
func describeTable(t *data.Table, imputeDropped int, everyTrial bool) string {
	classes := map[string]bool{}
	for _, l := range t.Labels {
		classes[l] = true
	}
	feat := count(len(t.Features), "numeric feature", "numeric features")
	if t.IsText() {
		feat = fmt.Sprintf("text column %q", t.Options.Text)
	}
	s := fmt.Sprintf("%s, %s, %s", count(t.Len(), "row", "rows"), feat, count(len(classes), "class", "classes"))
	if t.Dropped > 0 {
		s += fmt.Sprintf(", %s dropped", count(t.Dropped, "malformed row", "malformed rows"))
	}
	if imputeDropped == 0 {
		return s
	}
	if everyTrial {
		s += fmt.Sprintf(", %d dropped for missing values", imputeDropped)
	} else {
		s += fmt.Sprintf(", %d with missing values dropped when impute=drop", imputeDropped)
	}
	const shown = 3
	lines := t.MissingLines(shown)
	if len(lines) == 0 {
		return s
	}
	strs := make([]string, len(lines))
	for i, l := range lines {
		strs[i] = strconv.Itoa(l)
	}
	if imputeDropped > shown {
		strs = append(strs, "…")
	}
	return s + ": " + plural(imputeDropped, "line", "lines") + " " + strings.Join(strs, ", ")
}

// printPlan prints what the sweep will do. asked is the number of trials
// the spec or --trials asks for, total the number that will run (a grid
// smaller than asked caps it).
func printPlan(w io.Writer, spec *experiments.Spec, path string, table string, study search.Study, recorded, asked, total int, store string) {
	size := "infinite (continuous ranges)"
	if n, ok := spec.SpaceSize(); ok {
		size = count(n, "point", "points")
		if n == math.MaxInt {
			size = fmt.Sprintf("more than %d points, too many for a grid", math.MaxInt32)
		}
	}
	names := make([]string, len(spec.Search.Space))
	for i, p := range spec.Search.Space {
		names[i] = p.Name
	}
	space := fmt.Sprintf("%s over %s", size, strings.Join(names, ", "))
	if len(names) == 0 {
		space = "empty: every trial trains the spec's model, each with its own seed"
	}
	state := "new"
	switch {
	case recorded > total:
		state = fmt.Sprintf("resuming: %d trials recorded, more than the %d now asked for", recorded, total)
	case recorded > 0:
		state = fmt.Sprintf("resuming, %d of %s recorded", recorded, count(total, "trial", "trials"))
	}
	trials := strconv.Itoa(total)
	if asked > total {
		trials = fmt.Sprintf("%d (every point of the grid; %d asked for)", total, asked)
	}
	fmt.Fprintf(w, "study      %s (%s)\n", study.Name, state)
	fmt.Fprintf(w, "spec       %s\n", path)
	fmt.Fprintf(w, "data       %s (%s; fingerprint %.12s)\n", spec.DataPath(), table, study.DatasetFingerprint)
	fmt.Fprintf(w, "space      %s\n", space)
	fmt.Fprintf(w, "trials     %s, %s sampler, %d in parallel", trials, spec.Search.Sampler, spec.Search.Parallel)
	if spec.Search.Timeout > 0 {
		fmt.Fprintf(w, ", timeout %s", spec.Search.Timeout)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "objective  %s (%s), seed %d\n", spec.Search.Objective, spec.Search.Direction, spec.Seed)
	fmt.Fprintf(w, "store      %s\n\n", store)
}

// printSummary prints the outcome, the top 5 and how to reproduce the best.
func printSummary(w io.Writer, sum search.Summary, spec *experiments.Spec, dbArg string) {
	counts := []string{}
	for _, st := range []search.Status{search.StatusComplete, search.StatusPruned, search.StatusFailed, search.StatusInterrupted, search.StatusRunning} {
		if n := sum.Count(st); n > 0 {
			label := st.String()
			if st == search.StatusRunning {
				// Only trials another process holds are still running
				// when the driver returns.
				label = "running in another process"
			}
			counts = append(counts, fmt.Sprintf("%d %s", n, label))
		}
	}
	fmt.Fprintf(w, "\n%s (%s) in %s, stopped: %s\n", count(len(sum.Trials), "trial", "trials"), strings.Join(counts, ", "), sum.Elapsed.Round(10*time.Millisecond), describeStop(sum.Reason))
	if sum.Held > 0 {
		fmt.Fprintf(w, "%d %s running in another process when this run reached %s; the counts and the top 5 are the\n"+
			"whole study's as recorded now (a later run picks up any trial left unfinished)\n",
			sum.Held, plural(sum.Held, "trial was", "trials were"), plural(sum.Held, "it", "them"))
	}
	if failed := sum.Count(search.StatusFailed); sum.Started == 0 && sum.Held == 0 && failed > 0 {
		fmt.Fprintf(w, "no trial left to run: the %d failed %s used %s attempts (search.max_retries: %d); raise it to retry %s\n",
			failed, plural(failed, "trial has", "trials have"), plural(failed, "its", "their"), max(spec.Search.MaxRetries, 0), plural(failed, "it", "them"))
	}
	var done []search.Trial
	for _, t := range sum.Trials {
		if t.Status == search.StatusComplete && t.Result != nil {
			done = append(done, t)
		}
	}
	d := spec.Direction()
	slices.SortFunc(done, func(a, b search.Trial) int { return compareRank(d, rankKeyOf(a), rankKeyOf(b)) })
	if len(done) == 0 {
		fmt.Fprintln(w, "no trial completed")
		if failures := groupFailures(sum.Trials); len(failures) > 0 {
			fmt.Fprintln(w, "\nfailures:")
			for _, f := range failures {
				fmt.Fprintf(w, "  %d× %s\n", f.count, f.msg)
			}
		}
		return
	}
	if len(done) > 5 {
		done = done[:5]
	}
	obj := spec.Search.Objective
	fmt.Fprintf(w, "\ntop %d by %s:\n", len(done), obj)
	tw := newTable(w, "ID", "#", obj, "test_macro_f1", "epochs", "params")
	for _, t := range done {
		params := "-"
		if len(spec.Search.Space) > 0 {
			params = fmtParams(t.Params)
		}
		tw.row(fmt.Sprint(t.ID), fmt.Sprint(t.Number), fmtNumber(t.Result.Value), fmtNumber(valueOr(t.Result.Values, "test_macro_f1")),
			fmt.Sprint(t.Result.EpochsRun), params)
	}
	tw.flush()
	fmt.Fprintf(w, "\nreproduce the best trial:\n  sweep reproduce %d%s\n", done[0].ID, dbArg)
}

// describeStop says why scheduling stopped.
func describeStop(r search.StopReason) string {
	switch r {
	case search.StopTarget:
		return "target reached"
	case search.StopDeadline:
		return "timeout"
	case search.StopSignal:
		return "interrupted"
	case search.StopError:
		return "store error"
	}
	return string(r)
}

func valueOr(m map[string]float64, k string) float64 {
	if v, ok := m[k]; ok {
		return v
	}
	return math.NaN()
}

// fmtParams formats params for reading: floats to 4 significant digits
// (show and export give them exactly); "-" when there are none.
func fmtParams(p search.Params) string {
	if len(p) == 0 {
		return "-"
	}
	var sb strings.Builder
	for i, n := range p.Names() {
		if i > 0 {
			sb.WriteByte(' ')
		}
		v := p[n]
		sb.WriteString(n)
		sb.WriteByte('=')
		if v.Kind == search.KindFloat {
			sb.WriteString(strconv.FormatFloat(v.Float, 'g', 4, 64))
		} else {
			sb.WriteString(v.String())
		}
	}
	return sb.String()
}
