package trainer

import (
	"math"

	"github.com/sweep-ml/sweep/trainer/internal/kernel"
)

// optimizer updates parameters in place from their gradients. Products are
// wrapped in T(...) so that no build (GOAMD64=v3 included) fuses them into
// FMA instructions: every loop rounds as its vector kernel does. Its state
// (velocities, moments) is allocated once, the size of the parameters.
type optimizer[T kernel.Float] interface {
	// step applies one update and returns a value that is NaN exactly when
	// some updated parameter is not finite (Σ p·0), so divergence costs no
	// extra pass.
	step(p, g []T) T
}

func newOptimizer[T kernel.Float](c OptimizerConfig, n int) optimizer[T] {
	switch c.Name {
	case OptimizerSGD:
		o := &sgd[T]{lr: T(c.LearningRate), momentum: T(c.Momentum), nesterov: c.Nesterov}
		if c.Momentum != 0 {
			o.v = make([]T, n)
		}
		o.vec, _ = any(sgdVec32).(func(p, g, v []T, lr, mu T, nesterov bool) (int, T))
		return o
	case OptimizerRMSprop:
		o := &rmsprop[T]{lr: T(c.LearningRate), rho: T(c.Rho), eps: T(c.Epsilon), s: make([]T, n)}
		o.vec, _ = any(rmspropVec32).(func(p, g, s []T, rho, c, lr, eps T) (int, T))
		return o
	default:
		o := &adam[T]{lr: c.LearningRate, beta1: c.Beta1, beta2: c.Beta2, eps: T(c.Epsilon),
			m: make([]T, n), v: make([]T, n), b1t: 1, b2t: 1}
		// Vector kernels that round exactly like the loop.
		if f, ok := any(adamVec32).(func(p, g, m, v []T, b1, c1, b2, c2, alpha, eps T) (int, T)); ok {
			o.vec = f
		} else if f, ok := any(adamVec64).(func(p, g, m, v []T, b1, c1, b2, c2, alpha, eps T) (int, T)); ok {
			o.vec = f
		}
		return o
	}
}

// sgd is stochastic gradient descent with optional (Nesterov) momentum, as
// Keras defines it. With momentum μ and learning rate η, per parameter w with
// gradient g:
//
//	v ← μ·v − η·g
//	w ← w + v            (classic momentum)
//	w ← w + μ·v − η·g    (Nesterov, with the updated v)
//
// With μ = 0 this is w ← w − η·g.
type sgd[T kernel.Float] struct {
	lr, momentum T
	nesterov     bool
	v            []T
	// vec, when set, updates a prefix with vector instructions that round
	// like the loop, and returns its length and Σ p·0.
	vec func(p, g, v []T, lr, mu T, nesterov bool) (int, T)
}

func (o *sgd[T]) step(p, g []T) T {
	g = g[:len(p)]
	var bad T
	start := 0
	if o.vec != nil {
		start, bad = o.vec(p, g, o.v, o.lr, o.momentum, o.nesterov)
	}
	if o.v == nil {
		for i := start; i < len(p); i++ {
			p[i] -= T(o.lr * g[i])
			bad += p[i] * 0
		}
		return bad
	}
	v := o.v[:len(p)]
	mu, lr := o.momentum, o.lr
	for i := start; i < len(p); i++ {
		v[i] = T(mu*v[i]) - T(lr*g[i])
		if o.nesterov {
			p[i] += T(mu*v[i]) - T(lr*g[i])
		} else {
			p[i] += v[i]
		}
		bad += p[i] * 0
	}
	return bad
}

// rmsprop divides the gradient by a running root mean square, as Keras'
// RMSprop (no momentum, not centered). With decay ρ, learning rate η and ε:
//
//	s ← ρ·s + (1−ρ)·g²
//	w ← w − η·g / (√s + ε)
type rmsprop[T kernel.Float] struct {
	lr, rho, eps T
	s            []T
	// vec, when set, updates a prefix with vector instructions that round
	// like the loop, and returns its length and Σ p·0.
	vec func(p, g, s []T, rho, c, lr, eps T) (int, T)
}

func (o *rmsprop[T]) step(p, g []T) T {
	g = g[:len(p)]
	s := o.s[:len(p)]
	rho, lr, eps := o.rho, o.lr, o.eps
	c := 1 - rho
	var bad T
	start := 0
	if o.vec != nil {
		start, bad = o.vec(p, g, s, rho, c, lr, eps)
	}
	for i := start; i < len(p); i++ {
		gi := g[i]
		s[i] = T(rho*s[i]) + T(c*gi*gi)
		p[i] -= lr * gi / (T(math.Sqrt(float64(s[i]))) + eps)
		bad += p[i] * 0
	}
	return bad
}

// adam is Adam (Kingma & Ba 2015) in the form Keras and TensorFlow use,
// with the bias correction folded into the step size. At step t (from 1),
// with learning rate η, decays β1, β2 and ε:
//
//	m ← β1·m + (1−β1)·g
//	v ← β2·v + (1−β2)·g²
//	α ← η·√(1−β2ᵗ) / (1−β1ᵗ)      (computed in float64)
//	w ← w − α·m / (√v + ε)
type adam[T kernel.Float] struct {
	lr, beta1, beta2 float64
	eps              T
	m, v             []T
	b1t, b2t         float64 // β1ᵗ, β2ᵗ
	// vec, when set, updates a prefix of the parameters with vector
	// instructions and returns its length and Σ p·0.
	vec func(p, g, m, v []T, b1, c1, b2, c2, alpha, eps T) (int, T)
}

func (o *adam[T]) step(p, g []T) T {
	o.b1t *= o.beta1
	o.b2t *= o.beta2
	alpha := T(o.lr * math.Sqrt(1-o.b2t) / (1 - o.b1t))
	b1, b2 := T(o.beta1), T(o.beta2)
	c1, c2 := 1-b1, 1-b2
	eps := o.eps
	g = g[:len(p)]
	m := o.m[:len(p)]
	v := o.v[:len(p)]
	var bad T
	start := 0
	if o.vec != nil {
		start, bad = o.vec(p, g, m, v, b1, c1, b2, c2, alpha, eps)
	}
	for i := start; i < len(p); i++ {
		gi := g[i]
		mi := T(b1*m[i]) + T(c1*gi)
		vi := T(b2*v[i]) + T(c2*gi*gi)
		m[i], v[i] = mi, vi
		p[i] -= alpha * mi / (T(math.Sqrt(float64(vi))) + eps)
		bad += p[i] * 0
	}
	return bad
}
