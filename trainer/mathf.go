package trainer

import "math"

// Float32 versions of exp, tanh and the logistic function for the float32
// network: math.Tanh and math.Exp work in float64 and cost ≈25 ns an element,
// more than the matrix products on narrow inputs. These follow Cephes'
// expf and tanhf (S. L. Moshier) and stay within 3 ulp of the float64
// functions rounded to float32 (TestFloat32Functions). Every product is
// rounded on its own (float32(...)), so no build fuses them into FMA and
// results do not depend on GOAMD64.

// exp32 returns e^x for x in [-87, 87], where the result is a normal float32.
func exp32(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		c1    = 0.693359375
		c2    = -2.12194440e-4
	)
	n := float32(math.Floor(float64(float32(log2e*x) + 0.5)))
	r := x - float32(n*c1)
	r -= float32(n * c2)
	z := float32(r * r)
	p := float32(1.9875691500e-4 * r)
	p = float32(float32(p+1.3981999507e-3) * r)
	p = float32(float32(p+8.3334519073e-3) * r)
	p = float32(float32(p+4.1665795894e-2) * r)
	p = float32(float32(p+1.6666665459e-1) * r)
	p = float32(float32(p+5.0000001201e-1) * z)
	y := p + r + 1
	return math.Float32frombits(math.Float32bits(y) + uint32(int32(n))<<23)
}

// tanh32 returns tanh(x): x itself below 2e-4, an odd polynomial below
// 0.625, 1 − 2/(e^{2|x|}+1) up to 9 and ±1 beyond (tanh 9 rounds to 1). NaN
// gives NaN.
func tanh32(x float32) float32 {
	z := x
	if z < 0 {
		z = -z
	}
	if z >= 0.625 {
		var t float32 = 1
		if z < 9 {
			t = 1 - 2/(exp32(2*z)+1)
		}
		if x < 0 {
			t = -t
		}
		return t
	}
	if z < 2e-4 { // tanh x = x − x³/3 + …, and x²/3 is below half an ulp
		return x // keeps −0
	}
	s := float32(x * x)
	p := float32(-5.70498872745e-3 * s)
	p = float32(float32(p+2.06390887954e-2) * s)
	p = float32(float32(p-5.37397155531e-2) * s)
	p = float32(float32(p+1.33314422036e-1) * s)
	p = float32(float32(p-3.33332819422e-1) * s)
	return float32(p*x) + x
}

// sigmoid32 returns 1/(1+e^{−x}); beyond ±87 it returns 1 or 0, where the
// float32 result is already 1 or below the smallest normal.
func sigmoid32(x float32) float32 {
	switch {
	case x > 87:
		return 1
	case x < -87:
		return 0
	case x != x:
		return x
	}
	return 1 / (1 + exp32(-x))
}
