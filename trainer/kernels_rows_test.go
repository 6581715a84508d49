package trainer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// rowDims are the row lengths the multi-row kernels are tested at: every
// tail length of the 16-lane chunks, several chunks, and the paper's
// dimensions.
var rowDims = []int{1, 2, 3, 7, 8, 10, 15, 16, 17, 31, 32, 33, 47, 50, 64, 100, 101, 200}

// rowKernels is one implementation of the multi-row kernels.
type rowKernels struct {
	name       string
	dotBlock   func(dst, m []float32, idx []int32, rows []float32, n, nt int)
	updateRows func(x, g, rows, e []float32)
	axpy2      func(a float32, x, y, e []float32)
	sumRows    func(dst, m []float32, idx []int32)
	addRows    func(m []float32, idx []int32, v []float32)
	writeBack  func(shared, cur, snap []float32)
}

// rowImpls lists the implementations to test: the generic loops, and the
// ones training calls on this build and CPU (kernelPath; the assembly
// where the CPU has AVX-512).
func rowImpls() []rowKernels {
	return []rowKernels{
		{"generic", dotBlockGeneric, updateRowsGeneric, axpy2Generic, sumRowsGeneric, addRowsGeneric, writeBackRef},
		{kernelPath(), dotBlock, updateRows, axpy2, sumRows, addRows, writeBack},
	}
}

func TestBlockKernelsMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const pad, vocab = 17, 9
	for _, impl := range rowImpls() {
		for _, n := range rowDims {
			for _, nt := range []int{1, 2, 6, 11} {
				// Repeated rows (a code twice in one window) and an empty list.
				for _, idx := range [][]int32{nil, {3}, {0, 8, 2}, {5, 1, 5, 5, 0, 7, 8, 2, 3, 1}} {
					t.Run(fmt.Sprintf("%s/n=%d/nt=%d/idx=%d", impl.name, n, nt, len(idx)), func(t *testing.T) {
						m := randVec(r, vocab*n)
						rows := randVec(r, nt*n)
						gm, bm := guarded(m, pad)
						// The rows past nt that dotBlock may read are NaN:
						// they must not reach a result.
						blk := make([]float32, blockRows(nt)*n)
						for i := range blk {
							blk[i] = float32(math.NaN())
						}
						copy(blk, rows)
						grows, brows := guarded(blk, pad)

						// dotBlock against dotBlockRef.
						want := make([]float32, len(idx)*nt)
						dotBlockRef(want, m, idx, rows, n, nt)
						gdst, bdst := guarded(make([]float32, len(idx)*nt), pad)
						impl.dotBlock(gdst, gm, idx, grows, n, nt)
						for j, row := range idx {
							for k := range nt {
								var scale float64
								for i := range n {
									scale += math.Abs(float64(m[int(row)*n+i] * rows[k*n+i]))
								}
								if d := math.Abs(float64(gdst[j*nt+k] - want[j*nt+k])); d > kernelTol*(scale+1) {
									t.Errorf("dotBlock[%d,%d] = %v, reference %v", j, k, gdst[j*nt+k], want[j*nt+k])
								}
							}
						}
						checkGuards(t, "dotBlock m", bm, pad, vocab*n)
						checkGuards(t, "dotBlock rows", brows, pad, len(blk))
						checkGuards(t, "dotBlock dst", bdst, pad, len(idx)*nt)
					})
				}
			}
		}
	}
}

func TestGatherScatterKernelsMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const pad, vocab = 17, 9
	for _, impl := range rowImpls() {
		for _, n := range rowDims {
			// Repeated rows (a code twice in one window) and an empty list.
			for _, idx := range [][]int32{nil, {3}, {0, 8, 2}, {5, 1, 5, 5, 0, 7, 8, 2, 3, 1}} {
				t.Run(fmt.Sprintf("%s/n=%d/idx=%v", impl.name, n, idx), func(t *testing.T) {
					m := randVec(r, vocab*n)
					v := randVec(r, n)

					want := make([]float32, n)
					sumRowsRef(want, m, idx)
					gm, bm := guarded(m, pad)
					gdst, bdst := guarded(randVec(r, n), pad)
					impl.sumRows(gdst, gm, idx)
					for i := range want {
						// Additions in the same order: the same bits.
						if gdst[i] != want[i] {
							t.Fatalf("sumRows[%d] = %v, reference %v", i, gdst[i], want[i])
						}
					}
					checkGuards(t, "sumRows m", bm, pad, vocab*n)
					checkGuards(t, "sumRows dst", bdst, pad, n)

					wantM := append([]float32(nil), m...)
					addRowsRef(wantM, idx, v)
					gv, bv := guarded(v, pad)
					impl.addRows(gm, idx, gv)
					for i := range wantM {
						if gm[i] != wantM[i] {
							t.Fatalf("addRows m[%d] = %v, reference %v", i, gm[i], wantM[i])
						}
					}
					checkGuards(t, "addRows m", bm, pad, vocab*n)
					checkGuards(t, "addRows v", bv, pad, n)
				})
			}
		}
	}
}

