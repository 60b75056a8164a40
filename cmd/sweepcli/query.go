package sweepcli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sweep-ml/sweep/experiments"
	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker"
)

func (c *commands) leaderboardCommand() *cli.Command {
	return &cli.Command{
		Name:  "leaderboard",
		Usage: "rank trials by a metric",
		Description: "Without --study, the trials of every study rank by their study's objective, which the studies\n" +
			"must then share, direction included; otherwise pass --study NAME or --by METRIC.\n" +
			"--where PARAM=VALUE keeps the trials whose parameter has that value; every --where must hold.\n" +
			"A float of up to 4 significant digits matches as the tables show floats: learning_rate=0.001891\n" +
			"keeps the trials whose learning_rate rounds to 0.001891 at 4 significant digits. A float of more\n" +
			"digits, as show and export print them, matches exactly. A value the parameter cannot take\n" +
			"(units=abc, sampling=bogus, a number outside the range) is an error saying what it takes.",
		Flags: []cli.Flag{
			dbFlag(),
			&cli.StringFlag{Name: "study", Usage: "study `NAME`", DefaultText: "all studies"},
			&cli.IntFlag{Name: "n", Value: 10, Usage: "show the best `N` trials"},
			&cli.StringFlag{Name: "by", Value: "value", Usage: "`METRIC` to rank by: value (the study objective), " + strings.Join(tracker.MetricNames(), ", ")},
			&cli.StringSliceFlag{Name: "where", Usage: "keep trials whose parameter has a value, `PARAM=VALUE` (repeatable; floats match as the table rounds them)"},
			&cli.StringFlag{Name: "format", Value: "table", Usage: "output `FORMAT`: table, csv or json"},
		},
		Action: c.leaderboard,
	}
}

func (c *commands) leaderboard(ctx *cli.Context) error {
	if ctx.NArg() > 0 {
		return usagef("leaderboard: takes no arguments, got %q (use --study NAME)", ctx.Args().First())
	}
	format := ctx.String("format")
	if format != "table" && format != "csv" && format != "json" {
		return usagef("leaderboard: --format must be table, csv or json, got %q", format)
	}
	if by := ctx.String("by"); by != "value" && by != "objective" && !tracker.IsMetric(by) {
		return usagef("leaderboard: --by: unknown metric %q (want value or one of %s)", by, strings.Join(tracker.MetricNames(), ", "))
	}
	if n := ctx.Int("n"); n < 1 || n > tracker.MaxLimit {
		return usagef("leaderboard: -n must be between 1 and %d, got %d", tracker.MaxLimit, n)
	}
	if ctx.IsSet("study") && strings.TrimSpace(ctx.String("study")) == "" {
		return usagef("leaderboard: --study: empty study name: leave --study out to rank across all studies")
	}
	q := tracker.LeaderboardQuery{Study: ctx.String("study"), Metric: ctx.String("by"), Limit: ctx.Int("n")}
	var where []whereArg
	for _, w := range ctx.StringSlice("where") {
		a, err := parseWhere(w)
		if err != nil {
			return err
		}
		where = append(where, a)
	}
	st, err := c.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if q.Where, err = resolveWhere(ctx.Context, st, q.Study, where); err != nil {
		return err
	}
	if q.Study == "" && (q.Metric == "value" || q.Metric == "objective") {
		sums, err := st.Studies(ctx.Context)
		if err != nil {
			return err
		}
		if q.Direction, err = sharedDirection(sums); err != nil {
			return err
		}
	}
	entries, err := st.Leaderboard(ctx.Context, q)
	if err != nil {
		return notFound("leaderboard", fmt.Sprintf("study %q", q.Study), err)
	}
	out := c.env.Stdout
	metric := q.Metric
	switch format {
	case "json":
		type jsonEntry struct {
			TrialID int64                    `json:"trial_id"`
			Study   string                   `json:"study"`
			Number  int                      `json:"number"`
			Status  string                   `json:"status"`
			Metric  string                   `json:"metric"`
			Value   tracker.Float            `json:"value"`
			Metrics map[string]tracker.Float `json:"metrics"`
			Params  search.Params            `json:"params"`
		}
		list := make([]jsonEntry, 0, len(entries))
		for _, e := range entries {
			m := map[string]tracker.Float{}
			for k, v := range e.Metrics {
				m[k] = tracker.Float(v)
			}
			list = append(list, jsonEntry{e.TrialID, e.Study, e.Number, e.Status.String(), metric, tracker.Float(e.Value), m, e.Params})
		}
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	case "csv":
		return writeLeaderboardCSV(out, metric, entries)
	}
	if len(entries) == 0 {
		if len(where) == 0 {
			fmt.Fprintln(out, "no complete trials")
			return nil
		}
		list := make([]string, len(where))
		for i, w := range where {
			list[i] = "--where " + w.String()
		}
		fmt.Fprintf(out, "no complete trial matches %s\n", strings.Join(list, " "))
		return nil
	}
	// The ranked column first ("objective" when ranking by each study's
	// objective), then the key metrics.
	head := metric
	if head == "value" {
		head = "objective"
	}
	var key []string
	for _, m := range []string{"val_loss", "test_macro_f1", "test_accuracy"} {
		if m != metric {
			key = append(key, m)
		}
	}
	tw := newTable(out, append(append([]string{"ID", "study", "#", head}, key...), "params")...)
	for _, e := range entries {
		cells := []string{fmt.Sprint(e.TrialID), e.Study, fmt.Sprint(e.Number), fmtNumber(e.Value)}
		for _, m := range key {
			cells = append(cells, fmtNumber(valueOr(e.Metrics, m)))
		}
		tw.row(append(cells, fmtParams(e.Params))...)
	}
	tw.flush()
	return nil
}

