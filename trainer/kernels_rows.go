package trainer

// Multi-row kernels. The per-pair kernels (dot, axpy) touch one or two rows
// per call, so a Skip-Gram pair is 2(K+1)+1 calls and a CBOW centre
// 2m+3(K+1); at dimension 10 the call and loop set-up cost more than the
// arithmetic. The kernels here do more per call: a shared-negatives
// context row against the contiguous copy of the centre's targets
// (dotBlock: its logits; updateRows: its updates), a prediction's two
// updates in one pass (axpy2), CBOW's gather-sum and scatter-add over a
// list of rows (sumRows, addRows), and staging's write-back. With
// AVX-512 they run the assembly in kernels_amd64.s: 16-lane fused
// multiply-adds, with the last partial chunk of a row loaded and stored
// under a lane mask, so there is no scalar tail and nothing outside a row
// is read or written. The generic versions (…Generic) are loops over dot
// and axpy.
//
// sumRows, addRows and writeBack only add, so every implementation gives
// the bits of the reference (the sums are taken in the same order), and
// axpy2 gives the bits of the two axpy calls it fuses. dotBlock
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

// dotBlockGeneric is dotBlockRef as a loop over dot. Every idx must name a
// row of m, rows must hold nt rows of n elements, and dst len(idx)·nt
// elements.
func dotBlockGeneric(dst, m []float32, idx []int32, rows []float32, n, nt int) {
	dst = dst[:len(idx)*nt]
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

// axpy2Generic is axpy2Ref as axpy(a, y, e) then axpy(a, x, y). y and e
// must be at least as long as x.
func axpy2Generic(a float32, x, y, e []float32) {
	n := len(x)
	y, e = y[:n], e[:n]
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

// updateRowsGeneric is updateRowsRef as the loop of axpy2 calls a
// Skip-Gram pair makes (sgPairRef), the input gradient gathered in e, a
// scratch row of len(x). rows must hold len(g)·len(x) elements.
func updateRowsGeneric(x, g, rows, e []float32) {
	n := len(x)
	rows = rows[:len(g)*n]
	e = e[:n]
	clear(e)
	for k, a := range g {
		axpy2(a, x, rows[k*n:k*n+n], e)
	}
	axpy(1, e, x)
}

// sumRowsGeneric is sumRowsRef as a loop over axpy. Every idx must name a
// row inside m.
func sumRowsGeneric(dst, m []float32, idx []int32) {
	n := len(dst)
	clear(dst)
	for _, r := range idx {
		o := int(r) * n
		axpy(1, m[o:o+n], dst)
	}
}

// addRowsGeneric is addRowsRef as a loop over axpy. Every idx must name a
// row inside m.
func addRowsGeneric(m []float32, idx []int32, v []float32) {
	n := len(v)
	for _, r := range idx {
		o := int(r) * n
		axpy(1, v, m[o:o+n])
	}
}

// writeBackRef adds cur - snap to shared, then sets cur and snap to the
// result (staging's write-back, staging.go):
//
//	for i, v := range cur {
//		x := v
//		if shared[i] != snap[i] {
//			x = shared[i] + (v - snap[i])
//		}
//		shared[i], cur[i], snap[i] = x, x, x
//	}
//
// A weight no other worker changed (shared still equals snap) takes cur
// exactly, so nothing is lost to rounding and a staged single-worker run
// has the bits of an unstaged one. cur and snap must be at least as long
// as shared.
func writeBackRef(shared, cur, snap []float32) {
	cur = cur[:len(shared)]
	snap = snap[:len(shared)]
	for d, v := range cur {
		x := v
		if s := shared[d]; s != snap[d] {
			x = s + (v - snap[d])
		}
		shared[d] = x
		cur[d] = x
		snap[d] = x
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
