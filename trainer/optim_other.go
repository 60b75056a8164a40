//go:build !amd64 || purego

package trainer

// adamVec32 has no vector kernel here: the Go loop updates everything.
func adamVec32(p, g, m, v []float32, b1, c1, b2, c2, alpha, eps float32) (int, float32) {
	return 0, 0
}

// rmspropVec32 has no vector kernel here: the Go loop updates everything.
func rmspropVec32(p, g, s []float32, rho, c, lr, eps float32) (int, float32) {
	return 0, 0
}

// sgdVec32 has no vector kernel here: the Go loop updates everything.
func sgdVec32(p, g, v []float32, lr, mu float32, nesterov bool) (int, float32) {
	return 0, 0
}

// regVec32 has no vector kernel here: the Go loop does everything.
func regVec32(w, g []float32, l1, l2 float64) (int, float64, float64) {
	return 0, 0, 0
}

// adamVec64 has no vector kernel here: the Go loop updates everything.
func adamVec64(p, g, m, v []float64, b1, c1, b2, c2, alpha, eps float64) (int, float64) {
	return 0, 0
}