// sharedDirection returns the direction of the objective that every study
// with a complete trial optimizes, nil when no study has one. Objective
// values of studies that differ in objective or direction do not rank in
// one column: that is a usage error naming each study's objective.
func sharedDirection(sums []tracker.StudySummary) (*search.Direction, error) {
	var ranked []search.Study
	for _, s := range sums {
		if s.Counts[search.StatusComplete] > 0 {
			ranked = append(ranked, s.Study)
		}
	}
	if len(ranked) == 0 {
		return nil, nil
	}
	first := ranked[0]
	if !slices.ContainsFunc(ranked, func(s search.Study) bool { return s.Objective != first.Objective || s.Direction != first.Direction }) {
		return &first.Direction, nil
	}
	list := make([]string, len(ranked))
	for i, s := range ranked {
		list[i] = fmt.Sprintf("%s (%s, %s)", s.Name, s.Objective, s.Direction)
	}
	return nil, usagef("leaderboard: the studies optimize different objectives, which do not rank in one column: %s; pass --study NAME to rank one study or --by METRIC to rank all by one metric",
		strings.Join(list, ", "))
}

// writeLeaderboardCSV writes the leaderboard as CSV: the trial, the ranked
// value, every metric, then one "params.NAME" column per parameter as
// export writes them (empty where a trial lacks it).
func writeLeaderboardCSV(w io.Writer, metric string, entries []tracker.Entry) error {
	cols := tracker.MetricNames()
	var params []string
	for _, e := range entries {
		for _, n := range e.Params.Names() {
			if !slices.Contains(params, n) {
				params = append(params, n)
			}
		}
	}
	slices.Sort(params)
	header := append([]string{"trial_id", "study", "number", "status", metric}, cols...)
	for _, p := range params {
		header = append(header, "params."+p)
	}
	cw := csv.NewWriter(w)
	cw.Write(header)
	for _, e := range entries {
		rec := []string{fmt.Sprint(e.TrialID), e.Study, fmt.Sprint(e.Number), e.Status.String(), fmtFloat(e.Value)}
		for _, m := range cols {
			rec = append(rec, fmtFloat(valueOr(e.Metrics, m)))
		}
		for _, p := range params {
			v, ok := e.Params[p]
			if !ok {
				rec = append(rec, "")
				continue
			}
			rec = append(rec, v.String())
		}
		cw.Write(rec)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("leaderboard csv: %w", err)
	}
	return nil
}

