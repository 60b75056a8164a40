package experiments

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// specField is one field of a spec's identity: its path as written in a
// spec file and its value in a canonical text form.
type specField struct {
	path, value string
}

// identity lists the fields that decide what a study's trials are, in spec
// order, with defaults applied: two specs with the same identity give the
// same trials. Comments, layout, the order of mappings' keys and defaults
// written out or left implicit do not show in it. Left out are the name and
// seed (the study records them itself, and --study and --seed override
// them) and the settings that only say how many trials run and how:
// search.trials, parallel, timeout, trial_timeout, target and max_retries.
func (s *Spec) identity() []specField {
	var out []specField
	add := func(path string, v any) {
		out = append(out, specField{path, canonical(v)})
	}
	d, t, m, x := &s.Data, &s.Data.TextOpts, &s.Model, &s.Search
	add("data.path", d.Path)
	add("data.label", d.Label)
	add("data.text", d.Text)
	add("data.features", d.Features)
	add("data.comma", d.Comma)
	add("data.missing_values", d.MissingValues)
	add("data.drop_malformed", d.DropMalformed)
	add("data.split.test", d.Split.Test)
	add("data.split.validation", d.Split.Validation)
	add("data.impute", d.Impute)
	add("data.scale", d.Scale)
	for _, f := range []struct {
		name string
		v    any
	}{
		{"normalize", t.Normalize}, {"case", t.Case}, {"strip_accents", t.StripAccents}, {"punctuation", t.Punctuation},
		{"digits", t.Digits}, {"min_token_runes", t.MinTokenRunes}, {"stop_words", t.StopWords}, {"stemmer", t.Stemmer},
		{"ngram_min", t.NGramMin}, {"ngram_max", t.NGramMax}, {"min_df", t.MinDF}, {"max_df", t.MaxDF},
		{"max_features", t.MaxFeatures}, {"sublinear_tf", t.SublinearTF}, {"idf", t.IDF}, {"norm", t.Norm},
	} {
		add("data.text_options."+f.name, f.v)
	}
	add("data.sampling.strategy", d.Sampling.Strategy)
	add("data.sampling.k", d.Sampling.K)
	targets := make([]string, 0, len(d.Sampling.Targets))
	for _, k := range slices.Sorted(maps.Keys(d.Sampling.Targets)) {
		targets = append(targets, fmt.Sprintf("%s=%d", k, d.Sampling.Targets[k]))
	}
	add("data.sampling.targets", targets)

	add("model.layers", m.Layers)
	add("model.activation", m.Activation)
	add("model.dropout", m.Dropout)
	add("model.l1", m.L1)
	add("model.l2", m.L2)
	add("model.optimizer", m.Optimizer)
	lr := m.LearningRate
	if lr == 0 && !s.spaceHas("optimizer") {
		// The optimizer's default, written out or not.
		lr = s.TrainerConfig().Optimizer.LearningRate
	}
	add("model.learning_rate", lr)
	add("model.momentum", m.Momentum)
	add("model.nesterov", m.Nesterov)
	add("model.rho", m.Rho)
	add("model.beta1", m.Beta1)
	add("model.beta2", m.Beta2)
	add("model.epsilon", m.Epsilon)
	add("model.batch_size", m.BatchSize)
	add("model.epochs", m.Epochs)
	add("model.early_stopping.monitor", m.EarlyStopping.Monitor)
	add("model.early_stopping.min_delta", m.EarlyStopping.MinDelta)
	add("model.early_stopping.patience", m.EarlyStopping.Patience)
	add("model.early_stopping.restore_best", m.EarlyStopping.RestoreBest)
	add("model.precision", m.Precision)

	add("search.sampler", x.Sampler)
	add("search.objective", x.Objective)
	add("search.direction", x.Direction)
	pruner := verbatim("none")
	if x.Pruner != nil {
		pruner = verbatim(fmt.Sprintf("median warmup_trials=%d warmup_epochs=%d", x.Pruner.WarmupTrials, x.Pruner.WarmupEpochs))
	}
	add("search.pruner", pruner)
	names := make([]string, len(x.Space))
	for i := range x.Space {
		p := &x.Space[i]
		names[i] = p.Name
		add("search.space."+p.Name, p.describe())
	}
	// The order of the space's parameters is the order they are sampled
	// in.
	add("search.space", verbatim("["+strings.Join(names, " ")+"]"))
	return out
}

// verbatim is a value canonical writes as it is.
type verbatim string

// describe writes a space parameter as its spec says it.
func (p *ParamSpec) describe() verbatim {
	switch {
	case p.Fixed != nil:
		return verbatim("fixed " + p.Fixed.String())
	case p.Values != nil:
		return verbatim("values " + canonical(p.Values))
	}
	s := "range [" + canonical(p.Min) + ", " + canonical(p.Max) + "]"
	if p.Log {
		s += " log"
	}
	if p.Step > 0 {
		s += " step " + canonical(p.Step)
	}
	if p.Count > 0 {
		s += " count " + strconv.Itoa(p.Count)
	}
	return verbatim(s)
}

// canonical formats a field's value: floats exactly, lists in brackets.
func canonical(v any) string {
	switch v := v.(type) {
	case verbatim:
		return string(v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case string:
		return strconv.Quote(v)
	case []string:
		q := make([]string, len(v))
		for i, s := range v {
			q[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(q, " ") + "]"
	}
	return fmt.Sprint(v)
}

// ResumeDiff compares s with the spec a study was stored with (the Spec of
// the search.Study that Study made) and returns the differences that would
// change the study's trials, as "path: stored → new", in spec order. An
// empty result means s may resume the study: comments, layout and defaults
// written out do not count, and neither do the name, the seed (compared
// with the study's own) and search.trials, parallel, timeout, trial_timeout,
// target and max_retries, which say how many trials run and how.
func (s *Spec) ResumeDiff(stored []byte) ([]string, error) {
	dir, body := splitStored(stored)
	if bytes.Equal(body, s.Source) {
		return nil, nil
	}
	prev, err := parse("the stored spec", dir, body, s.Name)
	if err != nil {
		return nil, fmt.Errorf("the study's stored spec no longer parses: %w", err)
	}
	old := map[string]string{}
	var oldOrder []string
	for _, f := range prev.identity() {
		old[f.path] = f.value
		oldOrder = append(oldOrder, f.path)
	}
	var diffs []string
	seen := map[string]bool{}
	for _, f := range s.identity() {
		seen[f.path] = true
		was, ok := old[f.path]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("%s: absent → %s", f.path, f.value))
		case was != f.value:
			diffs = append(diffs, fmt.Sprintf("%s: %s → %s", f.path, was, f.value))
		}
	}
	for _, p := range oldOrder {
		if !seen[p] {
			diffs = append(diffs, fmt.Sprintf("%s: %s → absent", p, old[p]))
		}
	}
	return diffs, nil
}
