package experiments

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strings"
	"sync"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/trainer"
	"github.com/sweep-ml/sweep/trainer/data"
	"github.com/sweep-ml/sweep/trainer/metrics"
)

// Seed streams derived from a trial seed: the resampling of the training
// rows and the trainer (initial weights, shuffles, dropout) draw from
// independent seeds so that changing one never shifts the other.
const (
	streamSample = 1
	streamTrain  = 2
)

// SampleSeed returns the seed of a trial's resampling of the training rows.
func SampleSeed(trialSeed uint64) uint64 { return search.TrialSeed(trialSeed, streamSample) }

// TrainSeed returns the seed the trainer gets for a trial.
func TrainSeed(trialSeed uint64) uint64 { return search.TrialSeed(trialSeed, streamTrain) }

// specHints rewrites the hints in a loader error, which name the loader's
// options, in the spec's terms.
func specHints(msg string) string {
	return strings.NewReplacer(
		commaHint, "set data.comma: ",
		dropMalformedHint, "(set data.drop_malformed: true to drop such rows)",
	).Replace(msg)
}

// LoadData reads the spec's data file. A missing file or column is a
// *FieldError on the data section's line.
func LoadData(ctx context.Context, s *Spec) (*data.Table, error) {
	path := s.DataPath()
	t, err := data.Load(ctx, path, s.LoadOptions())
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			msg := fmt.Sprintf("data file %s does not exist", path)
			if s.stored && s.dataDir == "" {
				msg += " (if the study ran elsewhere, point --data-dir at the directory holding the data)"
			}
			return nil, s.fieldError("data.path", msg)
		}
		// The loader's own errors already name the file and line.
		msg := oneLine(err.Error())
		for _, prefix := range []string{"load " + path + ": ", "load: "} {
			msg = strings.TrimPrefix(msg, prefix)
		}
		msg = specHints(msg)
		field := "data.path"
		switch {
		case strings.Contains(msg, "label column"):
			field = "data.label"
		case strings.Contains(msg, "features["):
			field = "data.features"
		}
		return nil, s.fieldError(field, msg)
	}
	if !t.IsText() {
		for _, p := range s.Search.Space {
			if paramByName(p.Name).text {
				return nil, s.fieldError("search.space."+p.Name, fmt.Sprintf("applies to text data, but %s has no text column %q", path, t.Options.Text))
			}
		}
	}
	return t, nil
}

// Objective trains and evaluates the trials of one study. It holds the data
// table, loaded once, and the preprocessing fitted once per distinct
// preprocessing configuration; it is safe for concurrent use by the search
// driver's parallel trials.
//
// Every trial of a study sees the same train/validation/test split, made
// with the study seed: trials compete on the same validation set, and the
// test set is never used to choose anything. Only the resampling of the
// training rows and the training itself depend on the trial seed.
type Objective struct {
	spec  *Spec
	table *data.Table

	mu   sync.Mutex
	fits map[string]*fitEntry
}

// fitEntry is one preprocessing configuration's fit, shared by the trials
// that need it; done is closed once f or err is set.
type fitEntry struct {
	done chan struct{}
	f    *data.Fitted
	err  error
}

// NewObjective returns the objective of spec's study over table (from
// LoadData).
func NewObjective(spec *Spec, table *data.Table) *Objective {
	return &Objective{spec: spec, table: table, fits: map[string]*fitEntry{}}
}

// Run is a search.Objective: it trains the trial's model, reporting the
// objective's value at every epoch for pruning, and evaluates it on the
// validation and test sets.
func (o *Objective) Run(ctx context.Context, run *search.Run) (*search.Result, error) {
	t, err := o.train(ctx, run.Params, run.Seed, run.Report, 0)
	if err != nil && ctx.Err() == nil && !errors.Is(err, search.ErrPruned) {
		// A trial is a function of its params and seed: started again, it
		// fails the same way.
		err = search.Deterministic(err)
	}
	if t == nil {
		return nil, err
	}
	return t.result, err
}

// trained is a trial's outcome with what predicting needs.
type trained struct {
	result   *search.Result
	model    *trainer.Model
	pipeline *data.Pipeline
}

