//go:build !purego

package trainer

import "golang.org/x/sys/cpu"

// The kernels the training loop calls on amd64: the assembly of
// kernels_amd64.s where the CPU has its instructions, the generic Go
// otherwise (kernels.go).

// hasAVX2FMA reports whether the AVX2+FMA kernels (dotAVX2, axpyAVX2) can
// run on this CPU.
var hasAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// hasAVX512 reports whether the AVX-512F kernels can run on this CPU (and
// the OS saves the ZMM state). dotBlockAVX512 stores four sums at once
// under a mask: AVX-512VL.
var hasAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL

// padSkipGramRows: Skip-Gram's rows are padded to whole 16-lane chunks for
// sgPair's assembly (rowStride, layout.go).
var padSkipGramRows = hasAVX512

// dot returns the inner product of x and y, as dotRef; y must be at
// least as long as x. With AVX2+FMA: two 8-lane fused multiply-add
// streams, then 8-lane and scalar tails.
func dot(x, y []float32) float32 {
	if hasAVX2FMA {
		return dotAVX2(x, y[:len(x)])
	}
	return dotGeneric(x, y)
}

// axpy adds a*x to y, as axpyRef; y must be at least as long as x, and
// its elements past len(x) are untouched. With AVX2+FMA: two 8-lane fused
// multiply-add streams, then 8-lane and scalar tails (each element within
// one rounding of axpyRef's).
func axpy(a float32, x, y []float32) {
	if hasAVX2FMA {
		axpyAVX2(a, x, y[:len(x)])
		return
	}
	axpyGeneric(a, x, y)
}

// axpy2 is axpy2Ref: axpy(a, y, e) then axpy(a, x, y), fused into one
// pass over y with AVX-512. Each element is the same fused multiply-add
// as the AVX2 axpy computes, so the results have the bits of the two
// AVX2 calls. y and e must be at least as long as x.
func axpy2(a float32, x, y, e []float32) {
	n := len(x)
	if hasAVX512 && n > 0 {
		axpy2AVX512(a, x, y[:n], e[:n])
		return
	}
	axpy2Generic(a, x, y, e)
}

// dotBlock is dotBlockRef. Every idx must name a row of m, rows must hold
// blockRows(nt) rows of n elements (only the first nt take part), and dst
// len(idx)·nt elements.
func dotBlock(dst, m []float32, idx []int32, rows []float32, n, nt int) {
	if hasAVX512 && n > 0 {
		dst = dst[:len(idx)*nt]
		rows = rows[:blockRows(nt)*n]
		checkRows(m, idx, n)
		dotBlockAVX512(dst, m, idx, rows, n, nt)
		return
	}
	dotBlockGeneric(dst, m, idx, rows, n, nt)
}

// updateRows is updateRowsRef; e is a scratch row of len(x) for the
// generic version. rows must hold len(g)·len(x) elements.
func updateRows(x, g, rows, e []float32) {
	if n := len(x); hasAVX512 && n > 0 {
		updateRowsAVX512(x, g, rows[:len(g)*n])
		return
	}
	updateRowsGeneric(x, g, rows, e)
}

// sumRows is sumRowsRef. Every idx must name a row inside m.
func sumRows(dst, m []float32, idx []int32) {
	if n := len(dst); hasAVX512 && n > 0 {
		checkRows(m, idx, n)
		sumRowsAVX512(dst, m, idx)
		return
	}
	sumRowsGeneric(dst, m, idx)
}

// addRows is addRowsRef. Every idx must name a row inside m.
func addRows(m []float32, idx []int32, v []float32) {
	if n := len(v); hasAVX512 && n > 0 {
		checkRows(m, idx, n)
		addRowsAVX512(m, idx, v)
		return
	}
	addRowsGeneric(m, idx, v)
}

// writeBack is writeBackRef.
func writeBack(shared, cur, snap []float32) {
	if n := len(shared); hasAVX512 && n > 0 {
		_, _ = cur[n-1], snap[n-1]
		writeBackAVX512(shared, cur, snap)
		return
	}
	writeBackRef(shared, cur, snap)
}

// maxRegFloats is the longest row sgPairRegAVX512 takes: x and e in 16
// registers of 16 floats.
const maxRegFloats = 128

// sgPair is sgPairRef (sgns.go). With AVX-512 and rows of whole 16-lane
// chunks (rowStride pads Skip-Gram's rows so) it is one assembly call
// with the same bits: sgPairRegAVX512, which keeps x and e in registers,
// for rows of up to maxRegFloats, sgPairAVX512 for longer ones.
func sgPair(x, e []float32, rows []*float32, alpha float32, loss *float64) {
	if n := len(x); hasAVX512 && n > 0 && n%alignFloats == 0 {
		if n <= maxRegFloats {
			sgPairRegAVX512(x, e[:n], rows, alpha, loss)
		} else {
			sgPairAVX512(x, e[:n], rows, alpha, loss)
		}
		return
	}
	sgPairRef(x, e, rows, alpha, loss)
}

// dotAVX2 is dotRef with 2×8-lane fused multiply-adds.
//
//go:noescape
func dotAVX2(x, y []float32) float32

// axpyAVX2 is axpyRef with 2×8-lane fused multiply-adds.
//
//go:noescape
func axpyAVX2(a float32, x, y []float32)

// dotBlockAVX512 is dotBlockRef with 16-lane fused multiply-adds, four
// targets at a time; n > 0 and rows holds blockRows(nt) rows.
//
//go:noescape
func dotBlockAVX512(dst, m []float32, idx []int32, rows []float32, n, nt int)

// sumRowsAVX512 is sumRowsRef, 16 lanes; len(dst) > 0.
//
//go:noescape
func sumRowsAVX512(dst, m []float32, idx []int32)

// writeBackAVX512 is writeBackRef, 16 lanes; len(shared) > 0.
//
//go:noescape
func writeBackAVX512(shared, cur, snap []float32)

// addRowsAVX512 is addRowsRef, 16 lanes; len(v) > 0.
//
//go:noescape
func addRowsAVX512(m []float32, idx []int32, v []float32)

// axpy2AVX512 is axpy2Ref with 16-lane fused multiply-adds; len(x) > 0.
//
//go:noescape
func axpy2AVX512(a float32, x, y, e []float32)

// updateRowsAVX512 is updateRowsRef with 16-lane fused multiply-adds;
// len(x) > 0.
//
//go:noescape
func updateRowsAVX512(x, g, rows []float32)

// sgPairAVX512 is sgPairRef with 16-lane fused multiply-adds, bit for
// bit: n = len(x) is a positive multiple of 16 (padded rows, rowStride),
// len(e) >= n and every row has n elements (checked by the caller). A nil
// loss skips the loss's computation.
//
//go:noescape
func sgPairAVX512(x, e []float32, rows []*float32, alpha float32, loss *float64)

// sgPairRegAVX512 is sgPairAVX512 for n <= maxRegFloats, x and e held in
// registers: the same bits.
//
//go:noescape
func sgPairRegAVX512(x, e []float32, rows []*float32, alpha float32, loss *float64)
