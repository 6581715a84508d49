package trainer

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// repeatCorpus has sequences of 8 to 60 tokens over a small vocabulary, so
// words repeat within a sequence (the case the lazy updates must count).
func repeatCorpus(seed uint64, vocab, nseq int) [][]int32 {
	r := rand.New(rand.NewPCG(seed, 5))
	seqs := make([][]int32, nseq)
	for i := range seqs {
		s := make([]int32, 8+r.IntN(53))
		for j := range s {
			s[j] = int32(r.IntN(vocab))
		}
		seqs[i] = s
	}
	return seqs
}

// TestCBOWWholeMatchesDirect trains the same corpus and seed with
// whole-sequence centres (cbow_whole.go) and without: the random draws are
// the same, so the vectors may differ only by float32 rounding. The corpus
// has no subsampling and window 100, so most centres see their whole
// sequence, and words repeat within sequences. The run is short: SGD
// amplifies rounding differences as it goes (0.03% of the largest weight
// after 300 sequences), while a wrong update shows at once.
func TestCBOWWholeMatchesDirect(t *testing.T) {
	c := newTestCorpus(40, repeatCorpus(1, 40, 10))
	for _, dim := range []int{16, 100} {
		cfg := testConfig(CBOW)
		cfg.Dim, cfg.Window, cfg.Subsample, cfg.Epochs, cfg.Seed = dim, 100, 0, 1, 3
		direct := defaultTuning()
		direct.localRows = false
		ref, err := train(context.Background(), c, cfg, direct, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Train(context.Background(), c, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Equal(got.Vectors, ref.Vectors) {
			t.Fatalf("dim %d: bit-identical vectors: the whole-sequence path did not run", dim)
		}
		var maxDiff, maxAbs float64
		for i, x := range ref.Vectors {
			maxDiff = max(maxDiff, math.Abs(float64(got.Vectors[i]-x)))
			maxAbs = max(maxAbs, math.Abs(float64(x)))
		}
		t.Logf("dim %d: largest difference %.3g, largest weight %.3g", dim, maxDiff, maxAbs)
		if maxDiff > 1e-5*maxAbs {
			t.Errorf("dim %d: vectors differ by up to %.3g (largest weight %.3g): more than rounding", dim, maxDiff, maxAbs)
		}
	}
}

// TestCBOWLocalWithPartialStaging: with only some words staged, a long
// sequence's local rows come from (and go back to) the worker's copy for
// staged words and the shared In for the others. One worker with staging
// forced on must match the unstaged run up to rounding (the short
// sequences' hot/cold split sums in another order).
func TestCBOWLocalWithPartialStaging(t *testing.T) {
	seqs := append(repeatCorpus(2, 40, 10), []int32{1, 2}, []int32{3, 1, 4}) // short ones too
	c := newTestCorpus(40, seqs)
	cfg := testConfig(CBOW)
	cfg.Window, cfg.Subsample, cfg.Epochs, cfg.Seed = 100, 0, 1, 5
	ref, err := Train(context.Background(), c, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	tune := defaultTuning()
	tune.stageMinWorkers, tune.minSyncTokens = 1, 64
	tune.stageBytes = stagedRowsBytes(10, cfg) // 10 of the 40 words staged
	got, err := train(context.Background(), c, cfg, tune, nil)
	if err != nil {
		t.Fatal(err)
	}
	var maxDiff, maxAbs float64
	for i, x := range ref.Vectors {
		maxDiff = max(maxDiff, math.Abs(float64(got.Vectors[i]-x)))
		maxAbs = max(maxAbs, math.Abs(float64(x)))
	}
	t.Logf("largest difference %.3g, largest weight %.3g", maxDiff, maxAbs)
	if maxDiff > 1e-5*maxAbs {
		t.Errorf("partially staged run differs by up to %.3g (largest weight %.3g): more than rounding", maxDiff, maxAbs)
	}
}
