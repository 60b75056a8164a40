package text

// This file reproduces the order in which scikit-learn's max_features keeps
// terms of equal frequency. scikit-learn 1.2 takes
// (-tfs[mask]).argsort()[:max_features] over the alphabetically sorted
// vocabulary, and NumPy's default argsort (kind="quicksort", an introsort) is
// not stable, so ties are not alphabetical. numpyArgsort follows the scalar
// algorithm of NumPy 1.24's npysort/quicksort.cpp (aquicksort_ with its
// heapsort fallback, SMALL_QUICKSORT = 15), so that the selected
// vocabulary equals scikit-learn's on NumPy builds that use it.

// smallQuicksort is NumPy's SMALL_QUICKSORT threshold.
const smallQuicksort = 15

// numpyArgsort returns the permutation that NumPy's default argsort returns
// for v.
func numpyArgsort(v []int64) []int {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	if len(v) < 2 {
		return idx
	}
	less := func(a, b int64) bool { return a < b }
	type span struct{ l, r, depth int }
	var stack []span
	pl, pr := 0, len(v)-1
	cdepth := msb(uint64(len(v))) * 2
	for {
		if cdepth < 0 {
			aheapsort(v, idx[pl:pr+1])
		} else {
			for pr-pl > smallQuicksort {
				pm := pl + (pr-pl)>>1
				if less(v[idx[pm]], v[idx[pl]]) {
					idx[pm], idx[pl] = idx[pl], idx[pm]
				}
				if less(v[idx[pr]], v[idx[pm]]) {
					idx[pr], idx[pm] = idx[pm], idx[pr]
				}
				if less(v[idx[pm]], v[idx[pl]]) {
					idx[pm], idx[pl] = idx[pl], idx[pm]
				}
				vp := v[idx[pm]]
				pi, pj := pl, pr-1
				idx[pm], idx[pj] = idx[pj], idx[pm]
				for {
					pi++
					for less(v[idx[pi]], vp) {
						pi++
					}
					pj--
					for less(vp, v[idx[pj]]) {
						pj--
					}
					if pi >= pj {
						break
					}
					idx[pi], idx[pj] = idx[pj], idx[pi]
				}
				pk := pr - 1
				idx[pi], idx[pk] = idx[pk], idx[pi]
				// Push the larger partition, continue with the smaller.
				cdepth--
				if pi-pl < pr-pi {
					stack = append(stack, span{pi + 1, pr, cdepth})
					pr = pi - 1
				} else {
					stack = append(stack, span{pl, pi - 1, cdepth})
					pl = pi + 1
				}
			}
			// Insertion sort.
			for pi := pl + 1; pi <= pr; pi++ {
				vi := idx[pi]
				vp := v[vi]
				pj := pi
				for pj > pl && less(vp, v[idx[pj-1]]) {
					idx[pj] = idx[pj-1]
					pj--
				}
				idx[pj] = vi
			}
		}
		if len(stack) == 0 {
			break
		}
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		pl, pr, cdepth = s.l, s.r, s.depth
	}
	return idx
}

// msb returns the index of the highest set bit of n (NumPy's npy_get_msb).
func msb(n uint64) int {
	d := 0
	for n >>= 1; n > 0; n >>= 1 {
		d++
	}
	return d
}

// aheapsort is NumPy's aheapsort_, sorting the indices in tosort by v.
func aheapsort(v []int64, tosort []int) {
	n := len(tosort)
	// a is 1-based: a(i) is tosort[i-1].
	a := func(i int) *int { return &tosort[i-1] }
	for l := n >> 1; l > 0; l-- {
		tmp := *a(l)
		i, j := l, l<<1
		for j <= n {
			if j < n && v[*a(j)] < v[*a(j + 1)] {
				j++
			}
			if v[tmp] < v[*a(j)] {
				*a(i) = *a(j)
				i = j
				j += j
			} else {
				break
			}
		}
		*a(i) = tmp
	}
	for n > 1 {
		tmp := *a(n)
		*a(n) = *a(1)
		n--
		i, j := 1, 2
		for j <= n {
			if j < n && v[*a(j)] < v[*a(j + 1)] {
				j++
			}
			if v[tmp] < v[*a(j)] {
				*a(i) = *a(j)
				i = j
				j += j
			} else {
				break
			}
		}
		*a(i) = tmp
	}
}
