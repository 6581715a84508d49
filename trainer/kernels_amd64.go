package trainer

import "golang.org/x/sys/cpu"

// hasAVX2FMA reports whether the AVX2+FMA kernels in kernels_amd64.s can
// run on this CPU.
var hasAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// dotAVX2 is dotRef with 2×8-lane fused multiply-adds (kernels_amd64.s).
//
//go:noescape
func dotAVX2(x, y []float32) float32

// axpyAVX2 is axpyRef with 2×8-lane fused multiply-adds (kernels_amd64.s).
//
//go:noescape
func axpyAVX2(a float32, x, y []float32)

// hasAVX512 reports whether the AVX-512F multi-row kernels in
// kernels_amd64.s can run on this CPU (and the OS saves the ZMM state).
// (dotBlockAVX512 stores four sums at once under a mask: AVX-512VL.)
var hasAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL

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
