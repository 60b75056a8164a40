package experiments

import (
	"fmt"

	"github.com/sweep-ml/sweep/trainer"
	"github.com/sweep-ml/sweep/trainer/data"
)

// LoadOptions returns how the data file is read.
func (s *Spec) LoadOptions() data.LoadOptions {
	o := data.LoadOptions{
		Label:         s.Data.Label,
		Text:          s.Data.Text,
		Features:      append([]string(nil), s.Data.Features...),
		MissingValues: append([]string(nil), s.Data.MissingValues...),
		DropMalformed: s.Data.DropMalformed,
	}
	if r := []rune(s.Data.Comma); len(r) == 1 {
		o.Comma = r[0]
	}
	return o
}

// DataConfig returns the preprocessing configuration of the data section.
func (s *Spec) DataConfig() data.Config {
	d := &s.Data
	return data.Config{
		Split:  data.SplitConfig{Test: d.Split.Test, Validation: d.Split.Validation},
		Impute: d.Impute,
		Scale:  d.Scale,
		Text:   d.TextOpts,
		Sampling: data.Sampling{
			Strategy: d.Sampling.Strategy,
			K:        d.Sampling.K,
			Targets:  d.Sampling.Targets,
		},
	}.WithDefaults()
}

// TrainerConfig returns the MLP configuration of the model section.
func (s *Spec) TrainerConfig() trainer.Config {
	m := &s.Model
	restore := m.EarlyStopping.RestoreBest
	return trainer.Config{
		Layers:     append([]int{}, m.Layers...),
		Activation: m.Activation,
		Dropout:    m.Dropout,
		L1:         m.L1,
		L2:         m.L2,
		Optimizer: trainer.OptimizerConfig{
			Name:         m.Optimizer,
			LearningRate: m.LearningRate,
			Momentum:     m.Momentum,
			Nesterov:     m.Nesterov,
			Rho:          m.Rho,
			Beta1:        m.Beta1,
			Beta2:        m.Beta2,
			Epsilon:      m.Epsilon,
		},
		Loss:      trainer.LossCategorical,
		Epochs:    m.Epochs,
		BatchSize: m.BatchSize,
		EarlyStopping: trainer.EarlyStoppingConfig{
			Monitor:     m.EarlyStopping.Monitor,
			MinDelta:    m.EarlyStopping.MinDelta,
			Patience:    m.EarlyStopping.Patience,
			RestoreBest: &restore,
		},
		Precision: m.Precision,
	}.WithDefaults()
}

// ConfigLines describes the resolved configuration in a few lines for
// people: the model and training settings, then the data preparation.
func (s *Spec) ConfigLines() []string {
	c := s.TrainerConfig()
	o := c.Optimizer
	opt := fmt.Sprintf("%s lr=%g", o.Name, o.LearningRate)
	switch o.Name {
	case trainer.OptimizerSGD:
		opt += fmt.Sprintf(" momentum=%g nesterov=%t", o.Momentum, o.Nesterov)
	case trainer.OptimizerRMSprop:
		opt += fmt.Sprintf(" rho=%g momentum=%g epsilon=%g", o.Rho, o.Momentum, o.Epsilon)
	default:
		opt += fmt.Sprintf(" beta1=%g beta2=%g epsilon=%g", o.Beta1, o.Beta2, o.Epsilon)
	}
	es := "off"
	if e := c.EarlyStopping; e.Monitor != trainer.MonitorNone {
		es = fmt.Sprintf("%s patience=%d min_delta=%g restore_best=%t", e.Monitor, e.Patience, e.MinDelta, *e.RestoreBest)
	}
	d := s.DataConfig()
	lines := []string{
		fmt.Sprintf("model      layers=%v activation=%s dropout=%g l1=%g l2=%g precision=%s", c.Layers, c.Activation, c.Dropout, c.L1, c.L2, c.Precision),
		fmt.Sprintf("training   %s, batch %d, up to %d epochs, early stopping %s", opt, c.BatchSize, c.Epochs, es),
		fmt.Sprintf("data       %s (label %s), split test=%g validation=%g, impute=%s scale=%s sampling=%s",
			s.Data.Path, s.Data.Label, d.Split.Test, d.Split.Validation, d.Impute, d.Scale, d.Sampling.Strategy),
	}
	return lines
}
