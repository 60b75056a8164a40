package trainer

import (
	"math"
	"testing"
)

// ulps is the distance in float32 steps between a and b (same sign).
func ulps(a, b float32) int64 {
	d := int64(math.Float32bits(a)) - int64(math.Float32bits(b))
	if d < 0 {
		d = -d
	}
	return d
}

// TestFloat32Functions compares exp32, tanh32, sigmoid32 and expm1Neg32 with
// the float64 math functions rounded to float32 on a dense grid and at the
// edges; expm1Neg32 also on every power of two from −1 down to the smallest
// subnormal, with 64 steps between each, where e^x − 1 ≈ x.
func TestFloat32Functions(t *testing.T) {
	t.Parallel()
	var worstExp, worstTanh, worstSig, worstExpm1 int64
	checkExpm1 := func(x float32) {
		if got, want := expm1Neg32(x), float32(math.Expm1(float64(x))); ulps(got, want) > worstExpm1 {
			worstExpm1 = ulps(got, want)
			if worstExpm1 > 3 {
				t.Fatalf("expm1Neg32(%v) = %v, want %v", x, got, want)
			}
		}
	}
	for i := -2_000_000; i <= 2_000_000; i++ {
		x := float32(i) * 20 / 2_000_000 // [-20, 20] in steps of 1e-5
		if got, want := tanh32(x), float32(math.Tanh(float64(x))); ulps(got, want) > worstTanh {
			worstTanh = ulps(got, want)
			if worstTanh > 3 {
				t.Fatalf("tanh32(%v) = %v, want %v", x, got, want)
			}
		}
		if got, want := sigmoid32(x), float32(1/(1+math.Exp(-float64(x)))); ulps(got, want) > worstSig {
			worstSig = ulps(got, want)
			if worstSig > 3 {
				t.Fatalf("sigmoid32(%v) = %v, want %v", x, got, want)
			}
		}
		if x < 0 {
			checkExpm1(x)
		}
		y := x * 87 / 20
		if got, want := exp32(y), float32(math.Exp(float64(y))); ulps(got, want) > worstExp {
			worstExp = ulps(got, want)
			if worstExp > 3 {
				t.Fatalf("exp32(%v) = %v, want %v", y, got, want)
			}
		}
	}
	for e := 0; e >= -149; e-- {
		for j := range 64 {
			checkExpm1(-float32(math.Ldexp(1+float64(j)/64, e)))
		}
	}
	t.Logf("worst ulps: exp32 %d, tanh32 %d, sigmoid32 %d, expm1Neg32 %d", worstExp, worstTanh, worstSig, worstExpm1)
	for _, c := range []struct {
		name      string
		got, want float32
	}{
		{"tanh(+Inf)", tanh32(float32(math.Inf(1))), 1},
		{"tanh(-Inf)", tanh32(float32(math.Inf(-1))), -1},
		{"tanh(-0)", tanh32(float32(math.Copysign(0, -1))), float32(math.Copysign(0, -1))},
		{"tanh(1e-30)", tanh32(1e-30), 1e-30},
		{"sigmoid(+Inf)", sigmoid32(float32(math.Inf(1))), 1},
		{"sigmoid(-Inf)", sigmoid32(float32(math.Inf(-1))), 0},
		{"sigmoid(0)", sigmoid32(0), 0.5},
		{"expm1(-Inf)", expm1Neg32(float32(math.Inf(-1))), -1},
		{"expm1(-17.5)", expm1Neg32(-17.5), float32(math.Expm1(-17.5))},
		{"expm1(-17.49)", expm1Neg32(-17.49), float32(math.Expm1(-17.49))},
		{"expm1(-1e-45)", expm1Neg32(-1e-45), -1e-45},
	} {
		if math.Float32bits(c.got) != math.Float32bits(c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	nan := float32(math.NaN())
	if v := tanh32(nan); v == v {
		t.Errorf("tanh32(NaN) = %v", v)
	}
	if v := sigmoid32(nan); v == v {
		t.Errorf("sigmoid32(NaN) = %v", v)
	}
}
