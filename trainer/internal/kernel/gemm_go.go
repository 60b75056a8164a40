package kernel

// gemmGo is the pure-Go Gemm for arguments already checked, with m, n, k > 0.
// Without transB it is a rank-2 update of four rows of c at a time, so each
// pass over a row of c does four multiply-adds per element loaded and stored;
// with transB it takes dot products of two rows of op(a) with two rows of b.
// The sum for c[i,j] always runs over p in increasing order.
func gemmGo[T Float](transA, transB bool, m, n, k int, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	// op(a)[i,p] = a[i*rs+p*ps].
	rs, ps := lda, 1
	if transA {
		rs, ps = 1, lda
	}
	if transB {
		gemmGoNT(m, n, k, a, rs, ps, b, ldb, beta, c, ldc)
		return
	}
	scaleRows(m, n, beta, c, ldc)
	i := 0
	for ; i+4 <= m; i += 4 {
		c0 := c[i*ldc:][:n]
		c1 := c[(i+1)*ldc:][:n]
		c2 := c[(i+2)*ldc:][:n]
		c3 := c[(i+3)*ldc:][:n]
		p := 0
		for ; p+2 <= k; p += 2 {
			b0 := b[p*ldb:][:n]
			b1 := b[(p+1)*ldb:][:n]
			o := i*rs + p*ps
			a00, a01 := a[o], a[o+ps]
			o += rs
			a10, a11 := a[o], a[o+ps]
			o += rs
			a20, a21 := a[o], a[o+ps]
			o += rs
			a30, a31 := a[o], a[o+ps]
			for j, x0 := range b0 {
				x1 := b1[j]
				c0[j] = c0[j] + a00*x0 + a01*x1
				c1[j] = c1[j] + a10*x0 + a11*x1
				c2[j] = c2[j] + a20*x0 + a21*x1
				c3[j] = c3[j] + a30*x0 + a31*x1
			}
		}
		if p < k {
			b0 := b[p*ldb:][:n]
			o := i*rs + p*ps
			a0, a1, a2, a3 := a[o], a[o+rs], a[o+2*rs], a[o+3*rs]
			for j, x0 := range b0 {
				c0[j] += a0 * x0
				c1[j] += a1 * x0
				c2[j] += a2 * x0
				c3[j] += a3 * x0
			}
		}
	}
	for ; i < m; i++ {
		ci := c[i*ldc:][:n]
		p := 0
		for ; p+4 <= k; p += 4 {
			b0 := b[p*ldb:][:n]
			b1 := b[(p+1)*ldb:][:n]
			b2 := b[(p+2)*ldb:][:n]
			b3 := b[(p+3)*ldb:][:n]
			o := i*rs + p*ps
			a0, a1, a2, a3 := a[o], a[o+ps], a[o+2*ps], a[o+3*ps]
			for j, x0 := range b0 {
				ci[j] = ci[j] + a0*x0 + a1*b1[j] + a2*b2[j] + a3*b3[j]
			}
		}
		for ; p < k; p++ {
			b0 := b[p*ldb:][:n]
			a0 := a[i*rs+p*ps]
			for j, x0 := range b0 {
				ci[j] += a0 * x0
			}
		}
	}
}

// gemmGoNT computes c = op(a)·bᵀ + beta·c with op(a)[i,p] = a[i*rs+p*ps] and
// b stored n×k, as dot products over p of two rows of op(a) with two rows
// of b.
func gemmGoNT[T Float](m, n, k int, a []T, rs, ps int, b []T, ldb int, beta T, c []T, ldc int) {
	i := 0
	for ; i+2 <= m; i += 2 {
		c0 := c[i*ldc:][:n]
		c1 := c[(i+1)*ldc:][:n]
		j := 0
		for ; j+2 <= n; j += 2 {
			b0 := b[j*ldb:][:k]
			b1 := b[(j+1)*ldb:][:k]
			var s00, s01, s10, s11 T
			o := i * rs
			for p, y0 := range b0 {
				y1 := b1[p]
				x0, x1 := a[o], a[o+rs]
				s00 += x0 * y0
				s01 += x0 * y1
				s10 += x1 * y0
				s11 += x1 * y1
				o += ps
			}
			c0[j] = addScaled(s00, beta, c0[j])
			c0[j+1] = addScaled(s01, beta, c0[j+1])
			c1[j] = addScaled(s10, beta, c1[j])
			c1[j+1] = addScaled(s11, beta, c1[j+1])
		}
		if j < n {
			b0 := b[j*ldb:][:k]
			var s0, s1 T
			o := i * rs
			for _, y0 := range b0 {
				s0 += a[o] * y0
				s1 += a[o+rs] * y0
				o += ps
			}
			c0[j] = addScaled(s0, beta, c0[j])
			c1[j] = addScaled(s1, beta, c1[j])
		}
	}
	if i < m {
		ci := c[i*ldc:][:n]
		for j := range ci {
			b0 := b[j*ldb:][:k]
			var s T
			o := i * rs
			for _, y0 := range b0 {
				s += a[o] * y0
				o += ps
			}
			ci[j] = addScaled(s, beta, ci[j])
		}
	}
}

// addScaled returns s + beta·old, ignoring old when beta == 0.
func addScaled[T Float](s, beta, old T) T {
	if beta == 0 {
		return s
	}
	return s + beta*old
}

// csrMulGo is the pure-Go CSRMul for checked arguments: each row of c gains
// two scaled rows of b per pass.
func csrMulGo[T Float](m, n int, indptr []int, indices []int32, values []T, b []T, ldb int, beta T, c []T, ldc int) {
	for i := 0; i < m; i++ {
		ci := c[i*ldc:][:n]
		if beta == 0 {
			clear(ci)
		} else if beta != 1 {
			for j := range ci {
				ci[j] *= beta
			}
		}
		p, end := indptr[i], indptr[i+1]
		for ; p+2 <= end; p += 2 {
			v0, v1 := values[p], values[p+1]
			b0 := b[int(indices[p])*ldb:][:n]
			b1 := b[int(indices[p+1])*ldb:][:n]
			for j, x0 := range b0 {
				ci[j] = ci[j] + v0*x0 + v1*b1[j]
			}
		}
		if p < end {
			v := values[p]
			b0 := b[int(indices[p])*ldb:][:n]
			for j, x0 := range b0 {
				ci[j] += v * x0
			}
		}
	}
}

// csrTMulGo adds aᵀ·b to c for checked arguments (beta already applied).
func csrTMulGo[T Float](m, n int, indptr []int, indices []int32, values []T, b []T, ldb int, c []T, ldc int) {
	for i := 0; i < m; i++ {
		bi := b[i*ldb:][:n]
		for p := indptr[i]; p < indptr[i+1]; p++ {
			v := values[p]
			cr := c[int(indices[p])*ldc:][:n]
			for j, x := range bi {
				cr[j] += v * x
			}
		}
	}
}
