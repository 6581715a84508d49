package trainer

import "gonum.org/v1/gonum/blas/gonum"

// Kernels: every row operation of training goes through the functions of
// the kernels*.go files. Each kernel is documented by the plain loop it
// computes, kept as its reference (…Ref), the specification and test
// oracle; the function the training loop calls (dot, axpy, …) is chosen
// by the build and the CPU:
//
//   - kernels_amd64.go and kernels_amd64.s, on amd64 unless built with the
//     purego tag: AVX2+FMA assembly for dot and axpy, AVX-512 assembly for
//     the multi-row kernels (kernels_rows.go) and the Skip-Gram pair
//     (sgPair), each used when the CPU has the instructions (detected at
//     start-up with golang.org/x/sys/cpu, whose GODEBUG=cpu.avx512f=off
//     or cpu.avx2=off selects a slower path for tests), and the generic
//     path below otherwise.
//   - kernels_purego.go, on other architectures and with -tags purego:
//     the generic path, this package's Go code only (gonum's own assembly
//     follows gonum's noasm tag).
//
// The generic dot and axpy use gonum's BLAS (blas/gonum, SSE assembly on
// amd64) from dotAsmMin and axpyAsmMin elements, and 8-way unrolled Go
// below, where the BLAS argument checks cost more than they save.
// Re-slicing x and y to exactly n elements up front lets the compiler prove
// every index in range, so the unrolled bodies have no bounds checks; the
// eight accumulators of dotUnrolled break the chain of dependent additions
// the plain loop is bound by.
//
// Each fast variant won a paired benchmark (BenchmarkKernels,
// BenchmarkRowKernels, BenchmarkTrain*; benchmarks/RESULTS.md) and passes
// the reference's tests, guard bands included (NaN-padded slices stay
// untouched outside the range). Rounding differs between variants where
// stated: unrolled and vector sums reassociate the dot product, and fused
// multiply-adds round a·x+y once instead of twice; each kernel path
// therefore has its own golden checksums (testdata/determinism-*.golden).

// Length thresholds from which the generic dot and axpy call gonum.
const (
	dotAsmMin  = 16
	axpyAsmMin = 64
)

// blas is gonum's BLAS; a zero value is ready to use.
var blas gonum.Implementation

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

// dotGeneric is dotRef: gonum's Sdot from dotAsmMin elements, dotUnrolled
// below.
func dotGeneric(x, y []float32) float32 {
	if n := len(x); n >= dotAsmMin {
		return blas.Sdot(n, x, 1, y, 1)
	}
	return dotUnrolled(x, y)
}

// dotUnrolled is dotRef with the sum accumulated in eight interleaved
// partial sums.
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

// axpyGeneric is axpyRef: gonum's Saxpy from axpyAsmMin elements,
// axpyUnrolled below.
func axpyGeneric(a float32, x, y []float32) {
	if n := len(x); n >= axpyAsmMin {
		blas.Saxpy(n, a, x, 1, y, 1)
		return
	}
	axpyUnrolled(a, x, y)
}

// axpyUnrolled is axpyRef, 8-way unrolled (the same bits: each element is
// computed alone).
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

// scale multiplies x by a:
//
//	for i := range x {
//		x[i] *= a
//	}
func scale(x []float32, a float32) {
	for i := range x {
		x[i] *= a
	}
}
