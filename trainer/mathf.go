package trainer

import "math"

// Float32 versions of exp, tanh, the logistic function and ELU's e^x − 1
// for the float32 network: math.Tanh, math.Exp and math.Expm1 work in
// float64 and cost ≈25 ns an element, more than the matrix products on
// narrow inputs. These follow Cephes' expf and tanhf (S. L. Moshier) and stay
// within 3 ulp of the float64 functions rounded to float32
// (TestFloat32Functions). Every product is rounded on its own (float32(...)),
// so no build fuses them into FMA and results do not depend on GOAMD64.

// exp32 returns e^x for x in [-87, 87], where the result is a normal float32.
func exp32(x float32) float32 {
	n, r := expSplit32(x)
	y := expm1Small32(r) + 1
	return math.Float32frombits(math.Float32bits(y) + uint32(int32(n))<<23)
}

// expSplit32 writes x = n·ln 2 + r with n whole and |r| ≤ ln 2 / 2, taking
// ln 2 in two parts (Cody and Waite) so that r keeps its low bits.
func expSplit32(x float32) (n, r float32) {
	const (
		log2e = 1.44269504088896341
		c1    = 0.693359375
		c2    = -2.12194440e-4
	)
	n = float32(math.Floor(float64(float32(log2e*x) + 0.5)))
	r = x - float32(n*c1)
	r -= float32(n * c2)
	return n, r
}

// expm1Small32 returns e^r − 1 for |r| ≤ ln 2 / 2 as r + r²·P(r), P being
// Cephes' expf polynomial.
func expm1Small32(r float32) float32 {
	z := float32(r * r)
	p := float32(1.9875691500e-4 * r)
	p = float32(float32(p+1.3981999507e-3) * r)
	p = float32(float32(p+8.3334519073e-3) * r)
	p = float32(float32(p+4.1665795894e-2) * r)
	p = float32(float32(p+1.6666665459e-1) * r)
	p = float32(float32(p+5.0000001201e-1) * z)
	return p + r
}

// expm1Neg32 returns e^x − 1 for x < 0 (ELU's negative side). It computes
// 2^n·(e^r − 1) + (2^n − 1) for x = n·ln 2 + r rather than exp32(x) − 1,
// which loses most of its digits to cancellation near 0. Below −17.5, e^x is
// under 2^−25, half the float32 spacing just below 1, so the result is −1.
func expm1Neg32(x float32) float32 {
	if x < -17.5 {
		return -1
	}
	n, r := expSplit32(x)
	em := expm1Small32(r)
	if n == 0 {
		return em
	}
	s := math.Float32frombits(uint32(int32(n)+127) << 23) // 2^n, n in [-25, -1]
	return float32(s*em) + (s - 1)
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
