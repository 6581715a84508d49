package trainer

import "gonum.org/v1/gonum/blas/gonum"

// Length thresholds from which dot and axpy call gonum's assembly.
const (
	dotAsmMin  = 16
	axpyAsmMin = 64
)

// blas is gonum's pure-Go/assembly BLAS; a zero value is ready to use.
var blas gonum.Implementation

// The two BLAS level-1 kernels every SGNS/CBOW update is made of. Each has a
// plain reference loop (dotRef, axpyRef), kept as the specification and for
// tests, and the variant the hot loop calls (dot, axpy), which must compute
// the same thing and win a paired benchmark (kernels_test.go).
//
// On amd64 CPUs with AVX2 and FMA (detected at start-up) the hot variants
// are hand-written assembly (kernels_amd64.s): two 8-lane fused
// multiply-add streams, then 8-lane and scalar tails. Elsewhere they pick
// by length between gonum's SSE assembly and unrolled Go. Paired
// microbenchmarks (BenchmarkKernels, 2-core Xeon, quiet machine, ns/op;
// ref = plain loop, unrolled = 8-way Go, gonum = gonum v0.17 blas/gonum
// Implementation, whose float32 Sdot/Saxpy run SSE code from gonum's
// internal/asm/f32):
//
//	         n=10  n=50  n=100  n=200
//	dot  ref  6.0  26.4   46.2   83.6
//	unrolled  4.2  13.2   26.2   48.3
//	gonum     5.2   7.1    9.5   16.9
//	axpy ref  6.3  27.5   45.1   80.7
//	unrolled  4.3  14.1   27.6   52.7
//	gonum    11.7  14.8   22.0   38.9
//
// and, measured later on the same machine under heavy load from other
// jobs (4 interleaved runs each, best of 4): AVX2 axpy 7.2 (n=10) and 24.8
// (n=100) against gonum's 22.4 and 80.6; AVX2 dot 6.8 and 27.8 against
// gonum's 10.8 and 19.9. axpy, 12 of the 18 kernel calls of a skip-gram
// pair, wins clearly; dot wins at small n and is within the noise at 100.
// Without AVX2, dot goes to gonum from dotAsmMin elements and axpy from
// axpyAsmMin; shorter vectors (dimension 10) stay in unrolled Go, where
// the BLAS argument checks cost more than they save. FMA rounds a·x+y
// once instead of twice, so AVX2 axpy may differ from axpyRef in the last
// bit; the tests allow one rounding.
//
// The unrolled Go is 8-way. Re-slicing x and y to exactly n elements up
// front lets the compiler prove every index in range, so the
// unrolled body has no bounds checks; the eight independent accumulators of
// dot break the add dependency chain, which is what the plain loop is
// bound by. Note that unrolling reassociates the float32 sum, so dot and
// dotRef may differ in the last bits (axpy is exact: each element is
// computed alone).

// dotRef returns the inner product of x and y:
//
//	var sum float32
//	for i, v := range x {
//		sum += y[i] * v
//	}
//	return sum
//
// y must be at least as long as x.
func dotRef(x, y []float32) float32 {
	var sum float32
	for i, v := range x {
		sum += y[i] * v
	}
	return sum
}

// axpyRef adds a*x to y:
//
//	for i, v := range x {
//		y[i] += a * v
//	}
//
// y must be at least as long as x.
func axpyRef(a float32, x, y []float32) {
	for i, v := range x {
		y[i] += a * v
	}
}

// dot returns the inner product of x and y, as dotRef: gonum's SSE Sdot
// from dotAsmMin elements, below that dotUnrolled:
//
//	var sum float32
//	for i, v := range x {
//		sum += y[i] * v
//	}
//	return sum
//
// y must be at least as long as x.
func dot(x, y []float32) float32 {
	if hasAVX2FMA {
		return dotAVX2(x, y[:len(x)])
	}
	return dotGonum(x, y)
}

// dotGonum is dot without AVX2: gonum's SSE Sdot from dotAsmMin elements,
// unrolled Go below.
func dotGonum(x, y []float32) float32 {
	if n := len(x); n >= dotAsmMin {
		return blas.Sdot(n, x, 1, y, 1)
	}
	return dotUnrolled(x, y)
}

// dotUnrolled returns the inner product of x and y, as dotRef, with the sum
// accumulated in eight interleaved partial sums. y must be at least as long
// as x.
func dotUnrolled(x, y []float32) float32 {
	n := len(x)
	y = y[:n]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	i := 0
	for ; i <= n-8; i += 8 {
		xs := x[i : i+8 : i+8]
		ys := y[i : i+8 : i+8]
		s0 += xs[0] * ys[0]
		s1 += xs[1] * ys[1]
		s2 += xs[2] * ys[2]
		s3 += xs[3] * ys[3]
		s4 += xs[4] * ys[4]
		s5 += xs[5] * ys[5]
		s6 += xs[6] * ys[6]
		s7 += xs[7] * ys[7]
	}
	for ; i < n; i++ {
		s0 += x[i] * y[i]
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}

// axpy adds a*x to y, as axpyRef: gonum's SSE Saxpy from axpyAsmMin
// elements, below that axpyUnrolled:
//
//	for i, v := range x {
//		y[i] += a * v
//	}
//
// y must be at least as long as x; elements of y past len(x) are untouched.
func axpy(a float32, x, y []float32) {
	if hasAVX2FMA {
		axpyAVX2(a, x, y[:len(x)])
		return
	}
	axpyGonum(a, x, y)
}

// axpyGonum is axpy without AVX2: gonum's SSE Saxpy from axpyAsmMin
// elements, unrolled Go below.
func axpyGonum(a float32, x, y []float32) {
	if n := len(x); n >= axpyAsmMin {
		blas.Saxpy(n, a, x, 1, y, 1)
		return
	}
	axpyUnrolled(a, x, y)
}

// axpyUnrolled adds a*x to y, as axpyRef, 8-way unrolled. y must be at
// least as long as x.
func axpyUnrolled(a float32, x, y []float32) {
	n := len(x)
	y = y[:n]
	i := 0
	for ; i <= n-8; i += 8 {
		xs := x[i : i+8 : i+8]
		ys := y[i : i+8 : i+8]
		ys[0] += a * xs[0]
		ys[1] += a * xs[1]
		ys[2] += a * xs[2]
		ys[3] += a * xs[3]
		ys[4] += a * xs[4]
		ys[5] += a * xs[5]
		ys[6] += a * xs[6]
		ys[7] += a * xs[7]
	}
	for ; i < n; i++ {
		y[i] += a * x[i]
	}
}
