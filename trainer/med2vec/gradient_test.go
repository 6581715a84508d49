package med2vec

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hiervec/hiervec/corpus"
)

// buildCorpus makes a corpus over codes 0..vocab-1 (words "c0", "c1", ...)
// from sequences of visits.
func buildCorpus(vocab int, seqs [][][]int32) *corpus.Corpus {
	v := corpus.NewVocab()
	for i := range vocab {
		v.Add("c"+itoa(i), corpus.KindCode)
	}
	c := &corpus.Corpus{Vocab: v, Seqs: []int64{0}, Visits: []int64{0}, SeqVisits: []int64{0}}
	for _, s := range seqs {
		for _, visit := range s {
			c.Tokens.Append(visit...)
			for _, t := range visit {
				v.Counts[t]++
			}
			c.Visits = append(c.Visits, int64(c.Tokens.Len()))
		}
		c.Seqs = append(c.Seqs, int64(c.Tokens.Len()))
		c.SeqVisits = append(c.SeqVisits, int64(len(c.Visits)-1))
	}
	return c
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// toyBatch returns the toy corpus of the gradient checks as one batch,
// with its rows and sequence ids for refLoss. It has a duplicated code, a
// single-code visit, a one-visit sequence and a visit of four codes.
func toyBatch(window int) (*batch, [][]int32, []int) {
	seqs := [][][]int32{
		{{0, 1, 2}, {2, 3}, {4}, {1, 5, 5, 6}},
		{{6}},
		{{3, 0}, {0, 2, 4, 6}, {5, 1}},
	}
	c := buildCorpus(7, seqs)
	var rows [][]int32
	var seq []int
	for i, s := range seqs {
		for _, v := range s {
			rows = append(rows, v)
			seq = append(seq, i)
		}
	}
	b := &batch{}
	b.build(c, visitSequences(c), 0, c.NumVisits(), window)
	return b, rows, seq
}

// randomParams draws every block, biases included, from U(-scale, scale)
// so that the ReLUs are partly active and every block gets a gradient.
func randomParams(C, m, n int, seed uint64, scale float64) *params {
	p := newParams(C, m, n)
	rng := rand.New(rand.NewPCG(seed, 0))
	for _, b := range p.blocks() {
		for i := range b {
			b[i] = float32((2*rng.Float64() - 1) * scale)
		}
	}
	return p
}

// TestGradientFiniteDifferences checks the analytic gradient of every
// parameter block against central differences of the independent float64
// reference loss. The analytic gradient is float32, so its own rounding
// (about 1e-7 relative) sets the floor; 1e-4 leaves a wide margin while
// still catching any wrong term (those give errors of order 1).
func TestGradientFiniteDifferences(t *testing.T) {
	const (
		C, m, n = 7, 3, 5
		l2      = 0.01
		h       = 1e-5
	)
	for _, tc := range []struct {
		name    string
		window  int
		workers int
		seed    uint64
	}{
		{"window1", 1, 1, 1},
		{"window2", 2, 1, 2},
		{"window2-3workers", 2, 3, 3},
		{"window3-2workers", 3, 2, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, rows, seq := toyBatch(tc.window)
			p := randomParams(C, m, n, tc.seed, 0.8)
			g := newGradient(p, tc.workers, l2)
			loss := g.compute(b)
			ref := toRef(p)
			want := refLoss(ref, rows, seq, tc.window, l2)
			if math.Abs(loss-want) > 1e-5*math.Abs(want) {
				t.Fatalf("loss %v, reference %v", loss, want)
			}
			ab, rb := g.grad.blocks(), ref.blocks()
			for k := range ab {
				var diff2, norm2 float64
				for i := range rb[k] {
					x := rb[k][i]
					rb[k][i] = x + h
					lp := refLoss(ref, rows, seq, tc.window, l2)
					rb[k][i] = x - h
					lm := refLoss(ref, rows, seq, tc.window, l2)
					rb[k][i] = x
					num := (lp - lm) / (2 * h)
					d := float64(ab[k][i]) - num
					diff2 += d * d
					norm2 += num * num
				}
				if norm2 == 0 {
					t.Errorf("%s: numerical gradient is zero; the toy does not exercise the block", blockNames[k])
					continue
				}
				if rel := math.Sqrt(diff2 / norm2); rel > 1e-4 {
					t.Errorf("%s: relative error %.3g > 1e-4", blockNames[k], rel)
				} else {
					t.Logf("%s: relative error %.3g", blockNames[k], rel)
				}
			}
		})
	}
}
