package experiments

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker"
	"github.com/sweep-ml/sweep/trainer"
	"github.com/sweep-ml/sweep/trainer/data"
)

// specDirHeader starts the comment line that Study prepends to the stored
// spec: it records the directory the data path was relative to, so that a
// trial can be rebuilt from the store alone.
const specDirHeader = "# sweep: spec_dir="

// Study returns the search.Study for spec over table: the spec's name, seed
// and objective, the table's fingerprint, and the spec source preceded by
// one comment line recording the spec's directory.
func (s *Spec) Study(table *data.Table) search.Study {
	dir, err := filepath.Abs(s.Dir)
	if err != nil {
		dir = s.Dir
	}
	src := append([]byte(specDirHeader+dir+"\n"), s.Source...)
	return search.Study{
		Name:               s.Name,
		Spec:               src,
		Objective:          s.Search.Objective,
		Direction:          s.Direction(),
		Seed:               s.Seed,
		DatasetFingerprint: table.Fingerprint,
	}
}

func splitStored(stored []byte) (dir string, body []byte) {
	if !bytes.HasPrefix(stored, []byte(specDirHeader)) {
		return "", stored
	}
	line, rest, _ := bytes.Cut(stored, []byte("\n"))
	return string(line[len(specDirHeader):]), rest
}

// StoredSpec parses the spec a study recorded. When dataDir is not empty,
// a relative data path is resolved against it and an absolute one is
// replaced by dataDir joined with the path's base name (the study ran
// elsewhere); otherwise the path is resolved against the recorded spec
// directory.
func StoredSpec(study search.Study, dataDir string) (*Spec, error) {
	dir, body := splitStored(study.Spec)
	switch {
	case dataDir != "":
		dir = dataDir
	case dir == "" || !dirExists(dir):
		// Run elsewhere: resolve against the working directory.
		dir = "."
	}
	s, err := parse(fmt.Sprintf("spec of study %s", study.Name), dir, body, study.Name)
	if err != nil {
		return nil, err
	}
	// sweep run --study and --seed override the file; the study holds
	// what ran.
	s.Name, s.Seed = study.Name, study.Seed
	s.dataDir, s.stored = dataDir, true
	return s, nil
}

// TrialSource is what Reproduce and Predict need from a store: one trial,
// with its study and full result, by ID.
type TrialSource interface {
	Trial(ctx context.Context, id int64) (tracker.TrialDetail, error)
}

// ReproduceOptions tune Reproduce.
type ReproduceOptions struct {
	// DataDir is the directory holding the data when the study ran
	// elsewhere: a relative data path is resolved against it and an
	// absolute one is replaced by its base name in it (by default the
	// path is resolved against the recorded spec directory).
	DataDir string
	// Code is the running build, compared with the recorded one
	// [search.BuildCodeVersion()].
	Code search.CodeVersion
}

// Reproduction is the outcome of retraining a recorded trial.
type Reproduction struct {
	Study search.Study
	Trial search.Trial
	// Result is the retrained result.
	Result *search.Result
	// Diffs lists every recorded value the retrained trial does not
	// match; empty on a bit-for-bit reproduction.
	Diffs []string
	// Warnings lists differences that do not decide the outcome, such as
	// another code version.
	Warnings []string

	model    *trainer.Model
	pipeline *data.Pipeline
	spec     *Spec
}

// Match reports whether every recorded metric, history row and per-class
// row was reproduced exactly.
func (r *Reproduction) Match() bool { return len(r.Diffs) == 0 }

// Reproduce loads trial id from src and retrains it.
func Reproduce(ctx context.Context, src TrialSource, id int64, opts ReproduceOptions) (*Reproduction, error) {
	d, err := src.Trial(ctx, id)
	if err != nil {
		return nil, err // the store's error already names the trial
	}
	return ReproduceTrial(ctx, d.Study, d.Trial, opts)
}

// ReproduceTrial retrains a recorded trial from its study's spec, params
// and seed, after checking that the data file is the one the study used
// (a different fingerprint is an error naming both), and compares every
// recorded value with the new one. A trial pruned at epoch e is replayed
// for e epochs. Seconds per epoch are not compared.
func ReproduceTrial(ctx context.Context, study search.Study, trial search.Trial, opts ReproduceOptions) (*Reproduction, error) {
	if opts.Code == (search.CodeVersion{}) {
		opts.Code = search.BuildCodeVersion()
	}
	if trial.Result == nil || trial.Status != search.StatusComplete && trial.Status != search.StatusPruned {
		return nil, fmt.Errorf("trial %d is %s: only complete and pruned trials have results to reproduce", trial.ID, trial.Status)
	}
	spec, err := StoredSpec(study, opts.DataDir)
	if err != nil {
		return nil, err
	}
	table, err := LoadData(ctx, spec)
	if err != nil {
		return nil, err
	}
	if table.Fingerprint != study.DatasetFingerprint {
		return nil, fmt.Errorf("data file %s has fingerprint %s, but study %s was run on data with fingerprint %s",
			spec.DataPath(), short(table.Fingerprint), study.Name, short(study.DatasetFingerprint))
	}
	rec := trial.Result
	rep := &Reproduction{Study: study, Trial: trial, spec: spec}
	if w := codeWarning(rec.Code, opts.Code); w != "" {
		rep.Warnings = append(rep.Warnings, w)
	}
	replay := 0
	if trial.Status == search.StatusPruned {
		replay = rec.EpochsRun
	}
	obj := NewObjective(spec, table)
	t, err := obj.train(ctx, trial.Params, trial.Seed, nil, replay)
	if err != nil {
		return nil, fmt.Errorf("retrain trial %d: %w", trial.ID, err)
	}
	t.result.Code = opts.Code
	rep.Result, rep.model, rep.pipeline = t.result, t.model, t.pipeline
	rep.Diffs = diffResults(rec, t.result)
	return rep, nil
}

