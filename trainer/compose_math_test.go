package trainer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hiervec/hiervec/corpus"
)

// TestComposedPairGradient checks composedPairRef, the composed pair's
// reference, against finite differences of the pair's loss
//
//	L = −log σ(h·y_0) − Σ_{k≥1} log σ(−h·y_k),   h = s·Σ_i c_i,
//
// in float64 with the exact σ: every row c_i the composed vector is made
// of must move by −α·(γ/s)·∂L/∂c_i (γ/s = 1+k for the mean, 1 for the
// sum: the step that moves h by −α·∂L/∂h), and every target row y_k by
// −α·∂L/∂y_k. The tolerance covers the σ table's steps (sigmoid.go).
func TestComposedPairGradient(t *testing.T) {
	const dim, nt, alpha = 5, 3, 0.01
	r := rand.New(rand.NewPCG(1, 2))
	for _, op := range []ComposeOp{ComposeMean, ComposeSum} {
		for k := range 4 {
			t.Run(fmt.Sprintf("%v/units=%d", op, k), func(t *testing.T) {
				comps := make([][]float64, 1+k)
				for i := range comps {
					comps[i] = randRow(r, dim)
				}
				ys := make([][]float64, nt)
				for i := range ys {
					ys[i] = randRow(r, dim)
				}
				s, gamma := composeFactors(op, k)
				loss := func(comps, ys [][]float64) float64 {
					h := make([]float64, dim)
					for _, c := range comps {
						for d := range h {
							h[d] += c[d] * float64(s)
						}
					}
					var l float64
					for i, y := range ys {
						f := 0.0
						for d := range h {
							f += h[d] * y[d]
						}
						if i > 0 {
							f = -f
						}
						l -= math.Log(1 / (1 + math.Exp(-f)))
					}
					return l
				}
				grad := func(rows [][]float64, i, d int) float64 {
					const eps = 1e-5
					x := rows[i][d]
					rows[i][d] = x + eps
					up := loss(comps, ys)
					rows[i][d] = x - eps
					down := loss(comps, ys)
					rows[i][d] = x
					return (up - down) / (2 * eps)
				}

				c32 := make([][]float32, len(comps))
				for i, c := range comps {
					c32[i] = to32(c)
				}
				out := make([][]float32, nt)
				targets := make([]*float32, nt)
				for i, y := range ys {
					out[i] = to32(y)
					targets[i] = &out[i][0]
				}
				composedPairRef(c32, op, make([]float32, dim), make([]float32, dim), targets, alpha, nil)

				check := func(what string, got []float32, before []float64, want func(d int) float64) {
					t.Helper()
					var scale float64
					for d := range dim {
						scale = max(scale, math.Abs(want(d)))
					}
					for d := range dim {
						step := float64(got[d]) - float64(float32(before[d]))
						if math.Abs(step-want(d)) > 0.02*scale+1e-7 {
							t.Errorf("%s weight %d moved by %.6g, want %.6g", what, d, step, want(d))
						}
					}
				}
				for i := range comps {
					check(fmt.Sprintf("row %d", i), c32[i], comps[i], func(d int) float64 {
						return -alpha * float64(gamma/s) * grad(comps, i, d)
					})
				}
				for i := range ys {
					check(fmt.Sprintf("target %d", i), out[i], ys[i], func(d int) float64 {
						return -alpha * grad(ys, i, d)
					})
				}
			})
		}
	}
}

func randRow(r *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(float32(r.Float64() - 0.5))
	}
	return x
}

func to32(x []float64) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return y
}

// TestComposedMatchesFormula trains one sequence on the composed path
// (compose_seq.go) and replays it in float64 from the formulas of its
// documentation, drawing the same negatives from a copy of the worker's
// generator: local composed rows for the sequence's distinct words, the
// plain Skip-Gram or CBOW step on them, and at the end each word's change,
// times γ, added to its own row and to each of its units' rows. Words 1
// and 5 share a unit with each other and word 2 shares one with word 6,
// so the replay also pins when a shared unit's change is seen. Every
// weight of In (words and units) and Out must agree to float32 rounding.
func TestComposedMatchesFormula(t *testing.T) {
	long := []int32{0, 2, 5, 2, 7, 1, 3, 6, 4, 2}
	for _, tc := range []struct {
		m      Model
		seq    []int32
		window int
	}{
		{SkipGram, long, 3},
		{SkipGram, long, 100},
		{CBOW, long, 3},   // partial windows on local rows
		{CBOW, long, 100}, // whole-sequence centres (cbow_whole.go)
		{CBOW, long[:5], 100},
	} {
		for _, op := range []ComposeOp{ComposeMean, ComposeSum} {
			for _, dim := range []int{3, 16, 37} {
				t.Run(fmt.Sprintf("%v/n=%d/window=%d/%v/dim=%d", tc.m, len(tc.seq), tc.window, op, dim), func(t *testing.T) {
					replayComposed(t, tc.m, tc.seq, tc.window, op, dim)
				})
			}
		}
	}
}

