package trainer

import (
	"errors"
	"fmt"
	"math"
)

// Activation names accepted by Config.Activation.
const (
	ActivationReLU    = "relu"
	ActivationTanh    = "tanh"
	ActivationSigmoid = "sigmoid"
	ActivationELU     = "elu"
)

// Optimizer names accepted by OptimizerConfig.Name.
const (
	OptimizerSGD     = "sgd"
	OptimizerRMSprop = "rmsprop"
	OptimizerAdam    = "adam"
)

// Loss names accepted by Config.Loss.
const (
	// LossCategorical is categorical cross-entropy over the softmax output.
	LossCategorical = "categorical_crossentropy"
	// LossBinary is binary cross-entropy; it fits two classes only. With a
	// two-way softmax output and one label per row it equals categorical
	// cross-entropy term for term, so it is computed the same way.
	LossBinary = "binary_crossentropy"
)

// Early-stopping monitors accepted by EarlyStoppingConfig.Monitor.
const (
	MonitorValLoss    = "val_loss"
	MonitorValMacroF1 = "val_macro_f1"
	MonitorValAcc     = "val_accuracy"
	// MonitorNone turns early stopping off: training runs all epochs and
	// the last epoch's weights are kept.
	MonitorNone = "none"
)

// Precisions accepted by Config.Precision.
const (
	PrecisionFloat32 = "float32"
	PrecisionFloat64 = "float64"
)

// ClassWeightBalanced asks for class weights n / (k · count_c) computed from
// the training labels.
const ClassWeightBalanced = "balanced"

// Config describes one MLP and how to train it. Fill it from a spec, call
// WithDefaults, then Validate. Zero values mean "default" as noted per field.
type Config struct {
	// Layers holds the units of each hidden layer, input side first.
	// Nil means [128]; an empty non-nil slice means no hidden layer
	// (multinomial logistic regression).
	Layers []int `json:"layers" yaml:"layers"`
	// Activation of every hidden layer: relu [default], tanh, sigmoid, elu
	// (alpha 1).
	Activation string `json:"activation" yaml:"activation"`
	// Dropout is the inverted-dropout rate after each hidden layer, in
	// [0, 1); 0 [default] turns it off. It is never active at inference.
	Dropout float64 `json:"dropout" yaml:"dropout"`
	// L1 and L2 scale the penalties L1·Σ|w| and L2·Σw² over every kernel
	// weight (not biases). Both default to 0.
	L1 float64 `json:"l1" yaml:"l1"`
	L2 float64 `json:"l2" yaml:"l2"`
	// Optimizer chooses and tunes the update rule.
	Optimizer OptimizerConfig `json:"optimizer" yaml:"optimizer"`
	// Loss is categorical_crossentropy [default] or binary_crossentropy
	// (two classes only).
	Loss string `json:"loss" yaml:"loss"`
	// ClassWeight is "" (none) or "balanced". It may not be combined with
	// ClassWeights.
	ClassWeight string `json:"class_weight" yaml:"class_weight"`
	// ClassWeights gives one non-negative loss weight per class; nil means
	// every class weighs 1. Each row's cross-entropy is multiplied by its
	// class's weight and a batch's loss is the mean over its rows (Keras'
	// sample-weight convention). Validation loss is never weighted.
	ClassWeights []float64 `json:"class_weights" yaml:"class_weights"`
	// Epochs is the most epochs to run [100].
	Epochs int `json:"epochs" yaml:"epochs"`
	// BatchSize is the number of rows per gradient step [32].
	BatchSize int `json:"batch_size" yaml:"batch_size"`
	// EarlyStopping says when to stop before Epochs.
	EarlyStopping EarlyStoppingConfig `json:"early_stopping" yaml:"early_stopping"`
	// Precision is the float type the network computes in: float32
	// [default: it reaches the same macro-F1 as float64 and trains about
	// twice as fast, see BENCHMARKS.md "trainer: MLP epoch"] or float64.
	Precision string `json:"precision" yaml:"precision"`
}