// splitMetrics reads tracker.MetricNames ("val_loss", "test_loss", ...) as
// splits and per-split metric names, each in the order it first appears.
func splitMetrics() (splits, names []string) {
	for _, m := range tracker.MetricNames() {
		split, name, _ := strings.Cut(m, "_")
		if !slices.Contains(splits, split) {
			splits = append(splits, split)
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return splits, names
}

// fmtNumber formats a metric or loss for reading: 4 decimals from 1e-4 up
// to 1e6 (0.9227), 4 significant digits in exponent form beyond (1.235e+72,
// 3e-07, +Inf), so that a diverging loss stays one short cell; "-" for NaN.
func fmtNumber(v float64) string {
	switch a := math.Abs(v); {
	case math.IsNaN(v):
		return "-"
	case a == 0 || a >= 1e-4 && a < 1e6:
		return strconv.FormatFloat(v, 'f', 4, 64)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

func fmtFloat(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func (c *commands) studiesCommand() *cli.Command {
	return &cli.Command{
		Name:   "studies",
		Usage:  "list studies with their trial counts and best value",
		Flags:  []cli.Flag{dbFlag()},
		Action: c.studies,
	}
}

func (c *commands) studies(ctx *cli.Context) error {
	if ctx.NArg() > 0 {
		return usagef("studies: takes no arguments")
	}
	st, err := c.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := st.Studies(ctx.Context)
	if err != nil {
		return err
	}
	writeStudies(c.env.Stdout, list)
	return nil
}

// writeStudies prints the studies table: trial counts by outcome, then the
// trials not finished (running in some process, or queued), so that the
// counts add up to trials; the objective, the best trial and when the study
// was created, in RFC 3339 UTC as every other time sweep prints.
func writeStudies(w io.Writer, list []tracker.StudySummary) {
	if len(list) == 0 {
		fmt.Fprintln(w, "no studies")
		return
	}
	tw := newTable(w, "study", "trials", "complete", "pruned", "failed", "interrupted", "running", "objective", "best", "best ID", "created")
	for _, s := range list {
		best := "-"
		if s.BestTrialID != 0 {
			best = fmt.Sprint(s.BestTrialID)
		}
		tw.row(s.Study.Name, fmt.Sprint(s.Trials), fmt.Sprint(s.Counts[search.StatusComplete]), fmt.Sprint(s.Counts[search.StatusPruned]),
			fmt.Sprint(s.Counts[search.StatusFailed]), fmt.Sprint(s.Counts[search.StatusInterrupted]),
			fmt.Sprint(s.Counts[search.StatusRunning]+s.Counts[search.StatusQueued]),
			s.Study.Objective+" ("+s.Study.Direction.String()+")", fmtNumber(s.Best), best,
			s.Study.CreatedAt.UTC().Format(time.RFC3339))
	}
	tw.flush()
}

func (c *commands) exportCommand() *cli.Command {
	return &cli.Command{
		Name:      "export",
		Usage:     "write every trial of a study as CSV or JSON",
		ArgsUsage: "STUDY",
		Flags: []cli.Flag{
			dbFlag(),
			&cli.StringFlag{Name: "format", Value: "csv", Usage: "`FORMAT`: csv or json"},
		},
		Action: c.export,
	}
}

func (c *commands) export(ctx *cli.Context) error {
	name, err := oneArg(ctx, "study name")
	if err != nil {
		return err
	}
	f, err := tracker.ParseFormat(ctx.String("format"))
	if err != nil {
		return usagef("export: --format: %v", err)
	}
	st, err := c.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return notFound("export", fmt.Sprintf("study %q", name), st.Export(ctx.Context, name, f, c.env.Stdout))
}

func (c *commands) showCommand() *cli.Command {
	return &cli.Command{
		Name:      "show",
		Usage:     "show a trial: config, seed, code version, data, history, classification report, confusion matrix",
		ArgsUsage: "ID",
		Flags:     []cli.Flag{dbFlag()},
		Action:    c.show,
	}
}

func (c *commands) show(ctx *cli.Context) error {
	id, err := trialID(ctx)
	if err != nil {
		return err
	}
	st, err := c.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	d, err := st.Trial(ctx.Context, id)
	if err != nil {
		return notFound("show", fmt.Sprintf("trial %d", id), err)
	}
	writeTrial(c.env.Stdout, d)
	return nil
}

// writeTrial prints everything recorded about a trial.
func writeTrial(w io.Writer, d tracker.TrialDetail) {
	t, s := d.Trial, d.Study
	fmt.Fprintf(w, "trial %d: study %s, number %d, %s (attempt %d)\n", t.ID, s.Name, t.Number, t.Status, t.Attempt)
	if len(t.Params) == 0 {
		fmt.Fprintf(w, "params     none (the study's space is empty: its trials differ only in their seeds)\n")
	} else {
		fmt.Fprintf(w, "params     %s\n", t.Params)
	}
	// The configuration the trial ran with: the stored spec with the
	// trial's params applied.
	if spec, err := experiments.StoredSpec(s, "."); err == nil {
		if r, err := spec.Resolve(t.Params); err == nil {
			for _, l := range r.ConfigLines() {
				fmt.Fprintln(w, l)
			}
		}
	}
	fmt.Fprintf(w, "seed       %d (study seed %d)\n", t.Seed, s.Seed)
	fmt.Fprintf(w, "dataset    %s\n", s.DatasetFingerprint)
	if !t.StartedAt.IsZero() {
		fmt.Fprintf(w, "ran        %s on %s", t.StartedAt.UTC().Format(time.RFC3339), t.Host)
		if !t.FinishedAt.IsZero() {
			fmt.Fprintf(w, ", %s", t.FinishedAt.Sub(t.StartedAt).Round(time.Millisecond))
		}
		fmt.Fprintln(w)
	}
	if msg := t.Error; msg != "" {
		if t.Status == search.StatusInterrupted {
			msg = interruptCause(msg)
		}
		fmt.Fprintf(w, "error      %s\n", msg)
	}
	r := t.Result
	if r == nil {
		return
	}
	fmt.Fprintf(w, "code       %s\n", experiments.DescribeCode(r.Code))
	fmt.Fprintf(w, "pipeline   %s\n", r.PipelineFingerprint)
	fmt.Fprintf(w, "objective  %s = %s\n", s.Objective, fmtNumber(r.Value))
	fmt.Fprintf(w, "outcome    %s run, best epoch %d, stopped: %s\n", count(r.EpochsRun, "epoch", "epochs"), r.BestEpoch, r.StopReason)

	fmt.Fprintln(w, "\nmetrics")
	splits, names := splitMetrics()
	tw := newTable(w, append([]string{""}, names...)...)
	for _, split := range splits {
		cells := []string{split}
		for _, n := range names {
			cells = append(cells, fmtNumber(valueOr(r.Values, split+"_"+n)))
		}
		tw.row(cells...)
	}
	tw.flush()

	if len(r.History) > 0 {
		fmt.Fprintln(w, "\nhistory")
		tw := newTable(w, "epoch", "train_loss", "train_acc", "val_loss", "val_acc", "val_macro_f1", "seconds")
		for _, e := range r.History {
			mark := ""
			if e.Epoch == r.BestEpoch {
				mark = " *"
			}
			tw.row(fmt.Sprint(e.Epoch)+mark, fmtNumber(e.TrainLoss), fmtNumber(e.TrainAcc), fmtNumber(e.ValLoss),
				fmtNumber(e.ValAcc), fmtNumber(e.ValMacroF1), fmt.Sprintf("%.3f", e.Seconds))
		}
		tw.flush()
	}
	for _, ev := range r.Evaluations {
		fmt.Fprintf(w, "\nclassification report (%s)\n", ev.Split)
		tw := newTable(w, "class", "precision", "recall", "f1", "support")
		for _, c := range ev.Classes {
			tw.row(c.Label, fmtNumber(c.Precision), fmtNumber(c.Recall), fmtNumber(c.F1), fmt.Sprint(c.Support))
		}
		tw.flush()
		if len(ev.Confusion) > 0 {
			fmt.Fprintf(w, "\nconfusion matrix (%s; rows true, columns predicted)\n", ev.Split)
			tw := newTable(w, append([]string{""}, ev.Labels...)...)
			for i, row := range ev.Confusion {
				label := fmt.Sprint(i)
				if i < len(ev.Labels) {
					label = ev.Labels[i]
				}
				cells := []string{label}
				for _, n := range row {
					cells = append(cells, fmt.Sprint(n))
				}
				tw.row(cells...)
			}
			tw.flush()
		}
	}
}
