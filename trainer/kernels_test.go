package trainer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"
)

// kernelTol is the relative tolerance between dot and dotRef: the unrolled
// sum is reassociated, so the two may differ by a few float32 ulps per term.
const kernelTol = 1e-5

func randVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

// guarded returns a slice of length n inside a larger NaN-filled buffer,
// and the buffer, so a test can check nothing outside [pad, pad+n) moved.
func guarded(src []float32, pad int) (inner, buf []float32) {
	buf = make([]float32, len(src)+2*pad)
	for i := range buf {
		buf[i] = float32(math.NaN())
	}
	copy(buf[pad:], src)
	return buf[pad : pad+len(src)], buf
}

func checkGuards(t *testing.T, name string, buf []float32, pad, n int) {
	t.Helper()
	for i := 0; i < pad; i++ {
		if !math.IsNaN(float64(buf[i])) || !math.IsNaN(float64(buf[pad+n+i])) {
			t.Fatalf("%s: guard band overwritten at offset %d", name, i)
		}
	}
}

func TestKernelsMatchReference(t *testing.T) {
	// dot and axpy are the kernels training calls: assembly with fused
	// multiply-adds on amd64 with AVX2+FMA (kernelPath avx2 or avx512).
	checkDotAxpy(t, "dot", dot, "axpy", axpy, kernelPath() != "generic")
	checkDotAxpy(t, "dotUnrolled", dotUnrolled, "axpyUnrolled", axpyUnrolled, false)
	checkDotAxpy(t, "dotGeneric", dotGeneric, "axpyGeneric", axpyGeneric, false)
}

// checkDotAxpy checks a dot and an axpy against dotRef and axpyRef at
// every length up to 300, with guard bands. fma: the axpy rounds a·x+y
// once instead of twice.
func checkDotAxpy(t *testing.T, dotName string, dotFn func(x, y []float32) float32,
	axpyName string, axpyFn func(a float32, x, y []float32), fma bool) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 300; n++ {
		x := randVec(r, n)
		y := randVec(r, n)
		a := float32(r.NormFloat64())
		var scale float64
		for i := range x {
			scale += math.Abs(float64(x[i] * y[i]))
		}
		want := dotRef(x, y)
		gx, bx := guarded(x, 9)
		gy, by := guarded(y, 9)
		if got := dotFn(gx, gy); math.Abs(float64(got-want)) > kernelTol*(scale+1) {
			t.Errorf("%s n=%d: got %v, reference %v", dotName, n, got, want)
		}
		checkGuards(t, fmt.Sprintf("%s n=%d x", dotName, n), bx, 9, n)
		checkGuards(t, fmt.Sprintf("%s n=%d y", dotName, n), by, 9, n)

		wantY := append([]float32(nil), y...)
		axpyRef(a, x, wantY)
		gx, bx = guarded(x, 9)
		gy, by = guarded(y, 9)
		axpyFn(a, gx, gy)
		for i := range wantY {
			// Exact without FMA: each element is one multiply and one
			// add. With FMA, within one rounding of the terms.
			tol := 0.0
			if fma {
				tol = 2e-7 * (math.Abs(float64(y[i])) + math.Abs(float64(a*x[i])))
			}
			if math.Abs(float64(gy[i]-wantY[i])) > tol {
				t.Fatalf("%s n=%d: y[%d] = %v, reference %v", axpyName, n, i, gy[i], wantY[i])
			}
		}
		checkGuards(t, fmt.Sprintf("%s n=%d x", axpyName, n), bx, 9, n)
		checkGuards(t, fmt.Sprintf("%s n=%d y", axpyName, n), by, 9, n)
	}
}

func TestKernelsShortY(t *testing.T) {
	// y longer than x: only the first len(x) elements take part.
	x := []float32{1, 2, 3}
	y := []float32{4, 5, 6, 7}
	if got := dot(x, y); got != 32 {
		t.Errorf("dot = %v, want 32", got)
	}
	axpy(2, x, y)
	if want := []float32{6, 9, 12, 7}; fmt.Sprint(y) != fmt.Sprint(want) {
		t.Errorf("axpy: y = %v, want %v", y, want)
	}
}

// Paired kernel benchmarks: reference loop, unrolled Go, gonum's blas32
// (SSE assembly in gonum's internal/asm/f32 behind the BLAS checks) and
// the kernels training calls on this build and CPU (kernelPath).
func BenchmarkKernels(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{10, 50, 100, 200} {
		x, y := randVec(r, n), randVec(r, n)
		var sink float32
		b.Run(fmt.Sprintf("dot/ref/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				sink += dotRef(x, y)
			}
		})
		b.Run(fmt.Sprintf("dot/unrolled/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				sink += dotUnrolled(x, y)
			}
		})
		b.Run(fmt.Sprintf("dot/gonum/n=%d", n), func(b *testing.B) {
			vx, vy := blas32.Vector{N: n, Inc: 1, Data: x}, blas32.Vector{N: n, Inc: 1, Data: y}
			for b.Loop() {
				sink += blas32.Dot(vx, vy)
			}
		})
		b.Run(fmt.Sprintf("dot/gonumimpl/n=%d", n), func(b *testing.B) {
			var impl gonum.Implementation
			for b.Loop() {
				sink += impl.Sdot(n, x, 1, y, 1)
			}
		})
		b.Run(fmt.Sprintf("dot/%s/n=%d", kernelPath(), n), func(b *testing.B) {
			for b.Loop() {
				sink += dot(x, y)
			}
		})
		b.Run(fmt.Sprintf("axpy/%s/n=%d", kernelPath(), n), func(b *testing.B) {
			for b.Loop() {
				axpy(1e-9, x, y)
			}
		})
		b.Run(fmt.Sprintf("axpy/ref/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				axpyRef(1e-9, x, y)
			}
		})
		b.Run(fmt.Sprintf("axpy/unrolled/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				axpyUnrolled(1e-9, x, y)
			}
		})
		b.Run(fmt.Sprintf("axpy/gonum/n=%d", n), func(b *testing.B) {
			vx, vy := blas32.Vector{N: n, Inc: 1, Data: x}, blas32.Vector{N: n, Inc: 1, Data: y}
			for b.Loop() {
				blas32.Axpy(1e-9, vx, vy)
			}
		})
		b.Run(fmt.Sprintf("axpy/gonumimpl/n=%d", n), func(b *testing.B) {
			var impl gonum.Implementation
			for b.Loop() {
				impl.Saxpy(n, 1e-9, x, 1, y, 1)
			}
		})
		_ = sink
	}
}
