package trainer

import (
	"math"
	"strings"
	"testing"
)

func TestWithDefaults(t *testing.T) {
	t.Parallel()
	c := Config{}.WithDefaults()
	if len(c.Layers) != 1 || c.Layers[0] != 128 || c.Activation != "relu" || c.Epochs != 100 || c.BatchSize != 32 ||
		c.Loss != LossCategorical || c.Precision != PrecisionFloat32 {
		t.Errorf("defaults: %+v", c)
	}
	o := c.Optimizer
	if o.Name != "adam" || o.LearningRate != 0.001 || o.Beta1 != 0.9 || o.Beta2 != 0.999 || o.Epsilon != 1e-7 || o.Rho != 0.9 {
		t.Errorf("optimizer defaults: %+v", o)
	}
	e := c.EarlyStopping
	if e.Monitor != "val_loss" || e.Patience != 10 || e.MinDelta != 0 || !e.restoreBest() || e.RestoreBest == nil {
		t.Errorf("early stopping defaults: %+v", e)
	}
	if lr := (Config{Optimizer: OptimizerConfig{Name: "sgd"}}).WithDefaults().Optimizer.LearningRate; lr != 0.01 {
		t.Errorf("sgd learning rate default %v, want 0.01", lr)
	}
	if l := (Config{Layers: []int{}}).WithDefaults().Layers; l == nil || len(l) != 0 {
		t.Errorf("explicit no hidden layer became %v", l)
	}
	no := false
	if (Config{EarlyStopping: EarlyStoppingConfig{RestoreBest: &no}}).WithDefaults().EarlyStopping.restoreBest() {
		t.Error("restore_best false was overridden")
	}
	if err := DefaultConfig().Validate(); err != nil {
		t.Errorf("default config invalid: %v", err)
	}
	if d := DefaultConfig(); d.Dropout != 0.2 || d.Layers[0] != 128 {
		t.Errorf("DefaultConfig: %+v", d)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"learning rate", func(c *Config) { c.Optimizer.LearningRate = -1 }, "optimizer.learning_rate: must be > 0, got -1"},
		{"layer units", func(c *Config) { c.Layers = []int{64, 0} }, "layers[1]: must be > 0, got 0"},
		{"activation", func(c *Config) { c.Activation = "softplus" }, `activation: must be relu, tanh, sigmoid or elu, got "softplus"`},
		{"dropout", func(c *Config) { c.Dropout = 1 }, "dropout: must be in [0, 1), got 1"},
		{"l1", func(c *Config) { c.L1 = -0.1 }, "l1: must be finite and >= 0, got -0.1"},
		{"l2", func(c *Config) { c.L2 = math.Inf(1) }, "l2: must be finite and >= 0, got +Inf"},
		{"optimizer", func(c *Config) { c.Optimizer.Name = "adagrad" }, `optimizer.name: must be sgd, rmsprop or adam, got "adagrad"`},
		{"momentum", func(c *Config) { c.Optimizer.Momentum = 1.5 }, "optimizer.momentum: must be in [0, 1), got 1.5"},
		{"beta2", func(c *Config) { c.Optimizer.Beta2 = 1 }, "optimizer.beta2: must be in [0, 1), got 1"},
		{"epsilon", func(c *Config) { c.Optimizer.Epsilon = -1e-8 }, "optimizer.epsilon: must be > 0, got -1e-08"},
		{"loss", func(c *Config) { c.Loss = "hinge" }, `loss: must be categorical_crossentropy or binary_crossentropy, got "hinge"`},
		{"class weight", func(c *Config) { c.ClassWeight = "auto" }, `class_weight: must be "" or "balanced", got "auto"`},
		{"both weights", func(c *Config) { c.ClassWeight = "balanced"; c.ClassWeights = []float64{1, 2} }, "class_weight: balanced cannot be combined"},
		{"class weights", func(c *Config) { c.ClassWeights = []float64{1, -2} }, "class_weights[1]: must be finite and >= 0, got -2"},
		{"epochs", func(c *Config) { c.Epochs = -3 }, "epochs: must be >= 1, got -3"},
		{"batch", func(c *Config) { c.BatchSize = -1 }, "batch_size: must be >= 1, got -1"},
		{"monitor", func(c *Config) { c.EarlyStopping.Monitor = "loss" }, `early_stopping.monitor: must be val_loss, val_macro_f1, val_accuracy or none, got "loss"`},
		{"min delta", func(c *Config) { c.EarlyStopping.MinDelta = -1 }, "early_stopping.min_delta: must be finite and >= 0, got -1"},
		{"patience", func(c *Config) { c.EarlyStopping.Patience = -2 }, "early_stopping.patience: must be >= 1, got -2"},
		{"precision", func(c *Config) { c.Precision = "float16" }, `precision: must be float32 or float64, got "float16"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cfg := DefaultConfig()
			c.edit(&cfg)
			err := cfg.Validate()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Validate() = %v, want it to contain %q", err, c.want)
			}
		})
	}
	// Every invalid field is reported, not just the first.
	cfg := DefaultConfig()
	cfg.Epochs, cfg.Dropout = -1, 2
	err := cfg.Validate()
	if err == nil || !strings.Contains(err.Error(), "epochs:") || !strings.Contains(err.Error(), "dropout:") {
		t.Errorf("Validate() = %v, want both epochs and dropout", err)
	}
}
