package trainer

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/hiervec/hiervec/corpus"
)

// benchCorpus is the throughput corpus: a Zipf vocabulary of 5,400
// codes, 20,000 sequences with heavy-tailed lengths (median 8, mean ≈ 14,
// max 300).
var benchCorpus = sync.OnceValue(func() *corpus.Corpus { return zipfCorpus(6, 5400, 20000) })

func TestBenchCorpusShape(t *testing.T) {
	c := benchCorpus()
	lens := make([]int, c.NumSeqs())
	for i := range lens {
		lens[i] = c.Seq(i).Len()
	}
	sort.Ints(lens)
	mean := float64(c.Tokens.Len()) / float64(len(lens))
	med, top := lens[len(lens)/2], lens[len(lens)-1]
	if med < 7 || med > 9 || mean < 12 || mean > 16 || top != 300 {
		t.Errorf("bench corpus: median %d, mean %.1f, max %d; want about 8, 14, 300", med, mean, top)
	}
}

func benchTrain(b *testing.B, m Model, dim int) { benchTrainPath(b, m, dim, false) }

// benchTrainPath is benchTrain with or without shared negatives (the
// existing benchmarks stay on the per-pair reference).
func benchTrainPath(b *testing.B, m Model, dim int, shared bool) {
	c := benchCorpus()
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			cfg := DefaultConfig(m)
			cfg.Dim, cfg.Window, cfg.Epochs, cfg.Workers = dim, 100, 1, workers
			cfg.SharedNegatives = shared
			b.ReportAllocs()
			var tokens, pairs int64
			var last Progress
			cpu0 := processCPU()
			for b.Loop() {
				_, err := Train(context.Background(), c, cfg, func(p Progress) {
					if p.Done {
						last = p
					}
				})
				if err != nil {
					b.Fatal(err)
				}
				tokens += last.TokensDone
				pairs += last.Pairs
			}
			cpu := processCPU() - cpu0
			s := b.Elapsed().Seconds()
			b.ReportMetric(float64(tokens)/s, "tokens/s")
			b.ReportMetric(float64(pairs)/s, "pairs/s")
			if cpu > 0 && pairs > 0 {
				// CPU time per pair over all workers: the work, without the
				// waiting a shared machine adds to wall time.
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(pairs), "cpu-ns/pair")
			}
		})
	}
}

func BenchmarkTrainSGDim10(b *testing.B)    { benchTrain(b, SkipGram, 10) }
func BenchmarkTrainSGDim50(b *testing.B)    { benchTrain(b, SkipGram, 50) }
func BenchmarkTrainSGDim100(b *testing.B)   { benchTrain(b, SkipGram, 100) }
func BenchmarkTrainCBOWDim10(b *testing.B)  { benchTrain(b, CBOW, 10) }
func BenchmarkTrainCBOWDim50(b *testing.B)  { benchTrain(b, CBOW, 50) }
func BenchmarkTrainCBOWDim100(b *testing.B) { benchTrain(b, CBOW, 100) }

func BenchmarkTrainSGSharedDim10(b *testing.B)  { benchTrainPath(b, SkipGram, 10, true) }
func BenchmarkTrainSGSharedDim50(b *testing.B)  { benchTrainPath(b, SkipGram, 50, true) }
func BenchmarkTrainSGSharedDim100(b *testing.B) { benchTrainPath(b, SkipGram, 100, true) }