// replayUnits: word w's units. Words 1, 5 share unit 0; 2, 6 share 1;
// 3 and 7 have units 2 and 3; 0 and 4 have none.
func replayUnits(w int) []int32 {
	switch w {
	case 1, 5:
		return []int32{0}
	case 2, 6:
		return []int32{1, 3}
	case 3, 7:
		return []int32{2, 3}
	}
	return nil
}

func replayComposed(t *testing.T, m Model, seq []int32, window int, op ComposeOp, dim int) {
	const vocab, nunits = 8, 4
	c := newTestCorpus(vocab, [][]int32{seq})
	cfg := testConfig(m)
	cfg.Dim, cfg.Window, cfg.ShrinkWindow, cfg.Subsample = dim, window, false, 0
	comp := testComposition(op, vocab, nunits, replayUnits)
	maxSeq, err := check(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	sh := newShared(c, cfg, maxSeq, defaultTuning())
	sh.setComposition(comp)
	stride := sh.stride
	for i := range sh.out {
		if i%stride < dim {
			sh.out[i] = float32(math.Sin(float64(i))) * 0.3
		}
	}
	in := make([]float64, len(sh.in))
	out := make([]float64, len(sh.out))
	for i := range in {
		in[i] = float64(sh.in[i])
	}
	for i := range out {
		out[i] = float64(sh.out[i])
	}
	w := newWorker(sh, 0)
	r := w.rng
	alpha := float64(w.alpha)
	w.trainSeq(corpus.TokensOf(seq...))

	sig := func(f float64) float64 {
		switch {
		case f >= maxExp:
			return 1
		case f <= -maxExp:
			return 0
		}
		return float64(sigTable[int((float32(f)+maxExp)*expScale)])
	}
	row := func(m []float64, id int) []float64 { return m[id*stride : id*stride+dim] }
	// Local composed rows, as the sequence began.
	x := map[int32][]float64{}
	x0 := map[int32][]float64{}
	var order []int32
	for _, t := range seq {
		if x[t] != nil {
			continue
		}
		order = append(order, t)
		units := replayUnits(int(t))
		s, _ := composeFactors(op, len(units))
		h := append([]float64(nil), row(in, int(t))...)
		for _, u := range units {
			for d := range h {
				h[d] += row(in, vocab+int(u))[d]
			}
		}
		for d := range h {
			h[d] *= float64(s)
		}
		x[t], x0[t] = h, append([]float64(nil), h...)
	}
	// The step of sgns.go: h predicts the targets; returns e.
	step := func(h []float64, targets []int32) []float64 {
		e := make([]float64, dim)
		for k, tk := range targets {
			label := 0.0
			if k == 0 {
				label = 1
			}
			y := row(out, int(tk))
			f := 0.0
			for d := range dim {
				f += h[d] * y[d]
			}
			g := alpha * (label - sig(f))
			for d := range dim {
				e[d] += g * y[d]
				y[d] += g * h[d]
			}
		}
		return e
	}
	draw := func(centre int32) []int32 {
		targets := []int32{centre}
		for range cfg.Negative {
			if n := sh.noise.draw(r.next()); n != centre {
				targets = append(targets, n)
			}
		}
		return targets
	}
	for i, centre := range seq {
		lo, hi := max(i-window, 0), min(i+window+1, len(seq))
		if m == SkipGram {
			for j := lo; j < hi; j++ {
				if j != i {
					h := x[seq[j]]
					e := step(h, draw(centre))
					for d := range dim {
						h[d] += e[d]
					}
				}
			}
			continue
		}
		h := make([]float64, dim)
		for j := lo; j < hi; j++ {
			if j != i {
				for d := range dim {
					h[d] += x[seq[j]][d] / float64(hi-lo-1)
				}
			}
		}
		e := step(h, draw(centre))
		for j := lo; j < hi; j++ {
			if j != i {
				for d := range dim {
					x[seq[j]][d] += e[d]
				}
			}
		}
	}
	// The end: each word's change, times γ, to its own row and its units'.
	for _, t := range order {
		units := replayUnits(int(t))
		_, gamma := composeFactors(op, len(units))
		for _, r := range append([]int{int(t)}, unitRows(vocab, units)...) {
			for d := range dim {
				row(in, r)[d] += float64(gamma) * (x[t][d] - x0[t][d])
			}
		}
	}
	for _, mm := range []struct {
		name string
		got  []float32
		want []float64
	}{{"input", sh.in, in}, {"output", sh.out, out}} {
		for i, want := range mm.want {
			if d := math.Abs(float64(mm.got[i]) - want); d > 1e-5*(math.Abs(want)+0.05) {
				t.Fatalf("%s weight %d (row %d) = %v, formula %v", mm.name, i, i/stride, mm.got[i], want)
			}
		}
	}
}

func unitRows(vocab int, units []int32) []int {
	var rows []int
	for _, u := range units {
		rows = append(rows, vocab+int(u))
	}
	return rows
}