// train runs one trial. report (may be nil) receives the objective's value
// per epoch and may ask to stop (pruning). replayEpochs > 0 stops training
// after that many epochs, to replay a trial that was pruned there.
func (o *Objective) train(ctx context.Context, params search.Params, seed uint64,
	report func(epoch int, value float64) bool, replayEpochs int) (*trained, error) {
	r, err := o.spec.Resolve(params)
	if err != nil {
		return nil, err
	}
	dcfg := r.DataConfig()
	if err := dcfg.Validate(); err != nil {
		return nil, fmt.Errorf("data config: %w", err)
	}
	fitted, err := o.fitted(ctx, dcfg)
	if err != nil {
		return nil, err
	}
	prep, err := fitted.Resample(dcfg.Sampling, SampleSeed(seed))
	if err != nil {
		return nil, err
	}
	tcfg := r.TrainerConfig()
	if prep.ClassWeights != nil {
		tcfg.ClassWeights = prep.ClassWeights
	}
	objective := o.spec.Search.Objective
	onEpoch := func(e trainer.EpochStats) bool {
		stop := false
		if report != nil {
			stop = report(e.Epoch, epochValue(objective, e))
		}
		return stop || replayEpochs > 0 && e.Epoch >= replayEpochs
	}
	model, fit, err := trainer.Fit(ctx, tcfg, prep.Train, prep.Val, len(prep.Classes), TrainSeed(seed), onEpoch)
	res := &search.Result{Value: math.NaN(), PipelineFingerprint: prep.Pipeline.Fingerprint()}
	if fit != nil {
		res.BestEpoch, res.EpochsRun, res.StopReason = fit.BestEpoch, fit.EpochsRun, fit.StopReason
		res.History = make([]search.Epoch, len(fit.History))
		for i, e := range fit.History {
			res.History[i] = search.Epoch{Epoch: e.Epoch, TrainLoss: e.TrainLoss, TrainAcc: e.TrainAcc,
				ValLoss: e.ValLoss, ValAcc: e.ValAcc, ValMacroF1: e.ValMacroF1, Seconds: e.Seconds}
		}
	}
	if err != nil {
		return &trained{result: res}, err
	}
	res.Values = map[string]float64{}
	for _, split := range []struct {
		name string
		set  data.Set
	}{{"val", prep.Val}, {"test", prep.Test}} {
		loss, pred, err := model.Evaluate(split.set)
		if err != nil {
			return &trained{result: res}, fmt.Errorf("evaluate %s: %w", split.name, err)
		}
		rep, err := metrics.Evaluate(split.set.Y, pred, prep.Classes)
		if err != nil {
			return &trained{result: res}, fmt.Errorf("evaluate %s: %w", split.name, err)
		}
		p := split.name + "_"
		res.Values[p+"loss"] = loss
		res.Values[p+"accuracy"] = rep.Accuracy
		res.Values[p+"balanced_accuracy"] = rep.BalancedAccuracy
		res.Values[p+"macro_f1"] = rep.MacroF1
		res.Values[p+"weighted_f1"] = rep.WeightedF1
		ev := search.Evaluation{Split: split.name, Labels: rep.Labels, Confusion: rep.Confusion}
		for _, c := range rep.Classes {
			ev.Classes = append(ev.Classes, search.ClassMetrics{Label: c.Label, Precision: c.Precision, Recall: c.Recall, F1: c.F1, Support: c.Support})
		}
		res.Evaluations = append(res.Evaluations, ev)
	}
	res.Value = res.Values[objective]
	t := &trained{result: res, model: model, pipeline: prep.Pipeline}
	if fit.StopReason == trainer.StopPruned && replayEpochs == 0 {
		return t, fmt.Errorf("stopped at epoch %d: %w", fit.EpochsRun, search.ErrPruned)
	}
	return t, nil
}

// epochValue is the objective's value in one epoch's statistics.
func epochValue(objective string, e trainer.EpochStats) float64 {
	switch objective {
	case "val_loss":
		return e.ValLoss
	case "val_accuracy":
		return e.ValAcc
	}
	return e.ValMacroF1
}

// fitted returns the split and preprocessing for cfg (its Sampling
// ignored), fitting it on first use. Concurrent callers with the same
// configuration wait for one fit.
func (o *Objective) fitted(ctx context.Context, cfg data.Config) (*data.Fitted, error) {
	cfg.Sampling = data.Sampling{}
	keyb, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("preprocessing key: %w", err)
	}
	key := string(keyb)
	for {
		o.mu.Lock()
		e, ok := o.fits[key]
		if !ok {
			e = &fitEntry{done: make(chan struct{})}
			o.fits[key] = e
			o.mu.Unlock()
			e.f, e.err = data.Fit(ctx, o.table, cfg, o.spec.Seed)
			if e.err != nil && ctx.Err() != nil {
				// A cancelled fit must not poison later trials.
				o.mu.Lock()
				delete(o.fits, key)
				o.mu.Unlock()
			}
			close(e.done)
			return e.f, e.err
		}
		o.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		o.mu.Lock()
		dropped := o.fits[key] != e
		o.mu.Unlock()
		if e.err != nil && dropped && ctx.Err() == nil {
			// The trial that was fitting was cancelled, not this
			// one, and its entry was dropped: fit again.
			continue
		}
		return e.f, e.err
	}
}
