//go:build !purego

package trainer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// kernelPath names the kernels this build runs on this CPU: "avx512",
// "avx2" or "generic" (GODEBUG=cpu.avx512f=off and cpu.avx2=off select the
// slower ones on a faster CPU).
func kernelPath() string {
	switch {
	case hasAVX512:
		return "avx512"
	case hasAVX2FMA:
		return "avx2"
	}
	return "generic"
}

// The assembly dot and axpy beside the references (kernels_test.go).
func TestAVX2KernelsMatchReference(t *testing.T) {
	if !hasAVX2FMA {
		t.Skip("no AVX2+FMA")
	}
	checkDotAxpy(t, "dotAVX2", dotAVX2, "axpyAVX2", axpyAVX2, true)
}

// TestSGPairMatchesReference checks the one-call Skip-Gram pairs
// (sgPairAVX512, sgPairRegAVX512) against sgPairRef, bit for bit:
// the input row, every target row, the gradient scratch and the loss, on
// rows padded to whole chunks with zeros as rowStride pads them (every
// dimension of rowDims), with a target drawn twice, logits past ±maxExp
// (large weights) and a NaN weight, and with guard bands around the
// matrix and both vectors.
func TestSGPairMatchesReference(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512: sgPair is sgPairRef")
	}
	r := rand.New(rand.NewPCG(15, 16))
	const pad, nrows = 17, 5
	same := func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b) }
	for _, dim := range rowDims {
		n := (dim + alignFloats - 1) &^ (alignFloats - 1) // padded rows, as rowStride makes them
		for _, nt := range []int{1, 2, 6, 11} {
			for _, c := range []struct {
				name  string
				scale float32
				nan   bool
			}{{"normal", 0.3, false}, {"saturated", 4, false}, {"nan", 0.3, true}} {
				name := fmt.Sprintf("dim=%d/nt=%d/%s", dim, nt, c.name)
				x, m := randVec(r, n), randVec(r, nrows*n)
				for i := range x {
					x[i] *= c.scale
					if i%n >= dim {
						x[i] = 0
					}
				}
				for i := range m {
					m[i] *= c.scale
					if i%n >= dim {
						m[i] = 0
					}
				}
				idx := make([]int, nt)
				for k := range idx {
					idx[k] = r.IntN(nrows)
				}
				if c.nan { // in the observed word's row: every later logit is NaN
					m[idx[0]*n+r.IntN(dim)] = float32(math.NaN())
				}
				if nt > 1 {
					idx[nt-1] = idx[nt-2] // the same noise word twice in a row
				}
				alpha := float32(0.025)
				inMemory := false // use: sgPairAVX512 instead of sgPair's choice
				run := func(use bool, x, m, e []float32, loss *float64) {
					rows := make([]*float32, nt)
					for k, i := range idx {
						rows[k] = &m[i*n]
					}
					switch {
					case use && inMemory:
						sgPairAVX512(x, e, rows, alpha, loss)
					case use:
						sgPair(x, e, rows, alpha, loss)
					default:
						sgPairRef(x, e, rows, alpha, loss)
					}
				}
				wx, wm, we := append([]float32(nil), x...), append([]float32(nil), m...), make([]float32, n)
				wl := 1.5
				run(false, wx, wm, we, &wl)
				// Both assembly kernels: x and e in registers (rows of up to
				// maxRegFloats) and in memory.
				for _, inMem := range []bool{false, true} {
					if !inMem && n > maxRegFloats {
						continue
					}
					name := fmt.Sprintf("%s/inMemory=%v", name, inMem)
					inMemory = inMem
					gx, bx := guarded(x, pad)
					gm, bm := guarded(m, pad)
					ge, be := guarded(make([]float32, n), pad)
					gl := 1.5
					run(true, gx, gm, ge, &gl)
					for i := range n {
						if !same(gx[i], wx[i]) || !same(ge[i], we[i]) {
							t.Fatalf("%s: x[%d], e[%d] = %v, %v; reference %v, %v", name, i, i, gx[i], ge[i], wx[i], we[i])
						}
					}
					for i := range wm {
						if !same(gm[i], wm[i]) {
							t.Fatalf("%s: row %d element %d = %v, reference %v", name, i/n, i%n, gm[i], wm[i])
						}
					}
					if math.Float64bits(gl) != math.Float64bits(wl) && !(gl != gl && wl != wl) {
						t.Fatalf("%s: loss %v, reference %v", name, gl, wl)
					}
					if c.nan != (gl != gl) {
						t.Fatalf("%s: loss %v", name, gl)
					}
					checkGuards(t, name+" x", bx, pad, n)
					checkGuards(t, name+" m", bm, pad, len(m))
					checkGuards(t, name+" e", be, pad, n)
				}
				// Without the loss (nil): the same weights, both paths.
				for _, k := range []struct{ use, inMem bool }{{false, false}, {true, false}, {true, true}} {
					nx, nm := append([]float32(nil), x...), append([]float32(nil), m...)
					inMemory = k.inMem
					run(k.use, nx, nm, make([]float32, n), nil)
					if !slices.EqualFunc(nx, wx, same) || !slices.EqualFunc(nm, wm, same) {
						t.Fatalf("%s: AVX-512 %v (in memory %v) with a nil loss: weights differ from the reference's", name, k.use, k.inMem)
					}
				}
			}
		}
	}
}
