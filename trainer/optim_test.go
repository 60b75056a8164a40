package trainer

import (
	"math"
	"testing"
)

// TestOptimizerSteps runs two steps of every optimizer on one parameter
// p = 1 with gradients 0.5 then -0.25 and compares with values worked out by
// hand from the update rules in the doc comments (float64, ε = 1e-7).
func TestOptimizerSteps(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cfg  OptimizerConfig
		want [2]float64
	}{
		// η = 0.1: p = 1 − 0.1·0.5 = 0.95; p = 0.95 − 0.1·(−0.25) = 0.975.
		{"sgd", OptimizerConfig{Name: OptimizerSGD, LearningRate: 0.1}, [2]float64{0.95, 0.975}},
		// μ = 0.9, η = 0.1: v = −0.05, p = 0.95;
		// v = 0.9·(−0.05) − 0.1·(−0.25) = −0.045 + 0.025 = −0.02, p = 0.93.
		{"momentum", OptimizerConfig{Name: OptimizerSGD, LearningRate: 0.1, Momentum: 0.9}, [2]float64{0.95, 0.93}},
		// Nesterov: v = −0.05, p = 1 + 0.9·(−0.05) − 0.05 = 0.905;
		// v = −0.02, p = 0.905 + 0.9·(−0.02) + 0.025 = 0.905 − 0.018 + 0.025 = 0.912.
		{"nesterov", OptimizerConfig{Name: OptimizerSGD, LearningRate: 0.1, Momentum: 0.9, Nesterov: true}, [2]float64{0.905, 0.912}},
		// ρ = 0.9, η = 0.01: s = 0.1·0.25 = 0.025, p = 1 − 0.005/(√0.025 + 1e-7)
		//   = 1 − 0.005/0.15811398 = 0.96837724;
		// s = 0.0225 + 0.1·0.0625 = 0.02875, p += 0.0025/(√0.02875 + 1e-7)
		//   = 0.96837724 + 0.0025/0.16955829 = 0.98312143.
		{"rmsprop", OptimizerConfig{Name: OptimizerRMSprop, LearningRate: 0.01, Rho: 0.9, Epsilon: 1e-7},
			[2]float64{0.9683772433983036, 0.9831214303181462}},
		// β1 = 0.9, β2 = 0.999, η = 0.001: m = 0.05, v = 0.00025,
		//   α = 0.001·√0.001/0.1 = 3.1622777e-4, p = 1 − α·0.05/(0.015811388 + 1e-7)
		//   = 1 − 9.9999368e-4 = 0.99900000632;
		// m = 0.045 − 0.025 = 0.02, v = 0.00024975 + 0.0000625 = 0.00031225,
		//   α = 0.001·√(1 − 0.998001)/(1 − 0.81) = 2.3531673e-4,
		//   p −= α·0.02/(0.017670597 + 1e-7) = 2.6633e-4 → 0.99873367079.
		{"adam", OptimizerConfig{Name: OptimizerAdam, LearningRate: 0.001, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-7},
			[2]float64{0.9990000063245154, 0.9987336707920792}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			o := newOptimizer[float64](c.cfg, 1)
			p := []float64{1}
			for i, g := range []float64{0.5, -0.25} {
				if bad := o.step(p, []float64{g}); bad != 0 {
					t.Fatalf("step %d: finite check %v", i+1, bad)
				}
				if math.Abs(p[0]-c.want[i]) > 1e-12 {
					t.Errorf("step %d: p = %.17g, want %.17g", i+1, p[0], c.want[i])
				}
			}
		})
	}
}

// TestOptimizerFlagsNonFinite checks that step reports a parameter that became
// infinite or NaN.
func TestOptimizerFlagsNonFinite(t *testing.T) {
	t.Parallel()
	for _, name := range []string{OptimizerSGD, OptimizerRMSprop, OptimizerAdam} {
		o := newOptimizer[float32](OptimizerConfig{Name: name, LearningRate: 0.1, Rho: 0.9, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-7}, 3)
		p := []float32{1, 2, 3}
		if bad := o.step(p, []float32{0.1, 0.1, 0.1}); bad != 0 {
			t.Errorf("%s: finite step flagged (%v)", name, bad)
		}
		p[1] = float32(math.Inf(1))
		if bad := o.step(p, []float32{0.1, 0.1, 0.1}); bad == 0 {
			t.Errorf("%s: infinite parameter not flagged", name)
		}
	}
}