// OptimizerConfig chooses the update rule. Unused fields are ignored. Per
// parameter w with gradient g, learning rate η and step t (from 1), as Keras
// defines them:
//
//	sgd:      v ← μ·v − η·g;  w ← w + v  (Nesterov: w ← w + μ·v − η·g)
//	rmsprop:  s ← ρ·s + (1−ρ)·g²;  w ← w − η·g / (√s + ε)
//	adam:     m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
//	          w ← w − η·√(1−β2ᵗ)/(1−β1ᵗ) · m / (√v + ε)
type OptimizerConfig struct {
	// Name is sgd, rmsprop or adam [default].
	Name string `json:"name" yaml:"name"`
	// LearningRate defaults to 0.01 for sgd and 0.001 otherwise.
	LearningRate float64 `json:"learning_rate" yaml:"learning_rate"`
	// Momentum (sgd) in [0, 1) [0].
	Momentum float64 `json:"momentum" yaml:"momentum"`
	// Nesterov (sgd) uses Nesterov momentum.
	Nesterov bool `json:"nesterov" yaml:"nesterov"`
	// Rho (rmsprop) is the decay of the squared-gradient average [0.9].
	Rho float64 `json:"rho" yaml:"rho"`
	// Beta1 and Beta2 (adam) are the moment decays [0.9, 0.999].
	Beta1 float64 `json:"beta1" yaml:"beta1"`
	Beta2 float64 `json:"beta2" yaml:"beta2"`
	// Epsilon (rmsprop, adam) keeps the denominator positive [1e-7].
	Epsilon float64 `json:"epsilon" yaml:"epsilon"`
}

// EarlyStoppingConfig stops training when the monitored validation value
// stops improving, as Keras' EarlyStopping callback does.
type EarlyStoppingConfig struct {
	// Monitor is val_loss [default], val_macro_f1, val_accuracy or none.
	Monitor string `json:"monitor" yaml:"monitor"`
	// MinDelta is the least change that counts as an improvement [0].
	MinDelta float64 `json:"min_delta" yaml:"min_delta"`
	// Patience is how many epochs without improvement end training [10].
	// Zero means the default; to stop at the first epoch without
	// improvement use 1.
	Patience int `json:"patience" yaml:"patience"`
	// RestoreBest puts back the weights of the best epoch when training
	// ends, whatever ends it (Keras restores only when it stops early, which
	// would leave a sweep's max_epochs trials with their last weights); nil
	// means true.
	RestoreBest *bool `json:"restore_best" yaml:"restore_best"`
}

// DefaultConfig returns the default model: one hidden layer of 128 ReLU units,
// dropout 0.2, Adam, batch 32, up to 100 epochs, early stopping on val_loss
// with patience 10 restoring the best weights.
func DefaultConfig() Config {
	return Config{Layers: []int{128}, Dropout: 0.2}.WithDefaults()
}

// WithDefaults returns a copy of c with every zero-valued field set to its
// default. Dropout, L1, L2 and Momentum default to 0, so they stay as given.
func (c Config) WithDefaults() Config {
	if c.Layers == nil {
		c.Layers = []int{128}
	} else {
		c.Layers = append([]int{}, c.Layers...)
	}
	if c.ClassWeights != nil {
		c.ClassWeights = append([]float64{}, c.ClassWeights...)
	}
	if c.Activation == "" {
		c.Activation = ActivationReLU
	}
	if c.Loss == "" {
		c.Loss = LossCategorical
	}
	if c.Epochs == 0 {
		c.Epochs = 100
	}
	if c.BatchSize == 0 {
		c.BatchSize = 32
	}
	if c.Precision == "" {
		c.Precision = PrecisionFloat32
	}
	o := &c.Optimizer
	if o.Name == "" {
		o.Name = OptimizerAdam
	}
	if o.LearningRate == 0 {
		if o.Name == OptimizerSGD {
			o.LearningRate = 0.01
		} else {
			o.LearningRate = 0.001
		}
	}
	if o.Rho == 0 {
		o.Rho = 0.9
	}
	if o.Beta1 == 0 {
		o.Beta1 = 0.9
	}
	if o.Beta2 == 0 {
		o.Beta2 = 0.999
	}
	if o.Epsilon == 0 {
		o.Epsilon = 1e-7
	}
	e := &c.EarlyStopping
	if e.Monitor == "" {
		e.Monitor = MonitorValLoss
	}
	if e.Patience == 0 {
		e.Patience = 10
	}
	restore := true
	if e.RestoreBest != nil {
		restore = *e.RestoreBest
	}
	e.RestoreBest = &restore
	return c
}

