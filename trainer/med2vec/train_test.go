package med2vec

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hiervec/hiervec/corpus"
)

func smallConfig(seed uint64) Config {
	cfg := DefaultConfig()
	cfg.CodeDim, cfg.VisitDim, cfg.BatchSize, cfg.Epochs, cfg.Workers, cfg.Seed = 8, 6, 50, 2, 1, seed
	return cfg
}

func TestDeterminism(t *testing.T) {
	seqs, V := plantedCorpus(5, 6, 200, 7)
	c := buildCorpus(V, seqs)
	for _, workers := range []int{1, 2} {
		t.Run("workers"+itoa(workers), func(t *testing.T) {
			cfg := smallConfig(42)
			cfg.Workers = workers
			a, err := Train(context.Background(), c, cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Train(context.Background(), c, cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(a.Vectors, b.Vectors) {
				t.Fatal("two runs with the same Seed and Workers differ")
			}
			cfg.Seed = 43
			d, err := Train(context.Background(), c, cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			if slices.Equal(a.Vectors, d.Vectors) {
				t.Fatal("runs with different seeds are identical; the seed is not used")
			}
		})
	}
}

func TestSetShape(t *testing.T) {
	seqs, V := plantedCorpus(3, 4, 40, 1)
	c := buildCorpus(V, seqs)
	c.Vocab.Kinds[1] = corpus.KindCategory
	set, err := Train(context.Background(), c, smallConfig(1), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Validate(); err != nil {
		t.Fatal(err)
	}
	if set.Name != "" || set.Dim != 8 || !slices.Equal(set.Tokens, c.Vocab.Words) || !slices.Equal(set.Kinds, c.Vocab.Kinds) {
		t.Fatalf("set name %q dim %d tokens %v kinds %v", set.Name, set.Dim, set.Tokens, set.Kinds)
	}
}

func TestExport(t *testing.T) {
	p := newParams(2, 2, 1)
	copy(p.Wc, []float32{-1, 0.5, 2, -0.25})
	copy(p.bc, []float32{0.75, 0.25})
	v := corpus.NewVocab()
	v.Add("A", corpus.KindCode)
	v.Add("B", corpus.KindCode)
	for _, tc := range []struct {
		e    Export
		want []float32
	}{
		{ExportReLUBias, []float32{0, 0.75, 2.75, 0}},
		{ExportReLU, []float32{0, 0.5, 2, 0}},
		{ExportRaw, []float32{-1, 0.5, 2, -0.25}},
	} {
		t.Run(tc.e.String(), func(t *testing.T) {
			if got := p.export(v, tc.e).Vectors; !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			e, err := ParseExport(tc.e.String())
			if err != nil || e != tc.e {
				t.Fatalf("ParseExport(%q) = %v, %v", tc.e.String(), e, err)
			}
		})
	}
	if _, err := ParseExport("relu_bias"); !errors.Is(err, ErrBadExport) {
		t.Fatalf("ParseExport(relu_bias) error %v, want ErrBadExport", err)
	}
}

func TestCancellation(t *testing.T) {
	seqs, V := plantedCorpus(5, 6, 2000, 3)
	c := buildCorpus(V, seqs)
	cfg := smallConfig(1)
	cfg.Epochs = 1000
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	cfg.ProgressInterval = time.Nanosecond
	_, err := Train(ctx, c, cfg, func(p Progress) {
		calls++
		if calls == 3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if calls != 3 {
		t.Fatalf("%d progress calls after cancelling at the 3rd; Train did not stop at the next minibatch", calls)
	}
}

func TestProgress(t *testing.T) {
	seqs, V := plantedCorpus(5, 6, 100, 3)
	c := buildCorpus(V, seqs)
	cfg := smallConfig(1)
	cfg.ProgressInterval = time.Nanosecond
	var got []Progress
	if _, err := Train(context.Background(), c, cfg, func(p Progress) { got = append(got, p) }); err != nil {
		t.Fatal(err)
	}
	final := got[len(got)-1]
	total := int64(c.NumVisits() * cfg.Epochs)
	if !final.Done || final.VisitsDone != total || final.VisitsTotal != total || final.Epoch != cfg.Epochs {
		t.Fatalf("final progress %+v, want Done with %d visits", final, total)
	}
	for i, p := range got[:len(got)-1] {
		if p.Done || p.VisitsDone > p.VisitsTotal || !(p.Loss > 0) || (i > 0 && p.VisitsDone < got[i-1].VisitsDone) {
			t.Fatalf("progress %d: %+v", i, p)
		}
	}
}

// TestSingleCodeVisits: a corpus whose minibatches have no multi-code visit
// has no code pairs; the reference's mean over zero pairs is NaN, ours is 0.
// Training must stay finite, and the visit objective alone must still train.
func TestSingleCodeVisits(t *testing.T) {
	seqs := [][][]int32{{{0}, {1}, {0}}, {{2}}, {{3}, {3}, {4}}, {{1}, {0}}}
	c := buildCorpus(5, seqs)
	b := &batch{}
	b.build(c, visitSequences(c), 0, c.NumVisits(), 1)
	if b.pairs != 0 {
		t.Fatalf("%d code pairs in single-code visits", b.pairs)
	}
	p := randomParams(5, 3, 4, 1, 0.5)
	g := newGradient(p, 2, 0.001)
	loss := g.compute(b)
	if math.IsNaN(loss) || math.IsInf(loss, 0) || loss <= 0 {
		t.Fatalf("loss %v", loss)
	}
	for k, blk := range g.grad.blocks() {
		for _, x := range blk {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				t.Fatalf("%s gradient holds %v", blockNames[k], x)
			}
		}
	}
	// A minibatch of a single one-code visit has neither pairs.
	b.build(c, visitSequences(c), 3, 4, 1)
	if loss := g.compute(b); math.IsNaN(loss) || len(b.pred) != 0 || b.pairs != 0 {
		t.Fatalf("lone visit: loss %v, %d predicting rows, %d pairs", loss, len(b.pred), b.pairs)
	}
	set, err := Train(context.Background(), c, smallConfig(1), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestLogSumExpLarge: scores of about 1e3 (grown non-negative embeddings)
// must not overflow the code-level softmax.
func TestLogSumExpLarge(t *testing.T) {
	for _, tc := range []struct {
		x    []float32
		want float64
	}{
		{[]float32{1000, 1000}, 1000 + math.Ln2},
		{[]float32{0, 0, 0, 0}, math.Log(4)},
		{[]float32{-1000, 0}, 0},
		{[]float32{3000, 1}, 3000},
	} {
		if got := softmax(slices.Clone(tc.x)); math.Abs(got-tc.want) > 1e-9*math.Max(1, tc.want) {
			t.Errorf("log-sum-exp of %v = %v, want %v", tc.x, got, tc.want)
		}
	}
	p := randomParams(7, 3, 5, 9, 0.5)
	for i := range p.Wc {
		p.Wc[i] = 20 + float32(i%3) // q·q ≈ 1e3
	}
	b, _, _ := toyBatch(1)
	if loss := newGradient(p, 1, 0).compute(b); math.IsNaN(loss) || math.IsInf(loss, 0) {
		t.Fatalf("loss %v with large scores", loss)
	}
}

// TestAdadelta checks one step against Adadelta's formula (package doc).
func TestAdadelta(t *testing.T) {
	theta, g := newParams(1, 1, 1), newParams(1, 1, 1)
	theta.Wc[0], g.Wc[0] = 0.5, 2
	a := newAdadelta(1, 1, 1, 0.95, 1e-6)
	a.eg2.Wc[0], a.edx2.Wc[0] = 0.1, 0.01
	eg2 := 0.95*0.1 + 0.05*4
	d := -math.Sqrt(0.01+1e-6) / math.Sqrt(eg2+1e-6) * 2
	edx2 := 0.95*0.01 + 0.05*d*d
	a.step(theta, g)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"theta", float64(theta.Wc[0]), 0.5 + d},
		{"Eg2", float64(a.eg2.Wc[0]), eg2},
		{"Edx2", float64(a.edx2.Wc[0]), edx2},
	} {
		if math.Abs(c.got-c.want) > 1e-6*math.Abs(c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if theta.bc[0] != 0 {
		t.Errorf("a zero gradient moved b_c to %v", theta.bc[0])
	}
}

func TestValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("DefaultConfig: %v", err)
	}
	bad := Config{CodeDim: 0, VisitDim: -1, BatchSize: 0, Epochs: 0, Window: 0, L2: math.NaN(),
		Rho: 1, Eps: 0, Workers: 0, Export: Export(7), ProgressInterval: -time.Second}
	err := bad.Validate()
	if !errors.Is(err, ErrBadConfig) {
		t.Fatalf("error %v, want ErrBadConfig", err)
	}
	for _, want := range []string{"code dimension", "visit dimension", "batch size", "epochs", "window",
		"L2", "rho", "epsilon", "workers", "export", "progress interval"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate does not report %q:\n%v", want, err)
		}
	}
	cfg := DefaultConfig()
	cfg.Window, cfg.BatchSize = 5, 5
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "smaller than the batch size") {
		t.Errorf("window >= batch size: %v", err)
	}
}

// TestOneVisitPerSequence: a corpus read from a sequence file (one visit
// per sequence, SeqVisits nil) trains exactly as the same corpus with
// SeqVisits spelled out.
func TestOneVisitPerSequence(t *testing.T) {
	seqs, V := plantedCorpus(5, 6, 200, 7)
	var flat [][][]int32 // every visit its own sequence
	for _, s := range seqs {
		for _, v := range s {
			flat = append(flat, [][]int32{v})
		}
	}
	spelled := buildCorpus(V, flat)
	implied := *spelled
	implied.SeqVisits, implied.Visits = nil, implied.Seqs
	a, err := Train(context.Background(), spelled, smallConfig(3), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(context.Background(), &implied, smallConfig(3), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Vectors, b.Vectors) {
		t.Fatal("SeqVisits nil trains differently from SeqVisits 0, 1, 2, ...")
	}
}

func TestBadCorpus(t *testing.T) {
	good := func() *corpus.Corpus { return buildCorpus(3, [][][]int32{{{0, 1}, {2}}}) }
	for _, tc := range []struct {
		name string
		c    func() *corpus.Corpus
		want error
	}{
		{"nil", func() *corpus.Corpus { return nil }, ErrEmptyCorpus},
		{"no visits", func() *corpus.Corpus { return buildCorpus(3, nil) }, ErrEmptyCorpus},
		{"token out of vocabulary", func() *corpus.Corpus { c := good(); c.Tokens.Set(1, 3); return c }, ErrBadCorpus},
		{"negative token", func() *corpus.Corpus {
			c := good()
			c.Tokens = corpus.WideTokens(c.Tokens.Int32s())
			c.Tokens.Set(0, -1)
			return c
		}, ErrBadCorpus},
		{"seq visits", func() *corpus.Corpus { c := good(); c.SeqVisits[1] = 1; return c }, ErrBadCorpus},
		{"no seq visits, two visits in a sequence", func() *corpus.Corpus { c := good(); c.SeqVisits = nil; return c }, ErrBadCorpus},
		{"visit offsets", func() *corpus.Corpus { c := good(); c.Visits[2] = 9; return c }, ErrBadCorpus},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Train(context.Background(), tc.c(), smallConfig(1), nil); !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
}

// TestBatchPairs pins the visit and code pairs of the toy batch.
func TestBatchPairs(t *testing.T) {
	b, _, _ := toyBatch(2)
	// Sequence lengths 4, 1, 3: offset 1 has 3+0+2 = 5 pairs, offset 2 has 2+0+1 = 3.
	if b.nk[1] != 5 || b.nk[2] != 3 {
		t.Fatalf("N_1 = %d, N_2 = %d, want 5 and 3", b.nk[1], b.nk[2])
	}
	// The one-visit sequence (row 4) predicts nothing.
	if slices.Contains(b.pred, 4) || len(b.pred) != 7 {
		t.Fatalf("predicting rows %v", b.pred)
	}
	// Visits {0,1,2}, {2,3}, {1,5,6} (5 de-duplicated), {3,0}, {0,2,4,6}, {5,1}:
	// 6 + 2 + 6 + 2 + 12 + 2 ordered pairs.
	if b.pairs != 30 {
		t.Fatalf("%d code pairs, want 30", b.pairs)
	}
}
