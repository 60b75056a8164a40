package sweepcli

import (
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/sweep-ml/sweep/experiments"
)

func dataDirFlag() cli.Flag {
	return &cli.StringFlag{Name: "data-dir", Usage: "`DIR` holding the spec's data: a relative path resolves against it, an absolute one becomes DIR/its file name", DefaultText: "the spec's directory when the study ran, else ."}
}

func (c *commands) reproduceCommand() *cli.Command {
	return &cli.Command{
		Name:      "reproduce",
		Usage:     "retrain a trial from its record and compare every metric; exit 1 on a mismatch",
		ArgsUsage: "ID",
		Flags:     []cli.Flag{dbFlag(), dataDirFlag()},
		Action:    c.reproduce,
	}
}

func (c *commands) reproduce(ctx *cli.Context) error {
	id, err := trialID(ctx)
	if err != nil {
		return err
	}
	st, err := c.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := experiments.Reproduce(ctx.Context, st, id, experiments.ReproduceOptions{DataDir: ctx.String("data-dir")})
	if err != nil {
		return notFound("reproduce", fmt.Sprintf("trial %d", id), err)
	}
	out := c.env.Stdout
	for _, w := range rep.Warnings {
		fmt.Fprintf(c.env.Stderr, "sweep: warning: %s\n", w)
	}
	r := rep.Result
	fmt.Fprintf(out, "trial %d (study %s, number %d): retrained %s, %s = %s\n",
		rep.Trial.ID, rep.Study.Name, rep.Trial.Number, count(r.EpochsRun, "epoch", "epochs"), rep.Study.Objective, fmtNumber(r.Value))
	if rep.Match() {
		fmt.Fprintf(out, "match: every recorded metric, %s and every per-class row reproduced bit for bit\n", count(len(r.History), "history row", "history rows"))
		return nil
	}
	fmt.Fprintf(out, "MISMATCH: %s\n", count(len(rep.Diffs), "difference", "differences"))
	for _, d := range rep.Diffs {
		fmt.Fprintf(out, "  %s\n", d)
	}
	return cli.Exit(fmt.Sprintf("trial %d did not reproduce (%s)", id, count(len(rep.Diffs), "difference", "differences")), ExitFailure)
}

func (c *commands) predictCommand() *cli.Command {
	return &cli.Command{
		Name:      "predict",
		Usage:     "apply a trial's pipeline and model to new rows (CSV out: line, [label], predicted, p_CLASS...)",
		ArgsUsage: "ID",
		Description: "The model is rebuilt deterministically from the record: the trial is retrained and\n" +
			"must reproduce its recorded metrics bit for bit before any row is predicted.",
		Flags: []cli.Flag{
			dbFlag(),
			dataDirFlag(),
			&cli.StringFlag{Name: "data", Usage: "`CSV` file of rows to predict (the label column is optional)"},
			&cli.StringFlag{Name: "out", Usage: "write predictions to `FILE`", DefaultText: "standard output"},
		},
		Action: c.predict,
	}
}

func (c *commands) predict(ctx *cli.Context) error {
	id, err := trialID(ctx)
	if err != nil {
		return err
	}
	path := ctx.String("data")
	if path == "" {
		return usagef("predict: --data CSV is required")
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("predict: data file %s does not exist", path)
	}
	st, err := c.openExisting(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := experiments.Reproduce(ctx.Context, st, id, experiments.ReproduceOptions{DataDir: ctx.String("data-dir")})
	if err != nil {
		return notFound("predict", fmt.Sprintf("trial %d", id), err)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(c.env.Stderr, "sweep: warning: %s\n", w)
	}
	if !rep.Match() {
		return fmt.Errorf("trial %d did not reproduce (%s, first: %s); refusing to predict with a different model", id, count(len(rep.Diffs), "difference", "differences"), rep.Diffs[0])
	}
	out := c.env.Stdout
	var f *os.File
	if p := ctx.String("out"); p != "" {
		f, err = os.Create(p)
		if err != nil {
			return fmt.Errorf("predict: %w", err)
		}
		defer f.Close()
		out = f
	}
	sum, err := experiments.Predict(ctx.Context, rep, path, out)
	if err != nil {
		return err
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return fmt.Errorf("predict: %w", err)
		}
	}
	fmt.Fprintln(c.env.Stderr, predictMessage(id, sum))
	return nil
}

// predictMessage summarizes a prediction run on one line.
func predictMessage(id int64, sum experiments.PredictSummary) string {
	msg := fmt.Sprintf("sweep: predicted %s with trial %d (model rebuilt and verified against the record)", count(sum.Rows, "row", "rows"), id)
	if n := sum.Dropped; n > 0 {
		msg += fmt.Sprintf("; %s skipped (the spec sets drop_malformed)", count(n, "malformed row", "malformed rows"))
	}
	if sum.Scored > 0 {
		msg += fmt.Sprintf("; accuracy on the labelled rows %s", fmtNumber(sum.Accuracy))
	}
	if n := sum.UnknownLabels; n > 0 {
		lines := make([]string, len(sum.UnknownLines))
		for i, l := range sum.UnknownLines {
			lines[i] = fmt.Sprint(l)
		}
		where := "line " + strings.Join(lines, ", ")
		if len(lines) > 1 {
			where = "lines " + strings.Join(lines, ", ")
		}
		if n > len(lines) {
			where += ", ..."
		}
		msg += fmt.Sprintf("; %s a label the model never saw, predicted but not scored (%s)", count(n, "row has", "rows have"), where)
	}
	return msg
}
