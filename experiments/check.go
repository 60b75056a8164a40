package experiments

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/trainer/data"
	"github.com/sweep-ml/sweep/trainer/text"
)

// dataParam reports whether a space parameter changes the data a trial
// trains on (its preprocessing or resampling) rather than the model.
func dataParam(name string) bool {
	switch name {
	case "sampling", "smote_k", "scale", "impute":
		return true
	}
	return paramByName(name).text
}

// checkValues returns the values of p that Check prepares: each listed
// value, the fixed value, or the two ends of a range (as the grid reaches
// them).
func (p *ParamSpec) checkValues() []search.Value {
	switch {
	case p.Fixed != nil:
		return []search.Value{*p.Fixed}
	case p.Values != nil:
		return p.Values
	case paramByName(p.Name).kind == search.KindInt:
		lo, hi := int64(p.Min), int64(p.Max)
		if step := int64(p.Step); step > 1 && p.Count == 0 {
			hi = lo + (hi-lo)/step*step
		}
		return []search.Value{search.Int(lo), search.Int(hi)}
	}
	hi := p.Max
	if p.Step > 0 && p.Count == 0 {
		hi = p.Min + math.Floor((p.Max-p.Min)/p.Step+1e-9)*p.Step
	}
	return []search.Value{search.Float(p.Min), search.Float(hi)}
}

// Check prepares the data as the study's trials will, before any of them
// trains: the split, the preprocessing and the resampling of trial 0's seed,
// for the first value of every data parameter of the space (sampling,
// smote_k, scale, impute, the text options), then for each other value of
// one parameter at a time (both ends of a range). A problem that would fail
// every trial using it — one class, a class too small to split, a min_df
// or max_df no term satisfies, SMOTE on text, a resampling target naming no
// class — is returned once as a *FieldError on the spec's line: the field
// that causes it (data.text_options.min_df, a sampling target) or else the
// data section, or the space parameter whose value causes it. The
// preprocessing fitted here is kept for the trials.
func (o *Objective) Check(ctx context.Context) error {
	if err := o.unusedSettings(); err != nil {
		return err
	}
	var params []*ParamSpec
	base := search.Params{}
	for i := range o.spec.Search.Space {
		p := &o.spec.Search.Space[i]
		if dataParam(p.Name) {
			params = append(params, p)
			base[p.Name] = p.checkValues()[0]
		}
	}
	seed := SampleSeed(search.TrialSeed(o.spec.Seed, 0))
	prepare := func(params search.Params) string {
		r, err := o.spec.Resolve(params)
		if err == nil {
			cfg := r.DataConfig()
			if err = cfg.Validate(); err == nil {
				f, ferr := o.fitted(ctx, cfg)
				if err = ferr; err == nil {
					_, err = f.Resample(cfg.Sampling, seed)
				}
			}
		}
		if err == nil {
			return ""
		}
		// The bounds' own message is the whole story; the loader's
		// context would repeat the field.
		if dfe := (*text.DFRangeError)(nil); errors.As(err, &dfe) {
			return dfe.Error()
		}
		return strings.TrimPrefix(oneLine(err.Error()), "resample: ")
	}
	if msg := prepare(base); msg != "" {
		if err := ctx.Err(); err != nil {
			return err
		}
		if name := o.dfCause(base, prepare); name != "" {
			if v, ok := base[name]; ok {
				return o.spec.fieldError("search.space."+name, fmt.Sprintf("value %s: %s", specValue(v), msg))
			}
			return o.spec.fieldError("data.text_options."+name, msg)
		}
		if len(params) > 0 {
			msg += fmt.Sprintf(" (with %s from the space)", base)
		}
		// "sampling.targets.x: no such class" lands on its own line.
		return o.spec.downstreamError("data", errors.New(msg))
	}
	for _, p := range params {
		for _, v := range p.checkValues()[1:] {
			try := search.Params{}
			for n, b := range base {
				try[n] = b
			}
			try[p.Name] = v
			if msg := prepare(try); msg != "" {
				if err := ctx.Err(); err != nil {
					return err
				}
				return o.spec.fieldError("search.space."+p.Name, fmt.Sprintf("value %s: %s", specValue(v), msg))
			}
		}
	}
	return nil
}

