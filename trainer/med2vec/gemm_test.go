package med2vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// naiveGemm is the float64 oracle of gemmer.gemm.
func naiveGemm(tA, tB bool, M, N, K int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) []float64 {
	out := make([]float64, M*N)
	for i := range M {
		for j := range N {
			var s float64
			for k := range K {
				var av, bv float32
				if tA {
					av = a[k*lda+i]
				} else {
					av = a[i*lda+k]
				}
				if tB {
					bv = b[j*ldb+k]
				} else {
					bv = b[k*ldb+j]
				}
				s += float64(av) * float64(bv)
			}
			out[i*N+j] = s + float64(beta)*float64(c[i*ldc+j])
		}
	}
	return out
}

// nanMatrix returns a rows x stride matrix whose rows x cols window is
// random and whose padding (columns cols..stride and a guard row band
// before and after) is NaN; it returns the whole buffer and the window.
func nanMatrix(rng *rand.Rand, rows, cols, stride int) (buf, win []float32) {
	const guard = 37
	buf = make([]float32, rows*stride+2*guard)
	for i := range buf {
		buf[i] = float32(math.NaN())
	}
	win = buf[guard : guard+rows*stride]
	for i := range rows {
		for j := range cols {
			win[i*stride+j] = float32(2*rng.Float64() - 1)
		}
	}
	return buf, win
}

func TestGemmMatchesReference(t *testing.T) {
	kernels := append([]*microKernel{nil}, gemmKernels()...)
	sizes := [][3]int{{1, 1, 1}, {6, 16, 1}, {5, 15, 3}, {7, 17, 9}, {6, 32, 256}, {13, 33, 257},
		{121, 40, 20}, {3, 2100, 5}, {250, 70, 600}, {0, 5, 5}, {5, 0, 5}, {4, 9, 0}}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, k := range kernels {
		name := "gonum"
		if k != nil {
			name = k.name
		}
		g := newGemmer(k)
		for _, sz := range sizes {
			M, N, K := sz[0], sz[1], sz[2]
			for _, op := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
				for _, beta := range []float32{0, 1} {
					tA, tB := op[0], op[1]
					t.Run(fmt.Sprintf("%s/%dx%dx%d/tA=%v,tB=%v,beta=%v", name, M, N, K, tA, tB, beta), func(t *testing.T) {
						ar, ac, br, bc := M, K, K, N
						if tA {
							ar, ac = K, M
						}
						if tB {
							br, bc = N, K
						}
						lda, ldb, ldc := ac+3, bc+5, N+2
						_, a := nanMatrix(rng, ar, ac, lda)
						_, b := nanMatrix(rng, br, bc, ldb)
						cbuf, c := nanMatrix(rng, M, N, ldc)
						before := append([]float32(nil), cbuf...)
						want := naiveGemm(tA, tB, M, N, K, a, lda, b, ldb, beta, c, ldc)
						g.gemm(tA, tB, M, N, K, a, lda, b, ldb, beta, c, ldc)
						off := len(cbuf) - len(c) - 37 // start of the window in cbuf
						for p, x := range cbuf {
							q := p - off
							inWin := q >= 0 && q < M*ldc && q%ldc < N
							if !inWin {
								if !math.IsNaN(float64(x)) || !math.IsNaN(float64(before[p])) {
									t.Fatalf("guard element %d changed: %v -> %v", p, before[p], x)
								}
								continue
							}
							i, j := q/ldc, q%ldc
							tol := 1e-5 * float64(K+1)
							if d := math.Abs(float64(x) - want[i*N+j]); !(d <= tol) {
								t.Fatalf("C[%d,%d] = %v, want %v (|diff| %g > %g)", i, j, x, want[i*N+j], d, tol)
							}
						}
					})
				}
			}
		}
	}
}

func BenchmarkGemm(b *testing.B) {
	for _, k := range append([]*microKernel{nil}, gemmKernels()...) {
		name := "gonum"
		if k != nil {
			name = k.name
		}
		b.Run(name, func(b *testing.B) {
			const M, N, K = 500, 5400, 200
			rng := rand.New(rand.NewPCG(1, 2))
			_, a := nanMatrix(rng, M, K, K)
			_, w := nanMatrix(rng, K, N, N)
			c := make([]float32, M*N)
			g := newGemmer(k)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				g.gemm(false, false, M, N, K, a, K, w, N, 0, c, N)
			}
			b.ReportMetric(float64(M*N*K)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFMA/s")
		})
	}
}
