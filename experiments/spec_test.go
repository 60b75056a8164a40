package experiments

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sweep-ml/sweep/search"
)

// TestExampleSpecs parses and validates every spec in this directory and
// checks that its data file exists.
func TestExampleSpecs(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 4 {
		t.Fatalf("found %d example specs, want at least 4", len(files))
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			s, err := Load(f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(s.DataPath()); err != nil {
				t.Errorf("data file: %v", err)
			}
			sp, err := s.SearchSpace()
			if err != nil {
				t.Fatal(err)
			}
			if len(sp.Params) == 0 {
				t.Error("empty search space")
			}
			if s.TrialCount() < 1 {
				t.Errorf("TrialCount = %d", s.TrialCount())
			}
		})
	}
}

func TestSeedArticleIsTheArticleModel(t *testing.T) {
	t.Parallel()
	s, err := Load("seed-article.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := s.Model
	// The article's model: dense(128, relu), dropout(0.2), adam, batch 32,
	// 100 epochs, EarlyStopping(val_loss, patience 10).
	if !slices.Equal(m.Layers, []int{128}) || m.Activation != "relu" || m.Dropout != 0.2 ||
		m.Optimizer != "adam" || m.BatchSize != 32 || m.Epochs != 100 ||
		m.EarlyStopping.Monitor != "val_loss" || m.EarlyStopping.Patience != 10 {
		t.Errorf("model = %+v", m)
	}
	if s.TrialCount() != 1 {
		t.Errorf("trials = %d, want 1", s.TrialCount())
	}
}

func TestParseDefaults(t *testing.T) {
	t.Parallel()
	s, err := Parse("dir/my-study.yaml", "dir", []byte("data: {path: x.csv}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "my-study" || s.Seed != 42 || s.DataPath() != filepath.Join("dir", "x.csv") {
		t.Errorf("name %q seed %d data %q", s.Name, s.Seed, s.DataPath())
	}
	if s.Model.LearningRate != 0 || s.TrainerConfig().Optimizer.LearningRate != 0.001 || s.Model.BatchSize != 32 || s.Model.Epochs != 100 ||
		s.Model.Beta2 != 0.999 || s.Model.Epsilon != 1e-7 || s.Model.Precision != "float32" {
		t.Errorf("model defaults = %+v", s.Model)
	}
	if s.Search.Objective != "val_macro_f1" || s.Search.Direction != "maximize" || s.TrialCount() != 20 {
		t.Errorf("search defaults = %+v", s.Search)
	}
	s, err = Parse("a.yaml", ".", []byte("data: {path: x.csv}\nsearch: {objective: val_loss}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Direction() != search.Minimize {
		t.Errorf("val_loss direction = %v, want minimize", s.Direction())
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	const base = "name: t\ndata:\n  path: x.csv\n"
	tests := []struct {
		name, src, want string
	}{
		{"dropout max", base + "search:\n  space:\n    dropout: {min: 0, max: 1.5}\n",
			"t.yaml:6: search.space.dropout.max: must be below 1, got 1.5"},
		{"unknown top field", base + "modle: {}\n", "t.yaml:4: modle: unknown field (known fields: name, seed, data, model, search)"},
		{"unknown nested field", base + "model:\n  layres: [3]\n", "t.yaml:5: model.layres: unknown field"},
		{"unknown param", base + "search:\n  space:\n    unitz: {values: [1]}\n", `t.yaml:6: search.space.unitz: unknown parameter "unitz"`},
		{"bad type", base + "model:\n  epochs: many\n", `t.yaml:5: model.epochs: must be an integer, got "many"`},
		{"float for int", base + "model:\n  batch_size: 1.5\n", "t.yaml:5: model.batch_size: must be an integer, got 1.5"},
		{"layer width", base + "model:\n  layers: [64, 0]\n", "t.yaml:5: model.layers[1]: must be between 1 and 65536, got 0"},
		{"bad optimizer", base + "model: {optimizer: adagrad}\n", `t.yaml:4: model.optimizer: must be one of adam, rmsprop, sgd, got "adagrad"`},
		{"bad choice", base + "search:\n  space:\n    optimizer:\n      values: [adam, nadam]\n", `t.yaml:7: search.space.optimizer.values[1]: must be one of adam, rmsprop, sgd, got "nadam"`},
		{"repeated choice", base + "search:\n  space:\n    units: {values: [8, 8]}\n", "search.space.units.values[1]: repeats the value 8"},
		{"values and range", base + "search:\n  space:\n    units: {values: [8], min: 1, max: 2}\n", "search.space.units: give either values or a range"},
		{"min above max", base + "search:\n  space:\n    dropout: {min: 0.4, max: 0.1}\n", "t.yaml:6: search.space.dropout.max: must be at least min (0.4), got 0.1"},
		{"log from zero", base + "search:\n  space:\n    l2: {min: 0, max: 0.1, log: true}\n", "search.space.l2.min: must be above 0 for a log range, got 0"},
		{"grid continuous", base + "search:\n  sampler: grid\n  space:\n    dropout: {min: 0, max: 0.5}\n", "search.space.dropout: grid search needs a finite set"},
		{"grid too large", base + "search:\n  sampler: grid\n  space:\n    units: {min: 1, max: 65536}\n    batch_size: {min: 1, max: 32768}\n",
			"t.yaml:6: search.space: grid of 2.1e+09 configurations is too large; the grid sampler enumerates at most 2147483647 (use sampler: random, or fewer values)"},
		// 65536 × 10⁶ × 10⁵ × 16 × 100 ≈ 1.05e19 overflows an int64.
		{"grid past any int", base + "search:\n  sampler: grid\n  trials: 10\n  space:\n    units: {min: 1, max: 65536}\n    batch_size: {min: 1, max: 1000000}\n    epochs: {min: 1, max: 100000}\n    layers: {min: 1, max: 16}\n    smote_k: {min: 1, max: 100}\n",
			"t.yaml:7: search.space: grid of 1e+19 configurations is too large"},
		{"range of strings", base + "search:\n  space:\n    optimizer: {min: 1, max: 2}\n", "search.space.optimizer: is a string parameter"},
		{"split validation 1", "data:\n  path: x.csv\n  split: {test: 0.5, validation: 1}\n", "a.yaml:3: data.split.validation: must be between 0 and 1 (exclusive), got 1"},
		{"missing path", "name: t\nmodel: {epochs: 3}\n", "t.yaml: data.path: is required"},
		{"text option", "name: t\ndata:\n  path: x.csv\n  text_options: {ngram_max: 9}\n", "t.yaml:4: data.text_options.ngram_max: 9, want <= 8"},
		{"model via trainer", base + "model: {optimizer: sgd, nesterov: true, momentum: 0.5, epochs: 0}\n", "t.yaml:4: model.epochs: must be between 1 and 100000, got 0"},
		{"syntax", "name: t\ndata: [path: \n", "t.yaml:2: invalid YAML: sequence end token"},
		{"not a mapping", "- a\n- b\n", "a.yaml:1: a spec must be a mapping"},
		{"duplicate key", "name: a\nname: b\n", `a.yaml:2: invalid YAML: mapping key "name" already defined`},
		{"empty", "# nothing\n", "a.yaml: the spec is empty"},
		{"bad duration", base + "search: {timeout: soon}\n", `search.timeout: must be a duration such as 90s, 15m or 8h, or a number of seconds from 0 to 1e9, got "soon"`},
		{"negative duration", base + "search: {trial_timeout: -5s}\n", `t.yaml:4: search.trial_timeout: must be a duration such as 90s, 15m or 8h, or a number of seconds from 0 to 1e9, got "-5s"`},
		{"negative seconds", base + "search: {timeout: -5}\n", `t.yaml:4: search.timeout: must be a duration such as 90s, 15m or 8h, or a number of seconds from 0 to 1e9, got -5`},
		{"infinite seconds", base + "search: {timeout: .inf}\n", `t.yaml:4: search.timeout: must be a duration such as 90s, 15m or 8h, or a number of seconds from 0 to 1e9, got +Inf`},
		{"boolean duration", base + "search: {timeout: true}\n", `t.yaml:4: search.timeout: must be a duration such as 90s, 15m or 8h, or a number of seconds from 0 to 1e9, got true`},
		{"too many seconds", base + "search: {timeout: 1e10}\n", `t.yaml:4: search.timeout: must be a duration such as 90s, 15m or 8h, or a number of seconds from 0 to 1e9, got 1e10`},
		{"bad name", "name: a b\ndata: {path: x}\n", `a.yaml:1: name: must be 1 to 100 characters`},
		// Names go into file names and shell commands: ASCII only.
		{"non-ASCII name", "name: étude\ndata: {path: x}\n", `a.yaml:1: name: must be 1 to 100 characters of ASCII letters, digits, '-', '_' or '.', got "étude"`},
		{"negative seed", "seed: -1\ndata: {path: x}\n", "a.yaml:1: seed: must be a non-negative integer, got -1"},
		{"quoted number", base + "model: {dropout: '0.5'}\n", `model.dropout: must be a number, got "0.5"`},
		{"quoted exponent", base + "model: {learning_rate: '1e-3'}\n", `t.yaml:4: model.learning_rate: must be a number, got "1e-3"`},
		{"double-quoted exponent", base + "search:\n  space:\n    l2: {values: [0, \"1e-4\"]}\n", `t.yaml:6: search.space.l2.values[1]: must be a finite number, got "1e-4"`},
		{"exponent beyond float64", base + "model: {l2: 1e400}\n", `t.yaml:4: model.l2: must be a number, got "1e400"`},
		{"exponent for int", base + "model:\n  epochs: 1e-3\n", "t.yaml:5: model.epochs: must be an integer, got 1e-3"},
		{"exponent repeats decimal", base + "search:\n  space:\n    learning_rate: {values: [0.001, 1e-3]}\n", "t.yaml:6: search.space.learning_rate.values[1]: repeats the value 0.001"},
		{"exponent out of range", base + "search:\n  space:\n    learning_rate: {min: 1e-4, max: 1e2}\n", "t.yaml:6: search.space.learning_rate.max: must be in (0, 10], got 100"},
		{"inf", base + "model: {l2: .inf}\n", "t.yaml:4: model.l2: must be a finite number, got +Inf"},
		{"signed inf", base + "model: {l2: +.inf}\n", `t.yaml:4: model.l2: must be a number, got "+.inf"`},
		{"nan value", base + "search:\n  space:\n    l2: {values: [.nan]}\n", "t.yaml:6: search.space.l2.values[0]: must be a finite number, got NaN"},
		{"maximized loss", base + "search:\n  objective: val_loss\n  direction: maximize\n", "t.yaml:6: search.direction: val_loss is minimized, not maximized (leave the field out for minimize)"},
		{"minimized score", base + "search: {direction: minimize}\n", "t.yaml:4: search.direction: val_macro_f1 is maximized, not minimized (leave the field out for maximize)"},
		{"unreachable score", base + "search:\n  objective: val_accuracy\n  target: 2\n", "t.yaml:6: search.target: must be between 0 and 1 for val_accuracy, got 2"},
		{"default objective's target", base + "search: {target: -0.5}\n", "t.yaml:4: search.target: must be between 0 and 1 for val_macro_f1, got -0.5"},
		{"negative loss", base + "search: {objective: val_loss, target: -1}\n", "t.yaml:4: search.target: must not be negative for val_loss, got -1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			file := "a.yaml"
			if strings.HasPrefix(tc.src, "name: t\n") {
				file = "t.yaml"
			}
			_, err := Parse(file, ".", []byte(tc.src))
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Errorf("error %T is not a *FieldError", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error\n  %s\nwant it to contain\n  %s", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans several lines: %q", err)
			}
		})
	}
}

// TestParseExponents checks that plain scalars in YAML 1.2's float syntax
// without a dot (1e-3, which YAML 1.1 reads as a string) are numbers
// wherever a number is expected, and keep their text where a string is.
func TestParseExponents(t *testing.T) {
	t.Parallel()
	const base = "data: {path: x.csv}\n"
	tests := []struct {
		name, src string
		got       func(s *Spec) any
		want      any
	}{
		{"learning rate", "model: {learning_rate: 1e-3}", func(s *Spec) any { return s.Model.LearningRate }, 0.001},
		{"upper-case E", "model: {learning_rate: 1E-3}", func(s *Spec) any { return s.Model.LearningRate }, 0.001},
		{"epsilon", "model: {epsilon: 1e-7}", func(s *Spec) any { return s.Model.Epsilon }, 1e-7},
		{"explicit signs", "model: {early_stopping: {min_delta: +1e-4}}", func(s *Spec) any { return s.Model.EarlyStopping.MinDelta }, 1e-4},
		{"exponent sign", "model: {l2: 5e+0}", func(s *Spec) any { return s.Model.L2 }, 5.0},
		{"integer field", "model: {batch_size: 1e2}", func(s *Spec) any { return s.Model.BatchSize }, 100},
		{"trials", "search: {trials: 1e3}", func(s *Spec) any { return s.Search.Trials }, 1000},
		{"seed", "seed: 1e6", func(s *Spec) any { return s.Seed }, uint64(1000000)},
		{"seconds", "search: {timeout: 9e1}", func(s *Spec) any { return s.Search.Timeout.Seconds() }, 90.0},
		{"target", "search: {target: 9e-1}", func(s *Spec) any { return *s.Search.Target }, 0.9},
		{"text option", "data: {path: x.csv, text_options: {min_df: 1e-2}}", func(s *Spec) any { return s.Data.TextOpts.MinDF }, 0.01},
		{"float choice", "search: {space: {l2: {values: [0, 1e-4]}}}",
			func(s *Spec) any { return s.Search.Space[0].Values }, []search.Value{search.Float(0), search.Float(0.0001)}},
		{"exponent and decimal choices alike", "search: {space: {learning_rate: {values: [1e-3, 0.01]}}}",
			func(s *Spec) any { return s.Search.Space[0].Values }, []search.Value{search.Float(0.001), search.Float(0.01)}},
		{"int choice", "search: {space: {units: {values: [1e2, 2e2]}}}",
			func(s *Spec) any { return s.Search.Space[0].Values }, []search.Value{search.Int(100), search.Int(200)}},
		{"fixed float", "search: {space: {dropout: 2e-1}}", func(s *Spec) any { return *s.Search.Space[0].Fixed }, search.Float(0.2)},
		{"range", "search: {space: {learning_rate: {min: 1e-4, max: 1e-2, log: true}}}",
			func(s *Spec) any { return [2]float64{s.Search.Space[0].Min, s.Search.Space[0].Max} }, [2]float64{1e-4, 1e-2}},
		{"string keeps its text", "data: {path: x.csv, label: 1e3}", func(s *Spec) any { return s.Data.Label }, "1e3"},
		{"string list keeps its text", "data: {path: x.csv, features: [1e3, 2E-1]}", func(s *Spec) any { return s.Data.Features }, []string{"1e3", "2E-1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := tc.src + "\n"
			if !strings.HasPrefix(src, "data:") {
				src = base + src
			}
			s, err := Parse("e.yaml", ".", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			if got := tc.got(s); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

// TestParseExplicitZero checks that a value written in the file is
// validated as written: 0 or an empty value where it is invalid is an error
// naming its line, never the default an absent field takes.
func TestParseExplicitZero(t *testing.T) {
	t.Parallel()
	const base = "name: t\ndata:\n  path: x.csv\n"
	tests := []struct {
		name, src, want string
	}{
		{"trials", base + "search:\n  trials: 0\n", "t.yaml:5: search.trials: must be between 1 and 1000000, got 0"},
		{"grid trials", base + "search:\n  sampler: grid\n  trials: 0\n  space: {units: {values: [8, 16]}}\n", "t.yaml:6: search.trials: must be between 1 and 1000000, got 0"},
		{"step", base + "search:\n  space:\n    units: {min: 4, max: 8, step: 0}\n", "t.yaml:6: search.space.units.step: must be above 0, got 0"},
		{"float step", base + "search:\n  space:\n    dropout:\n      min: 0.0\n      max: 0.5\n      step: 0\n", "t.yaml:9: search.space.dropout.step: must be above 0, got 0"},
		{"count", base + "search:\n  space:\n    units: {min: 4, max: 8, count: 0}\n", "t.yaml:6: search.space.units.count: must be at least 2, got 0"},
		{"step beside values", base + "search:\n  space:\n    units: {values: [8], step: 0}\n", "t.yaml:6: search.space.units.step: must be above 0, got 0"},
		{"learning rate", base + "model:\n  learning_rate: 0\n", "t.yaml:5: model.learning_rate: must be in (0, 10], got 0"},
		{"beta1", base + "model:\n  beta1: 0\n", "t.yaml:5: model.beta1: must be in (0, 1), got 0"},
		{"beta2", base + "model:\n  beta2: 0.0\n", "t.yaml:5: model.beta2: must be in (0, 1), got 0"},
		{"name", "name: ''\ndata: {path: x.csv}\n", `t.yaml:1: name: must be 1 to 100 characters of ASCII letters, digits, '-', '_' or '.', got ""`},
		{"comma", base + "  comma: ''\n", `t.yaml:4: data.comma: must be a single character, got ""`},
		{"text column", base + "  text: ''\n", "t.yaml:4: data.text: must name the text column"},
		{"missing values", base + "  missing_values: []\n", "t.yaml:4: data.missing_values: must list at least one value"},
		// Checks that were already explicit stay so.
		{"epochs", base + "model:\n  epochs: 0\n", "t.yaml:5: model.epochs: must be between 1 and 100000, got 0"},
		{"batch size", base + "model:\n  batch_size: 0\n", "t.yaml:5: model.batch_size: must be between 1 and 1048576, got 0"},
		{"patience", base + "model:\n  early_stopping: {patience: 0}\n", "t.yaml:5: model.early_stopping.patience: must be at least 1, got 0"},
		{"epsilon", base + "model:\n  epsilon: 0\n", "t.yaml:5: model.epsilon: must be in (0, 1), got 0"},
		{"rho", base + "model:\n  rho: 0\n", "t.yaml:5: model.rho: must be in (0, 1), got 0"},
		{"parallel", base + "search:\n  parallel: 0\n", "t.yaml:5: search.parallel: must be between 1 and 1024, got 0"},
		{"smote k", base + "  sampling: {strategy: smote, k: 0}\n", "t.yaml:4: data.sampling.k: must be at least 1, got 0"},
		{"split", base + "  split: {test: 0}\n", "t.yaml:4: data.split.test: must be between 0 and 1 (exclusive), got 0"},
		{"ngram max", base + "  text_options: {ngram_max: 0}\n", "t.yaml:4: data.text_options.ngram_max: 0 is below ngram_min 1"},
		{"min token runes", base + "  text_options: {min_token_runes: 0}\n", "t.yaml:4: data.text_options.min_token_runes: 0, want >= 1"},
		{"max df", base + "  text_options: {max_df: 0}\n", "t.yaml:4: data.text_options.max_df: 0, want a proportion"},
		{"impute", base + "  impute: ''\n", `t.yaml:4: data.impute: must be one of mean, median, most_frequent, drop, got ""`},
		{"optimizer", base + "model:\n  optimizer: ''\n", `t.yaml:5: model.optimizer: must be one of adam, rmsprop, sgd, got ""`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			parseError(t, tc.src, tc.want)
		})
	}
}

// TestParseZeroWhereValid checks that 0 stays accepted, as written, where 0
// is a valid value, and that absent fields still take their defaults.
func TestParseZeroWhereValid(t *testing.T) {
	t.Parallel()
	const base = "data: {path: x.csv}\n"
	tests := []struct {
		name, src string
		got       func(s *Spec) any
		want      any
	}{
		{"max retries", "search: {max_retries: 0}", func(s *Spec) any { return s.Search.MaxRetries }, 0},
		{"timeout", "search: {timeout: 0}", func(s *Spec) any { return s.Search.Timeout }, time.Duration(0)},
		{"warm-up", "search: {pruner: {median: {warmup_trials: 0, warmup_epochs: 0}}}", func(s *Spec) any { return *s.Search.Pruner }, MedianPrunerSpec{}},
		{"seed", "seed: 0", func(s *Spec) any { return s.Seed }, uint64(0)},
		{"dropout", "model: {dropout: 0}", func(s *Spec) any { return s.Model.Dropout }, 0.0},
		{"count 1 on a point", "search: {space: {units: {min: 8, max: 8, count: 1}}}", func(s *Spec) any { return s.Search.Space[0].Count }, 1},
		{"absent trials", "search: {sampler: random}", func(s *Spec) any { return s.TrialCount() }, 20},
		{"absent grid trials", "search: {sampler: grid, space: {units: {values: [8, 16, 32]}}}", func(s *Spec) any { return s.TrialCount() }, 3},
		{"absent learning rate", "model: {optimizer: sgd}", func(s *Spec) any { return s.TrainerConfig().Optimizer.LearningRate }, 0.01},
		{"absent step", "search: {space: {units: {min: 4, max: 8}}}", func(s *Spec) any { n, _ := s.SpaceSize(); return n }, 5},
		{"absent name", "seed: 1", func(s *Spec) any { return s.Name }, "z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := Parse("z.yaml", ".", []byte(base+tc.src+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			if got := tc.got(s); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

// TestParseSplit: validation is a fraction of the rows left after the test
// rows, so the two fractions need not sum below 1 (0.5 and 0.6 leave 20% of
// the rows to train).
func TestParseSplit(t *testing.T) {
	t.Parallel()
	for _, want := range []SplitSpec{
		{Test: 0.5, Validation: 0.6},
		{Test: 0.9, Validation: 0.9},
		{Test: 0.1, Validation: 0.1},
	} {
		src := fmt.Sprintf("data: {path: x.csv, split: {test: %g, validation: %g}}\n", want.Test, want.Validation)
		s, err := Parse("a.yaml", ".", []byte(src))
		if err != nil {
			t.Errorf("split %+v: %v", want, err)
			continue
		}
		if s.Data.Split != want {
			t.Errorf("split %+v parsed as %+v", want, s.Data.Split)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	t.Parallel()
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.Contains(err.Error(), "nope.yaml does not exist") {
		t.Errorf("err = %v", err)
	}
}

func TestSpaceSizeAndSearchSpace(t *testing.T) {
	t.Parallel()
	src := `data: {path: x.csv}
search:
  sampler: grid
  space:
    layers: {values: [1, 2]}
    units: {min: 16, max: 64, step: 16}
    dropout: {min: 0.0, max: 0.5, count: 6}
    optimizer: adam
`
	s, err := Parse("g.yaml", ".", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	// 2 layer counts × 4 widths (16, 32, 48, 64) × 6 dropouts × 1.
	if n, ok := s.SpaceSize(); !ok || n != 48 {
		t.Errorf("SpaceSize = %d, %v; want 48", n, ok)
	}
	if s.TrialCount() != 48 {
		t.Errorf("TrialCount = %d, want the grid size 48", s.TrialCount())
	}
	sp, err := s.SearchSpace()
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name string
		kind search.ParamKind
	}{{"layers", search.ParamCategorical}, {"units", search.ParamInt}, {"dropout", search.ParamFloat}, {"optimizer", search.ParamFixed}}
	if len(sp.Params) != len(want) {
		t.Fatalf("%d params, want %d", len(sp.Params), len(want))
	}
	for i, w := range want {
		if sp.Params[i].Name != w.name || sp.Params[i].Kind != w.kind {
			t.Errorf("param %d = %s %v, want %s %v", i, sp.Params[i].Name, sp.Params[i].Kind, w.name, w.kind)
		}
	}
	if p := sp.Params[1]; p.IntMin != 16 || p.IntMax != 64 || p.Step != 16 {
		t.Errorf("units = %+v", p)
	}
	if p := sp.Params[2]; p.Count != 6 || p.Max != 0.5 {
		t.Errorf("dropout = %+v", p)
	}
}

func TestResolve(t *testing.T) {
	t.Parallel()
	src := `data: {path: x.csv}
model: {layers: [10, 20]}
search:
  space:
    units: {values: [8, 16]}
    layers: {values: [1, 3]}
    sampling: {values: [none, smote]}
`
	s, err := Parse("r.yaml", ".", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Resolve(search.Params{"units": search.Int(16), "layers": search.Int(3), "sampling": search.String("smote"), "dropout": search.Float(0.25)})
	if err != nil {
		t.Fatal(err)
	}
	// layers applies before units whatever the file's order.
	if !slices.Equal(r.Model.Layers, []int{16, 16, 16}) || r.Data.Sampling.Strategy != "smote" || r.Model.Dropout != 0.25 {
		t.Errorf("resolved layers %v sampling %q dropout %g", r.Model.Layers, r.Data.Sampling.Strategy, r.Model.Dropout)
	}
	if !slices.Equal(s.Model.Layers, []int{10, 20}) {
		t.Errorf("Resolve modified the spec: layers %v", s.Model.Layers)
	}
	for _, bad := range []search.Params{
		{"bogus": search.Int(1)},
		{"dropout": search.Float(1.5)},
		{"optimizer": search.String("nadam")},
		{"units": search.String("big")},
	} {
		if _, err := s.Resolve(bad); err == nil {
			t.Errorf("Resolve(%v) gave no error", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("*.yaml")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("data: {path: x}\nsearch: {space: {units: {min: 1, max: 9999999999999}}}\n"))
	f.Add([]byte("a: &x [1]\nb: *x\n"))
	f.Add([]byte("\xEF\xBB\xBFdata: {path: x}\nsearch: {sampler: grid, timeout: '5', space: {units: {min: 1, max: 65536}, batch_size: {min: 1, max: 65536}}}\n"))
	f.Add([]byte("search:\n  space:\n    dropout: {min: .nan, max: .inf}\n"))
	f.Add([]byte("data: {path: x}\nmodel: {learning_rate: 1e-3, epsilon: 1E-7}\nsearch: {space: {l2: {values: [0, 1e-4]}, units: {min: 1e1, max: 1e400}}}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse("f.yaml", ".", src)
		if err != nil {
			if s != nil {
				t.Fatal("spec and error both returned")
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if _, err := s.SearchSpace(); err != nil {
			t.Fatalf("valid spec gives invalid space: %v", err)
		}
		s.SpaceSize()
		s.TrialCount()
	})
}

// TestSpaceSizeMatchesGrid checks that the size the plan prints is the one
// the grid sampler enumerates.
func TestSpaceSizeMatchesGrid(t *testing.T) {
	t.Parallel()
	spaces := []string{
		"units: {values: [8, 16, 32]}\n    dropout: {min: 0.0, max: 0.5, count: 6}",
		"units: {min: 16, max: 256, step: 16}\n    optimizer: {values: [adam, sgd]}",
		"units: {min: 4, max: 8, count: 10}",
		"units: {min: 1, max: 64, log: true}",
		"dropout: {min: 0.0, max: 0.45, step: 0.1}\n    batch_size: 32",
	}
	for _, sp := range spaces {
		s, err := Parse("g.yaml", ".", []byte("data: {path: x.csv}\nsearch:\n  sampler: grid\n  space:\n    "+sp+"\n"))
		if err != nil {
			t.Fatalf("%s: %v", sp, err)
		}
		space, err := s.SearchSpace()
		if err != nil {
			t.Fatal(err)
		}
		want, err := search.Grid{}.Size(space)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := s.SpaceSize(); !ok || got != want {
			t.Errorf("%s: SpaceSize = %d, %v; grid sampler has %d points", sp, got, ok, want)
		}
	}
}

func TestConversions(t *testing.T) {
	t.Parallel()
	src := `data:
  path: x.tsv
  comma: ";"
  features: [a, b]
  impute: median
  scale: minmax
  sampling: {strategy: oversample, targets: {rare: 40}}
  text_options: {stemmer: snowball, ngram_max: 2}
model:
  layers: [64, 32]
  optimizer: sgd
  momentum: 0.9
  nesterov: true
  early_stopping: false
  precision: float64
`
	s, err := Parse("c.yaml", ".", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	lo := s.LoadOptions()
	if lo.Comma != ';' || !slices.Equal(lo.Features, []string{"a", "b"}) || lo.Label != "label" {
		t.Errorf("load options %+v", lo)
	}
	dc := s.DataConfig()
	if dc.Impute != "median" || dc.Scale != "minmax" || dc.Sampling.Strategy != "oversample" || dc.Sampling.Targets["rare"] != 40 ||
		dc.Text.Stemmer != "snowball" || dc.Text.NGramMax != 2 || dc.Split.Test != 0.2 {
		t.Errorf("data config %+v", dc)
	}
	tc := s.TrainerConfig()
	// sgd's Keras default learning rate is 0.01.
	if !slices.Equal(tc.Layers, []int{64, 32}) || tc.Optimizer.Name != "sgd" || tc.Optimizer.LearningRate != 0.01 ||
		!tc.Optimizer.Nesterov || tc.Optimizer.Momentum != 0.9 || tc.EarlyStopping.Monitor != "none" || tc.Precision != "float64" {
		t.Errorf("trainer config %+v", tc)
	}
	if err := tc.Validate(); err != nil {
		t.Errorf("trainer config invalid: %v", err)
	}
}

func TestSpaceSizeLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, space string
		want        int
		finite      bool
	}{
		{"continuous range", "dropout: {min: 0.0, max: 0.5}\n    units: {values: [8, 16]}", 0, false},
		{"degenerate float range", "dropout: {min: 0.25, max: 0.25}\n    units: {values: [8, 16]}", 2, true},
		{"at the grid's limit", "units: {min: 1, max: 65535}\n    batch_size: {min: 1, max: 32768}", 65535 * 32768, true},
		// 65536 × 32768 points is one past math.MaxInt32, the most a grid
		// enumerates, though it fits in an int.
		{"past the grid's limit", "units: {min: 1, max: 65536}\n    batch_size: {min: 1, max: 32768}", math.MaxInt, true},
		// 65536 × 10⁶ × 10⁵ × 16 × 100 ≈ 1.05e19 overflows an int64.
		{"past any int", "units: {min: 1, max: 65536}\n    batch_size: {min: 1, max: 1000000}\n    epochs: {min: 1, max: 100000}\n    layers: {min: 1, max: 16}\n    smote_k: {min: 1, max: 100}", math.MaxInt, true},
	}
	for _, tc := range tests {
		s, err := Parse("g.yaml", ".", []byte("data: {path: x.csv}\nsearch:\n  space:\n    "+tc.space+"\n"))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got, finite := s.SpaceSize(); got != tc.want || finite != tc.finite {
			t.Errorf("%s: SpaceSize = %d, %v; want %d, %v", tc.name, got, finite, tc.want, tc.finite)
		}
		if !tc.finite {
			continue
		}
		// A grid search over the same space is refused when the sampler
		// could not enumerate it, and only then.
		_, err = Parse("g.yaml", ".", []byte("data: {path: x.csv}\nsearch:\n  sampler: grid\n  space:\n    "+tc.space+"\n"))
		if tooLarge := tc.want == math.MaxInt; tooLarge != (err != nil) || err != nil && !strings.Contains(err.Error(), "g.yaml:4: search.space: grid of ") {
			t.Errorf("%s: grid search: error %v, want one saying the grid is too large: %t", tc.name, err, tooLarge)
		}
	}
}

// TestObjectiveSettings: a direction that matches the objective and a
// reachable target are accepted.
func TestObjectiveSettings(t *testing.T) {
	t.Parallel()
	for _, search := range []string{
		"{objective: val_loss, direction: minimize, target: 0.05}",
		"{objective: val_loss, target: 0}",
		"{objective: val_accuracy, direction: maximize, target: 1}",
		"{target: 0.9}",
	} {
		if _, err := Parse("a.yaml", ".", []byte("data: {path: x.csv}\nsearch: "+search+"\n")); err != nil {
			t.Errorf("search: %s: %v", search, err)
		}
	}
}

// TestParseByteOrderMark: a spec saved with a UTF-8 byte order mark, as
// Windows editors write it, parses as without one, errors on the same lines.
func TestParseByteOrderMark(t *testing.T) {
	t.Parallel()
	const bom = "\xEF\xBB\xBF"
	const good = "name: t\ndata:\n  path: x.csv\nmodel: {epochs: 7}\n"
	s, err := Parse("t.yaml", ".", []byte(bom+good))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "t" || s.Model.Epochs != 7 {
		t.Errorf("name %q epochs %d, want t and 7", s.Name, s.Model.Epochs)
	}
	tests := []struct {
		name, src, want string
	}{
		{"first line", "epochs: 3\n", "t.yaml:1: epochs: unknown field"},
		{"later line", "name: t\ndata:\n  path: x.csv\nmodel: {epochs: 0}\n", "t.yaml:4: model.epochs: must be between 1 and 100000, got 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, prefix := range []string{"", bom} {
				_, err := Parse("t.yaml", ".", []byte(prefix+tc.src))
				if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
					t.Errorf("BOM %t: error %v, want %q", prefix != "", err, tc.want)
				}
			}
		})
	}
}

// TestParseErrorsShortenLongValues: an error echoing a long value shows its
// start and its length, and stays one short line, whichever check (the
// decoder, Validate, a downstream package's Validate) wrote it.
func TestParseErrorsShortenLongValues(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 5000)
	const base = "name: t\ndata:\n  path: x.csv\n"
	// The value's first 60 runes, then its length in bytes.
	shown := `"` + strings.Repeat("x", 60) + `"…(5000 bytes)`
	tests := []struct {
		name, src, want string
	}{
		{"string for a number", base + "model: {epochs: " + long + "}\n", "t.yaml:4: model.epochs: must be an integer, got " + shown},
		{"closed set", base + "model: {optimizer: " + long + "}\n", "t.yaml:4: model.optimizer: must be one of adam, rmsprop, sgd, got " + shown},
		{"name", "name: " + long + "\ndata: {path: x.csv}\n", "t.yaml:1: name: must be 1 to 100 characters of ASCII letters, digits, '-', '_' or '.', got " + shown},
		{"comma", base + "  comma: " + long + "\n", "t.yaml:4: data.comma: must be a single character, got " + shown},
		{"duration", base + "search: {timeout: " + long + "}\n", "t.yaml:4: search.timeout: must be a duration such as 90s, 15m or 8h, or a number of seconds from 0 to 1e9, got " + shown},
		{"space choice", base + "search: {space: {activation: {values: [" + long + "]}}}\n", "t.yaml:4: search.space.activation.values[0]: must be one of relu, tanh, sigmoid, elu, got " + shown},
		{"downstream package", base + "  text_options: {normalize: " + long + "}\n", "t.yaml:4: data.text_options.normalize: " + shown + " is not one of"},
		{"multi-byte runes", base + "model: {activation: " + strings.Repeat("é", 3000) + "}\n", `got "` + strings.Repeat("é", 60) + `"…(6000 bytes)`},
		{"unknown field", base + "model: {" + long + ": 1}\n", "t.yaml:4: model." + strings.Repeat("x", 94) + "…(5006 bytes): unknown field"},
		{"short values stay whole", base + "model: {optimizer: " + strings.Repeat("y", 60) + "}\n", "t.yaml:4: model.optimizer: must be one of adam, rmsprop, sgd, got \"" + strings.Repeat("y", 60) + "\""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := parseError(t, tc.src, tc.want)
			if n := len(err.Error()); n > 400 || strings.Contains(err.Error(), "\n") {
				t.Errorf("error of %d bytes, want one line under 400: %.500q", n, err)
			}
			if strings.HasPrefix(tc.name, "short") && strings.Contains(err.Error(), "…") {
				t.Errorf("a value of %d runes was cut: %s", maxShownRunes, err)
			}
		})
	}
}

// parseError parses src as t.yaml and requires an error containing want.
func parseError(t *testing.T, src, want string) error {
	t.Helper()
	_, err := Parse("t.yaml", ".", []byte(src))
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error\n  %s\nwant it to contain\n  %s", err, want)
	}
	return err
}
