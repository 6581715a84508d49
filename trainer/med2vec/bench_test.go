package med2vec

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hiervec/hiervec/corpus"
)

// Paper-scale synthetic corpus: Finch et al. had about 600,000 patient-years
// and ICD-10-CM codes; the benchmark corpus is a tenth of that, over a
// vocabulary of 5,400 codes.
const (
	benchSeqs  = 60000
	benchVocab = 5400
	paperSeqs  = 600000
)

// zipfCorpus draws seqs sequences of 1-10 visits, each visit 1-6 distinct
// codes drawn from a Zipf law (s = 1.1) over vocab codes.
func zipfCorpus(seqs, vocab int, seed uint64) *corpus.Corpus {
	rng := rand.New(rand.NewPCG(seed, 3))
	z := rand.NewZipf(rng, 1.1, 1, uint64(vocab-1))
	var out [][][]int32
	for range seqs {
		nv := 1 + rng.IntN(10)
		s := make([][]int32, nv)
		for v := range s {
			nc := 1 + rng.IntN(6)
			for len(s[v]) < nc {
				c := int32(z.Uint64())
				dup := false
				for _, x := range s[v] {
					dup = dup || x == c
				}
				if !dup {
					s[v] = append(s[v], c)
				}
			}
		}
		out = append(out, s)
	}
	return buildCorpus(vocab, out)
}

// BenchmarkMinibatch times one training step (batch build, gradient,
// Adadelta) at the reference's defaults (dims 200, batch 1000, window 1)
// on the 60,000-sequence Zipf corpus, cycling through its minibatches in a
// shuffled order, and projects the time of one epoch at that size and at
// the paper's 600,000 patient-years (same visits per sequence).
func BenchmarkMinibatch(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run("workers"+itoa(workers), func(b *testing.B) {
			c := zipfCorpus(benchSeqs, benchVocab, 1)
			cfg := DefaultConfig()
			cfg.Workers = workers
			C, nv := c.Vocab.Len(), c.NumVisits()
			p := newParams(C, cfg.CodeDim, cfg.VisitDim)
			rng := rand.New(rand.NewPCG(1, 0))
			p.initUniform(rng)
			opt := newAdadelta(C, cfg.CodeDim, cfg.VisitDim, cfg.Rho, cfg.Eps)
			g := newGradient(p, cfg.Workers, cfg.L2)
			visitSeq := visitSequences(c)
			bt := &batch{}
			nb := (nv + cfg.BatchSize - 1) / cfg.BatchSize
			order := rng.Perm(nb)
			var visits, srcs int64
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for i := range b.N {
				bi := order[i%nb]
				lo, hi := bi*cfg.BatchSize, min((bi+1)*cfg.BatchSize, nv)
				bt.build(c, visitSeq, lo, hi, cfg.Window)
				g.compute(bt)
				opt.step(p, g.grad)
				visits += int64(hi - lo)
				srcs += int64(len(bt.src))
			}
			el := time.Since(start).Seconds()
			rate := float64(visits) / el
			b.ReportMetric(rate, "visits/s")
			b.ReportMetric(float64(srcs)/float64(b.N), "srccodes/batch")
			b.ReportMetric(float64(nv)/rate, "s/epoch-60k")
			b.ReportMetric(float64(nv)/rate*paperSeqs/benchSeqs, "s/epoch-600k")
		})
	}
}

// BenchmarkEpoch runs Train for one full epoch on the 60,000-sequence
// corpus. It takes minutes on a small machine; run it explicitly
// (-bench=Epoch -benchtime=1x).
func BenchmarkEpoch(b *testing.B) {
	c := zipfCorpus(benchSeqs, benchVocab, 1)
	cfg := DefaultConfig()
	cfg.Epochs = 1
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := Train(context.Background(), c, cfg, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(c.NumVisits())*float64(b.N)/b.Elapsed().Seconds(), "visits/s")
}