func short(fp string) string {
	if len(fp) > 12 {
		return fp[:12]
	}
	return fp
}

func codeWarning(rec, now search.CodeVersion) string {
	if rec == now {
		return ""
	}
	return fmt.Sprintf("trial was recorded by %s; this is %s", DescribeCode(rec), DescribeCode(now))
}

// DescribeCode formats a build for people: module, revision (with "+dirty"
// when the work tree was modified, "(no VCS revision)" when the build has
// none), then Go version and platform, as
// "github.com/sweep-ml/sweep@v0.1.0 4f2a9c1+dirty, go1.26.0 linux/amd64/v3".
// Empty fields are left out.
func DescribeCode(c search.CodeVersion) string {
	rev := c.Revision
	switch {
	case rev == "":
		rev = "(no VCS revision)"
	case c.Dirty:
		rev += "+dirty"
	}
	return strings.Join(strings.Fields(c.Module+" "+rev), " ") + ", " + strings.Join(strings.Fields(c.GoVersion+" "+c.Platform), " ")
}

// diffResults lists every difference between a recorded and a retrained
// result. Floats must be equal to the bit (NaN equals NaN).
func diffResults(rec, now *search.Result) []string {
	var d []string
	ff := func(name string, a, b float64) {
		if !sameFloat(a, b) {
			d = append(d, fmt.Sprintf("%s: recorded %v, reproduced %v", name, a, b))
		}
	}
	ii := func(name string, a, b int) {
		if a != b {
			d = append(d, fmt.Sprintf("%s: recorded %d, reproduced %d", name, a, b))
		}
	}
	ff("value", rec.Value, now.Value)
	for _, k := range sortedKeys(rec.Values) {
		b, ok := now.Values[k]
		if !ok {
			d = append(d, fmt.Sprintf("%s: recorded %v, not reproduced", k, rec.Values[k]))
			continue
		}
		ff(k, rec.Values[k], b)
	}
	ii("best_epoch", rec.BestEpoch, now.BestEpoch)
	ii("epochs_run", rec.EpochsRun, now.EpochsRun)
	if rec.StopReason != now.StopReason {
		d = append(d, fmt.Sprintf("stop_reason: recorded %s, reproduced %s", rec.StopReason, now.StopReason))
	}
	if rec.PipelineFingerprint != "" && rec.PipelineFingerprint != now.PipelineFingerprint {
		d = append(d, fmt.Sprintf("pipeline fingerprint: recorded %s, reproduced %s", short(rec.PipelineFingerprint), short(now.PipelineFingerprint)))
	}
	ii("history rows", len(rec.History), len(now.History))
	for i := range min(len(rec.History), len(now.History)) {
		a, b := rec.History[i], now.History[i]
		p := fmt.Sprintf("epoch %d ", a.Epoch)
		ii(p+"number", a.Epoch, b.Epoch)
		ff(p+"train_loss", a.TrainLoss, b.TrainLoss)
		ff(p+"train_accuracy", a.TrainAcc, b.TrainAcc)
		ff(p+"val_loss", a.ValLoss, b.ValLoss)
		ff(p+"val_accuracy", a.ValAcc, b.ValAcc)
		ff(p+"val_macro_f1", a.ValMacroF1, b.ValMacroF1)
	}
	for _, ea := range rec.Evaluations {
		var eb *search.Evaluation
		for i := range now.Evaluations {
			if now.Evaluations[i].Split == ea.Split {
				eb = &now.Evaluations[i]
			}
		}
		if eb == nil {
			d = append(d, fmt.Sprintf("%s evaluation: recorded, not reproduced", ea.Split))
			continue
		}
		ii(ea.Split+" classes", len(ea.Classes), len(eb.Classes))
		for i := range min(len(ea.Classes), len(eb.Classes)) {
			a, b := ea.Classes[i], eb.Classes[i]
			p := fmt.Sprintf("%s class %s ", ea.Split, a.Label)
			if a.Label != b.Label {
				d = append(d, fmt.Sprintf("%s class %d: recorded label %s, reproduced %s", ea.Split, i, a.Label, b.Label))
			}
			ff(p+"precision", a.Precision, b.Precision)
			ff(p+"recall", a.Recall, b.Recall)
			ff(p+"f1", a.F1, b.F1)
			ii(p+"support", a.Support, b.Support)
		}
		if fmt.Sprint(ea.Confusion) != fmt.Sprint(eb.Confusion) {
			d = append(d, fmt.Sprintf("%s confusion: recorded %v, reproduced %v", ea.Split, ea.Confusion, eb.Confusion))
		}
	}
	return d
}

func sameFloat(a, b float64) bool {
	if math.IsNaN(a) && math.IsNaN(b) {
		return true
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// dirExists reports whether path is a directory.
func dirExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}
