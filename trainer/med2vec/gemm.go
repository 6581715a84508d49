package med2vec

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// Blocking of the packed SGEMM (Goto and van de Geijn, "Anatomy of
// High-Performance Matrix Multiplication", ACM TOMS 34(3), 2008): a
// gemmKC x gemmNC block of B is packed into column panels of nr columns
// (L3/L2 resident), a gemmMC x gemmKC block of A into row panels of mr rows
// (L2), and the micro-kernel multiplies one A panel by one B panel (L1),
// accumulating an mr x nr tile of C in registers.
const (
	gemmKC = 256  // depth of one packed block: an nr-wide B panel is 16-32 KiB
	gemmMC = 120  // rows of A packed at a time (a multiple of every mr)
	gemmNC = 2048 // columns of B packed at a time
)

// microKernel computes C[0:mr, 0:nr] += Aₚ·Bₚ for a packed A panel (kc x
// mr, element (i,k) at k*mr+i) and a packed B panel (kc x nr, element (k,j)
// at k*nr+j); C has row stride ldc (elements). kc > 0.
type microKernel struct {
	name   string
	mr, nr int
	fn     func(kc int, a, b, c *float32, ldc int)
}

// gemmer multiplies float32 matrices for one worker. With a micro-kernel
// (amd64 with AVX2+FMA or AVX-512; see gemmKernel) it runs the packed
// blocked algorithm single-threaded; without one, it calls gonum's
// blas32.Gemm, which is also the tests' second oracle. Its packing buffers
// are reused across calls.
type gemmer struct {
	k      *microKernel
	ap, bp []float32
	tile   []float32
}

func newGemmer(k *microKernel) *gemmer {
	g := &gemmer{k: k}
	if k != nil {
		g.ap = make([]float32, gemmMC*gemmKC)
		g.bp = make([]float32, gemmKC*((gemmNC+k.nr-1)/k.nr*k.nr))
		g.tile = make([]float32, k.mr*k.nr)
	}
	return g
}

// gemm computes C = op(A)·op(B) + beta·C, with op(A) M x K, op(B) K x N, C
// M x N, all row-major with row strides lda, ldb, ldc; op transposes when
// tA/tB is set (A is then stored K x M, B N x K). beta is 0 or 1. Only
// the M x N window of C is written, and only the op-sized windows of A and
// B are read.
func (g *gemmer) gemm(tA, tB bool, M, N, K int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if M == 0 || N == 0 {
		return
	}
	if g.k == nil {
		ta, tb := blas.NoTrans, blas.NoTrans
		ar, ac, br, bc := M, K, K, N
		if tA {
			ta, ar, ac = blas.Trans, K, M
		}
		if tB {
			tb, br, bc = blas.Trans, N, K
		}
		blas32.Gemm(ta, tb, 1,
			blas32.General{Rows: ar, Cols: ac, Stride: lda, Data: a},
			blas32.General{Rows: br, Cols: bc, Stride: ldb, Data: b},
			beta, blas32.General{Rows: M, Cols: N, Stride: ldc, Data: c})
		return
	}
	if beta == 0 {
		for i := range M {
			clear(c[i*ldc : i*ldc+N])
		}
	}
	mr, nr := g.k.mr, g.k.nr
	for jc := 0; jc < N; jc += gemmNC {
		nc := min(gemmNC, N-jc)
		for pc := 0; pc < K; pc += gemmKC {
			kc := min(gemmKC, K-pc)
			packB(g.bp, tB, b, ldb, pc, kc, jc, nc, nr)
			for ic := 0; ic < M; ic += gemmMC {
				mc := min(gemmMC, M-ic)
				packA(g.ap, tA, a, lda, ic, mc, pc, kc, mr)
				for jr := 0; jr < nc; jr += nr {
					nw := min(nr, nc-jr)
					bpan := &g.bp[jr*kc]
					for ir := 0; ir < mc; ir += mr {
						mh := min(mr, mc-ir)
						apan := &g.ap[ir*kc]
						off := (ic+ir)*ldc + jc + jr
						if nw == nr && mh == mr {
							g.k.fn(kc, apan, bpan, &c[off], ldc)
							continue
						}
						// Edge tile: compute into a full mr x nr tile and
						// copy the valid part, so C is never touched
						// outside its window.
						t := g.tile
						clear(t)
						g.k.fn(kc, apan, bpan, &t[0], nr)
						for i := range mh {
							ci := c[off+i*ldc : off+i*ldc+nw]
							for j, x := range t[i*nr : i*nr+nw] {
								ci[j] += x
							}
						}
					}
				}
			}
		}
	}
}

// packA copies op(A)[ic:ic+mc, pc:pc+kc] into dst as row panels of mr
// rows, panel q at dst[q*mr*kc:], element (i,k) at k*mr+i, zero-padding
// the last panel's missing rows.
func packA(dst []float32, tA bool, a []float32, lda, ic, mc, pc, kc, mr int) {
	for q := 0; q < mc; q += mr {
		p := dst[q*kc : (q+mr)*kc]
		rows := min(mr, mc-q)
		if rows < mr {
			clear(p)
		}
		if tA {
			for k := range kc {
				src := a[(pc+k)*lda+ic+q : (pc+k)*lda+ic+q+rows]
				copy(p[k*mr:k*mr+rows], src)
			}
			continue
		}
		for i := range rows {
			src := a[(ic+q+i)*lda+pc : (ic+q+i)*lda+pc+kc]
			for k, x := range src {
				p[k*mr+i] = x
			}
		}
	}
}

// packB copies op(B)[pc:pc+kc, jc:jc+nc] into dst as column panels of nr
// columns, panel at dst[j0*kc:] for its first column j0, element (k,j) at
// k*nr+j, zero-padding the last panel's missing columns.
func packB(dst []float32, tB bool, b []float32, ldb, pc, kc, jc, nc, nr int) {
	for j0 := 0; j0 < nc; j0 += nr {
		p := dst[j0*kc : (j0+nr)*kc]
		cols := min(nr, nc-j0)
		if cols < nr {
			clear(p)
		}
		if !tB {
			for k := range kc {
				src := b[(pc+k)*ldb+jc+j0 : (pc+k)*ldb+jc+j0+cols]
				copy(p[k*nr:k*nr+cols], src)
			}
			continue
		}
		for j := range cols {
			src := b[(jc+j0+j)*ldb+pc : (jc+j0+j)*ldb+pc+kc]
			for k, x := range src {
				p[k*nr+j] = x
			}
		}
	}
}
