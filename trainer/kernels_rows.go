package trainer

// Multi-row kernels. The per-pair kernels (dot, axpy) touch one or two rows
// per call, so a skip-gram pair is 18 calls and a CBOW centre 2m+3(K+1);
// at dimension 10 the call and loop set-up cost more than the arithmetic.
// The kernels here do a whole block per call: all the logits of a
// shared-negatives window, its context rows against the contiguous copy
// of the centre's targets (dotBlock), and its updates of one context row
// and the target rows (updateRows); CBOW's gather-sum and scatter-add over
// a list of rows (sumRows, addRows). Each has its plain reference loop (…Ref), the specification
// and test oracle. On amd64 CPUs with AVX-512F (detected at start-up,
// golang.org/x/sys/cpu) they run the assembly in kernels_amd64.s: 16-lane
// fused multiply-adds, with the last partial chunk of a row loaded and
// stored under a lane mask, so there is no scalar tail and nothing outside
// a row is read or written. Elsewhere they are loops over dot and axpy.
//
// sumRows and addRows only add, so every implementation gives the bits of
// the reference (the sums are taken in the same order). dotBlock
// reassociates its sum (as dot does), and updateRows rounds each
// multiply-add once with FMA; the tests allow for both.

// dotBlockRef sets dst[j·nt+k] to the inner product of row idx[j] of the
// row-major matrix m and row k of rows, a contiguous block of nt rows
// (rows of n elements each):
//
//	for j, r := range idx {
//		for k := range nt {
//			var sum float32
//			for i := range n {
//				sum += m[int(r)*n+i] * rows[k*n+i]
//			}
//			dst[j*nt+k] = sum
//		}
//	}
func dotBlockRef(dst, m []float32, idx []int32, rows []float32, n, nt int) {
	for j, r := range idx {
		for k := range nt {
			var sum float32
			for i := range n {
				sum += m[int(r)*n+i] * rows[k*n+i]
			}
			dst[j*nt+k] = sum
		}
	}
}

// sumRowsRef sets dst to the sum of the rows idx of the row-major matrix m
// (rows of len(dst) elements), added in the order of idx:
//
//	n := len(dst)
//	clear(dst)
//	for _, r := range idx {
//		for i := range dst {
//			dst[i] += m[int(r)*n+i]
//		}
//	}
func sumRowsRef(dst, m []float32, idx []int32) {
	n := len(dst)
	clear(dst)
	for _, r := range idx {
		for i := range dst {
			dst[i] += m[int(r)*n+i]
		}
	}
}

// addRowsRef adds v to each row idx of the row-major matrix m (rows of
// len(v) elements), in the order of idx (a repeated row gains v twice):
//
//	n := len(v)
//	for _, r := range idx {
//		for i, x := range v {
//			m[int(r)*n+i] += x
//		}
//	}
func addRowsRef(m []float32, idx []int32, v []float32) {
	n := len(v)
	for _, r := range idx {
		for i, x := range v {
			m[int(r)*n+i] += x
		}
	}
}

// blockRows is the number of rows dotBlock's rows must hold for nt
// targets: nt rounded up to a multiple of four, as the AVX-512 kernel
// reads four target rows at a time (the ones past nt are read, never
// used).
func blockRows(nt int) int { return (nt + 3) &^ 3 }

// dotBlock is dotBlockRef. Every idx must name a row of m, rows must hold
// blockRows(nt) rows of n elements (only the first nt take part), and dst
// len(idx)·nt elements.
func dotBlock(dst, m []float32, idx []int32, rows []float32, n, nt int) {
	dst = dst[:len(idx)*nt]
	if hasAVX512 && n > 0 {
		rows = rows[:blockRows(nt)*n]
		checkRows(m, idx, n)
		dotBlockAVX512(dst, m, idx, rows, n, nt)
		return
	}
	rows = rows[:nt*n]
	for j, r := range idx {
		x := m[int(r)*n : int(r)*n+n]
		for k := range nt {
			dst[j*nt+k] = dot(x, rows[k*n:k*n+n])
		}
	}
}

// axpy2Ref is the two updates of one negative-sampling prediction: the
// input-side gradient e gains a·y, then the output row y gains a·x:
//
//	for i, v := range x {
//		e[i] += a * y[i]
//		y[i] += a * v
//	}
func axpy2Ref(a float32, x, y, e []float32) {
	for i, v := range x {
		e[i] += a * y[i]
		y[i] += a * v
	}
}

// axpy2 is axpy2Ref: axpy(a, y, e) then axpy(a, x, y), fused into one
// pass over y with AVX-512. Each element is the same fused multiply-add as
// the AVX2 axpy computes, so with AVX-512 the results have the bits of the
// two AVX2 calls. y and e must be at least as long as x.
func axpy2(a float32, x, y, e []float32) {
	n := len(x)
	y, e = y[:n], e[:n]
	if hasAVX512 && n > 0 {
		axpy2AVX512(a, x, y, e)
		return
	}
	axpy(a, y, e)
	axpy(a, x, y)
}

// updateRowsRef is one context row x trained against nt = len(g) target
// rows (a contiguous block of rows of len(x) elements) with steps g, in
// word2vec.c's order: x gains Σ g[k]·rows[k] and each rows[k] gains
// g[k]·x, both from the values on entry:
//
//	n := len(x)
//	for i, v := range x {
//		s := v
//		for k, a := range g {
//			r := rows[k*n+i]
//			s += a * r
//			rows[k*n+i] = r + a*v
//		}
//		x[i] = s
//	}
func updateRowsRef(x, g, rows []float32) {
	n := len(x)
	for i, v := range x {
		s := v
		for k, a := range g {
			r := rows[k*n+i]
			s += a * r
			rows[k*n+i] = r + a*v
		}
		x[i] = s
	}
}

// updateRows is updateRowsRef. rows must hold len(g)·len(x) elements.
// Without AVX-512 it is the loop of axpy calls sgPair makes (the input
// gradient gathered in e, a scratch row of len(x)).
func updateRows(x, g, rows, e []float32) {
	n := len(x)
	rows = rows[:len(g)*n]
	if hasAVX512 && n > 0 {
		updateRowsAVX512(x, g, rows)
		return
	}
	e = e[:n]
	clear(e)
	for k, a := range g {
		axpy2(a, x, rows[k*n:k*n+n], e)
	}
	axpy(1, e, x)
}

// sumRows is sumRowsRef. Every idx must name a row inside m.
func sumRows(dst, m []float32, idx []int32) {
	n := len(dst)
	if hasAVX512 && n > 0 {
		checkRows(m, idx, n)
		sumRowsAVX512(dst, m, idx)
		return
	}
	clear(dst)
	for _, r := range idx {
		o := int(r) * n
		axpy(1, m[o:o+n], dst)
	}
}

// addRows is addRowsRef. Every idx must name a row inside m.
func addRows(m []float32, idx []int32, v []float32) {
	n := len(v)
	if hasAVX512 && n > 0 {
		checkRows(m, idx, n)
		addRowsAVX512(m, idx, v)
		return
	}
	for _, r := range idx {
		o := int(r) * n
		axpy(1, v, m[o:o+n])
	}
}

// checkRows panics, as an index expression would, when a row of idx lies
// outside m: the assembly does no bounds checks of its own.
func checkRows(m []float32, idx []int32, n int) {
	rows := int32(len(m) / n)
	for _, r := range idx {
		if uint32(r) >= uint32(rows) {
			panic("trainer: row index out of range")
		}
	}
}
