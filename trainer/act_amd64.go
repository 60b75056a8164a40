//go:build !purego

package trainer

import "golang.org/x/sys/cpu"

//go:noescape
func reluBiasAVX2(z, b *float32, n int)

//go:noescape
func reluBiasDropAVX2(z, b, d, m *float32, n int)

//go:noescape
func reluBackAVX2(grad, a, m *float32, n int, drop bool)

// reluRowsVec32 applies z = max(0, z+b) (and d = z·m when d is not nil) to
// the first len(b)&^7 columns of every row of z and returns how many columns
// it did; the caller finishes the rest.
func reluRowsVec32(z, b, d, m []float32) int {
	n := len(b) &^ 7
	if !cpu.X86.HasAVX2 || n == 0 {
		return 0
	}
	w := len(b)
	for r := 0; r+w <= len(z); r += w {
		zr := z[r : r+n]
		if d == nil {
			reluBiasAVX2(&zr[0], &b[0], n)
			continue
		}
		dr, mr := d[r:r+n], m[r:r+n]
		reluBiasDropAVX2(&zr[0], &b[0], &dr[0], &mr[0], n)
	}
	return n
}

// reluBackVec32 is the ReLU (and dropout, when m is not nil) backward pass on
// the longest prefix of g it handles; it returns that length.
func reluBackVec32(g, a, m []float32) int {
	n := len(g) &^ 7
	if !cpu.X86.HasAVX2 || n == 0 {
		return 0
	}
	a = a[:n]
	if m == nil {
		reluBackAVX2(&g[0], &a[0], &a[0], n, false)
		return n
	}
	m = m[:n]
	reluBackAVX2(&g[0], &a[0], &m[0], n, true)
	return n
}