func TestGatherScatterRejectBadRow(t *testing.T) {
	for _, impl := range rowImpls() {
		for _, idx := range [][]int32{{4}, {-1}} {
			t.Run(fmt.Sprintf("%s/%v", impl.name, idx), func(t *testing.T) {
				defer func() {
					if recover() == nil {
						t.Errorf("addRows with row %v of a 4-row matrix did not panic", idx)
					}
				}()
				m := make([]float32, 4*10)
				impl.addRows(m, idx, make([]float32, 10))
			})
		}
	}
}

// BenchmarkRowKernels compares, for one shared-negatives window of 20
// context rows against 6 targets and for CBOW's 20-row gather and
// scatter, the multi-row kernels with the loops over dot and axpy they
// replace (the portable path), in one process.
func BenchmarkRowKernels(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{10, 50, 100} {
		const vocab, nt = 5400, 6
		m := randVec(r, vocab*n)
		rows := randVec(r, blockRows(nt)*n)
		v := make([]float32, n)
		idx := make([]int32, 20)
		for i := range idx {
			idx[i] = int32(r.IntN(vocab))
		}
		g := make([]float32, len(idx)*nt)
		for i := range g {
			g[i] = 1e-9
		}
		x := make([]float32, n)
		for _, impl := range rowImpls() {
			b.Run(fmt.Sprintf("dotBlock20x6/%s/n=%d", impl.name, n), func(b *testing.B) {
				for b.Loop() {
					impl.dotBlock(g, m, idx, rows, n, nt)
				}
			})
			b.Run(fmt.Sprintf("sumRows20/%s/n=%d", impl.name, n), func(b *testing.B) {
				for b.Loop() {
					impl.sumRows(x, m, idx)
				}
			})
			b.Run(fmt.Sprintf("addRows20/%s/n=%d", impl.name, n), func(b *testing.B) {
				for b.Loop() {
					impl.addRows(m, idx, v)
				}
			})
		}
	}
}

// TestAxpy2MatchesAxpyPair checks axpy2 against the two axpy calls it
// fuses (bit for bit: the same fused multiply-add per element where the
// CPU has AVX-512, since it also has AVX2+FMA) and against axpy2Ref
// (one rounding per term), with guard bands.
func TestAxpy2MatchesAxpyPair(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	const pad = 17
	for _, impl := range rowImpls() {
		for _, n := range rowDims {
			x, y, e := randVec(r, n), randVec(r, n), randVec(r, n)
			a := float32(r.NormFloat64())
			pairY, pairE := append([]float32(nil), y...), append([]float32(nil), e...)
			axpy(a, pairY, pairE)
			axpy(a, x, pairY)
			refY, refE := append([]float32(nil), y...), append([]float32(nil), e...)
			axpy2Ref(a, x, refY, refE)
			gx, bx := guarded(x, pad)
			gy, by := guarded(y, pad)
			ge, be := guarded(e, pad)
			impl.axpy2(a, gx, gy, ge)
			for i := range n {
				if gy[i] != pairY[i] || ge[i] != pairE[i] {
					t.Fatalf("%s n=%d: element %d = (%v, %v), axpy pair (%v, %v)", impl.name, n, i, gy[i], ge[i], pairY[i], pairE[i])
				}
				tolY := 2e-7 * (math.Abs(float64(y[i])) + math.Abs(float64(a*x[i])))
				tolE := 2e-7 * (math.Abs(float64(e[i])) + math.Abs(float64(a*y[i])))
				if math.Abs(float64(gy[i]-refY[i])) > tolY || math.Abs(float64(ge[i]-refE[i])) > tolE {
					t.Fatalf("%s n=%d: element %d = (%v, %v), reference (%v, %v)", impl.name, n, i, gy[i], ge[i], refY[i], refE[i])
				}
			}
			checkGuards(t, fmt.Sprintf("%s n=%d x", impl.name, n), bx, pad, n)
			checkGuards(t, fmt.Sprintf("%s n=%d y", impl.name, n), by, pad, n)
			checkGuards(t, fmt.Sprintf("%s n=%d e", impl.name, n), be, pad, n)
		}
	}
}

func TestUpdateRowsMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	const pad = 17
	for _, impl := range rowImpls() {
		for _, n := range rowDims {
			for _, nt := range []int{1, 2, 6, 11} {
				x, g, rows := randVec(r, n), randVec(r, nt), randVec(r, nt*n)
				wantX, wantRows := append([]float32(nil), x...), append([]float32(nil), rows...)
				updateRowsRef(wantX, g, wantRows)
				gx, bx := guarded(x, pad)
				gg, bg := guarded(g, pad)
				grows, brows := guarded(rows, pad)
				e := make([]float32, n)
				impl.updateRows(gx, gg, grows, e)
				for i := range n {
					scale := math.Abs(float64(x[i]))
					for k := range nt {
						scale += math.Abs(float64(g[k] * rows[k*n+i]))
					}
					if d := math.Abs(float64(gx[i] - wantX[i])); d > 1e-6*scale {
						t.Fatalf("%s n=%d nt=%d: x[%d] = %v, reference %v", impl.name, n, nt, i, gx[i], wantX[i])
					}
					for k := range nt {
						j := k*n + i
						tol := 2e-7 * (math.Abs(float64(rows[j])) + math.Abs(float64(g[k]*x[i])))
						if d := math.Abs(float64(grows[j] - wantRows[j])); d > tol {
							t.Fatalf("%s n=%d nt=%d: rows[%d][%d] = %v, reference %v", impl.name, n, nt, k, i, grows[j], wantRows[j])
						}
					}
				}
				checkGuards(t, fmt.Sprintf("%s n=%d nt=%d x", impl.name, n, nt), bx, pad, n)
				checkGuards(t, fmt.Sprintf("%s n=%d nt=%d g", impl.name, n, nt), bg, pad, nt)
				checkGuards(t, fmt.Sprintf("%s n=%d nt=%d rows", impl.name, n, nt), brows, pad, nt*n)
			}
		}
	}
}

// TestWriteBackMatchesReference: every lane of the write-back, changed by
// another writer or not (and NaN on either side), against writeBackRef,
// bit for bit, with nothing written outside the rows.
func TestWriteBackMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const pad = 17
	nan := float32(math.NaN())
	for _, impl := range rowImpls() {
		for _, n := range rowDims {
			t.Run(fmt.Sprintf("%s/n=%d", impl.name, n), func(t *testing.T) {
				snap := randVec(r, n)
				cur := append([]float32(nil), snap...)
				shared := append([]float32(nil), snap...)
				for i := range n {
					switch r.IntN(5) {
					case 0: // only this worker changed it
						cur[i] += float32(r.NormFloat64())
					case 1: // only another writer did
						shared[i] += float32(r.NormFloat64())
					case 2: // both
						cur[i] += float32(r.NormFloat64())
						shared[i] -= float32(r.NormFloat64())
					case 3: // NaN in one of the three
						switch r.IntN(3) {
						case 0:
							cur[i] = nan
						case 1:
							shared[i] = nan
						default:
							snap[i] = nan
						}
					}
				}
				ws, wc, wp := append([]float32(nil), shared...), append([]float32(nil), cur...), append([]float32(nil), snap...)
				writeBackRef(ws, wc, wp)
				gs, bs := guarded(shared, pad)
				gc, bc := guarded(cur, pad)
				gp, bp := guarded(snap, pad)
				impl.writeBack(gs, gc, gp)
				for i := range n {
					for _, v := range [][2]float32{{gs[i], ws[i]}, {gc[i], wc[i]}, {gp[i], wp[i]}} {
						if math.Float32bits(v[0]) != math.Float32bits(v[1]) && !(v[0] != v[0] && v[1] != v[1]) {
							t.Fatalf("lane %d: %v, reference %v", i, v[0], v[1])
						}
					}
				}
				checkGuards(t, "shared", bs, pad, n)
				checkGuards(t, "cur", bc, pad, n)
				checkGuards(t, "snap", bp, pad, n)
			})
		}
	}
}