// unusedSettings reports the first setting the spec gives explicitly that
// no trial uses: a data.text_options field when the data has no text
// column (as a text parameter in the space is), and data.sampling.k or
// search.space.smote_k when neither data.sampling.strategy nor any value
// of search.space.sampling is smote.
func (o *Objective) unusedSettings() error {
	s := o.spec
	if !o.table.IsText() {
		var given []string
		for p := range s.lines {
			if strings.HasPrefix(p, "data.text_options.") {
				given = append(given, p)
			}
		}
		if len(given) > 0 {
			slices.SortFunc(given, func(a, b string) int { return cmp.Or(cmp.Compare(s.lines[a], s.lines[b]), cmp.Compare(a, b)) })
			return s.fieldError(given[0], fmt.Sprintf("applies to text data, but %s has no text column %q", s.DataPath(), o.table.Options.Text))
		}
	}
	smote, strategies := s.Data.Sampling.Strategy == "smote", "data.sampling.strategy is "+strconv.Quote(s.Data.Sampling.Strategy)
	for _, p := range s.Search.Space {
		if p.Name != "sampling" {
			continue
		}
		strategies = "no value of search.space.sampling is smote"
		smote = false
		for _, v := range p.checkValues() {
			smote = smote || v.Str == "smote"
		}
	}
	if smote {
		return nil
	}
	for _, field := range []string{"data.sampling.k", "search.space.smote_k"} {
		if s.given(field) {
			return s.fieldError(field, "applies to sampling strategy smote only, but "+strategies)
		}
	}
	return nil
}

// specValue writes a space value as a spec writes it: a whole float
// without ".0", since the spec's 5000 for a float parameter is read as
// 5000.0.
func specValue(v search.Value) string {
	if v.Kind == search.KindFloat && v.Float == math.Trunc(v.Float) && math.Abs(v.Float) < 1e15 {
		return strconv.FormatFloat(v.Float, 'f', -1, 64)
	}
	return v.String()
}

// dfCause returns the document-frequency bound, min_df or max_df, that
// makes preparing params fail: the one whose default makes it succeed. A
// bound no term satisfies, or a min_df above max_df, fails in the text
// package with a message saying what; this finds the field to blame.
// It returns "" when neither is the cause, and for numeric data.
func (o *Objective) dfCause(params search.Params, prepare func(search.Params) string) string {
	if !o.table.IsText() {
		return ""
	}
	defaults := text.Options{}.WithDefaults()
	for _, b := range []struct {
		name      string
		spec, def float64
	}{
		{"min_df", o.spec.Data.TextOpts.MinDF, defaults.MinDF},
		{"max_df", o.spec.Data.TextOpts.MaxDF, defaults.MaxDF},
	} {
		v := b.spec
		if p, ok := params[b.name]; ok {
			v, _ = p.AsFloat()
		}
		if v == b.def {
			continue
		}
		try := maps.Clone(params)
		try[b.name] = search.Float(b.def)
		if prepare(try) == "" {
			return b.name
		}
	}
	return ""
}

// ImputeDropped returns how many rows of the table impute "drop" leaves out
// (those with a missing numeric feature), and whether every trial drops
// them (data.impute, or every impute value of the space, is drop). It is 0
// when no trial imputes by dropping, and for text data, which impute does
// not touch. The preprocessing fitted here is kept for the trials.
func (o *Objective) ImputeDropped(ctx context.Context) (dropped int, everyTrial bool, err error) {
	values := []string{o.spec.Data.Impute}
	for _, p := range o.spec.Search.Space {
		if p.Name == "impute" {
			values = values[:0]
			for _, v := range p.checkValues() {
				values = append(values, v.Str)
			}
		}
	}
	drops := 0
	for _, v := range values {
		if v == data.ImputeDrop {
			drops++
		}
	}
	if drops == 0 || o.table.IsText() {
		return 0, false, nil
	}
	cfg := o.spec.DataConfig()
	cfg.Impute = data.ImputeDrop
	f, err := o.fitted(ctx, cfg)
	if err != nil {
		return 0, false, err
	}
	used := len(f.TrainRows) + len(f.ValRows) + len(f.TestRows)
	return o.table.Len() - used, drops == len(values), nil
}