// restoreBest reports whether the best weights are put back (nil means true).
func (e EarlyStoppingConfig) restoreBest() bool { return e.RestoreBest == nil || *e.RestoreBest }

// Validate reports every invalid field of c (after WithDefaults) joined in
// one error; each message starts with the field path, e.g.
// "optimizer.learning_rate: must be > 0, got -1".
func (c Config) Validate() error {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{path}, args...)...))
	}
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	for i, u := range c.Layers {
		if u <= 0 {
			bad(fmt.Sprintf("layers[%d]", i), "must be > 0, got %d", u)
		}
	}
	switch c.Activation {
	case ActivationReLU, ActivationTanh, ActivationSigmoid, ActivationELU:
	default:
		bad("activation", "must be relu, tanh, sigmoid or elu, got %q", c.Activation)
	}
	if !(c.Dropout >= 0 && c.Dropout < 1) {
		bad("dropout", "must be in [0, 1), got %v", c.Dropout)
	}
	if !(c.L1 >= 0) || !finite(c.L1) {
		bad("l1", "must be finite and >= 0, got %v", c.L1)
	}
	if !(c.L2 >= 0) || !finite(c.L2) {
		bad("l2", "must be finite and >= 0, got %v", c.L2)
	}
	o := c.Optimizer
	switch o.Name {
	case OptimizerSGD, OptimizerRMSprop, OptimizerAdam:
	default:
		bad("optimizer.name", "must be sgd, rmsprop or adam, got %q", o.Name)
	}
	if !(o.LearningRate > 0) || !finite(o.LearningRate) {
		bad("optimizer.learning_rate", "must be > 0, got %v", o.LearningRate)
	}
	unit := func(path string, x float64) {
		if !(x >= 0 && x < 1) {
			bad(path, "must be in [0, 1), got %v", x)
		}
	}
	unit("optimizer.momentum", o.Momentum)
	unit("optimizer.rho", o.Rho)
	unit("optimizer.beta1", o.Beta1)
	unit("optimizer.beta2", o.Beta2)
	if !(o.Epsilon > 0) || !finite(o.Epsilon) {
		bad("optimizer.epsilon", "must be > 0, got %v", o.Epsilon)
	}
	switch c.Loss {
	case LossCategorical, LossBinary:
	default:
		bad("loss", "must be categorical_crossentropy or binary_crossentropy, got %q", c.Loss)
	}
	switch c.ClassWeight {
	case "", ClassWeightBalanced:
		if c.ClassWeight != "" && c.ClassWeights != nil {
			bad("class_weight", "balanced cannot be combined with explicit class_weights")
		}
	default:
		bad("class_weight", `must be "" or "balanced", got %q`, c.ClassWeight)
	}
	for i, w := range c.ClassWeights {
		if !(w >= 0) || !finite(w) {
			bad(fmt.Sprintf("class_weights[%d]", i), "must be finite and >= 0, got %v", w)
		}
	}
	if c.Epochs < 1 {
		bad("epochs", "must be >= 1, got %d", c.Epochs)
	}
	if c.BatchSize < 1 {
		bad("batch_size", "must be >= 1, got %d", c.BatchSize)
	}
	e := c.EarlyStopping
	switch e.Monitor {
	case MonitorValLoss, MonitorValMacroF1, MonitorValAcc, MonitorNone:
	default:
		bad("early_stopping.monitor", "must be val_loss, val_macro_f1, val_accuracy or none, got %q", e.Monitor)
	}
	if !(e.MinDelta >= 0) || !finite(e.MinDelta) {
		bad("early_stopping.min_delta", "must be finite and >= 0, got %v", e.MinDelta)
	}
	if e.Patience < 1 {
		bad("early_stopping.patience", "must be >= 1, got %d", e.Patience)
	}
	switch c.Precision {
	case PrecisionFloat32, PrecisionFloat64:
	default:
		bad("precision", "must be float32 or float64, got %q", c.Precision)
	}
	return errors.Join(errs...)
}
