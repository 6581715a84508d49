package trainer

import (
	"context"
	"fmt"
	"testing"
)

// benchComposition gives each word of the throughput corpus three units,
// as -compose icd3,ccsr,chapter gives a code: word w's groups of 10, of 50
// and of 500 consecutive ids (the Zipf vocabulary's ids are in order of
// frequency, so a frequent word's units are frequent too).
func benchComposition(vocab int) *Composition {
	g1, g2 := (vocab+9)/10, (vocab+49)/50
	return testComposition(ComposeMean, vocab, g1+g2+(vocab+499)/500, func(w int) []int32 {
		return []int32{int32(w / 10), int32(g1 + w/50), int32(g1 + g2 + w/500)}
	})
}

// benchTrainComposed is benchTrain for a composed run (compose_seq.go) of
// the throughput corpus with benchComposition; BenchmarkTrainSGDim100 and
// BenchmarkTrainCBOWDim100 are its plain counterparts.
func benchTrainComposed(b *testing.B, m Model, dim int) {
	c := benchCorpus()
	comp := benchComposition(c.Vocab.Len())
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			cfg := DefaultConfig(m)
			cfg.Dim, cfg.Window, cfg.Epochs, cfg.Workers = dim, 100, 1, workers
			b.ReportAllocs()
			var pairs int64
			var last Progress
			cpu0 := processCPU()
			for b.Loop() {
				_, err := TrainComposed(context.Background(), c, cfg, comp, func(p Progress) {
					if p.Done {
						last = p
					}
				})
				if err != nil {
					b.Fatal(err)
				}
				pairs += last.Pairs
			}
			cpu := processCPU() - cpu0
			b.ReportMetric(float64(pairs)/b.Elapsed().Seconds(), "pairs/s")
			if cpu > 0 && pairs > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(pairs), "cpu-ns/pair")
			}
		})
	}
}

func BenchmarkTrainComposedSGDim100(b *testing.B)   { benchTrainComposed(b, SkipGram, 100) }
func BenchmarkTrainComposedCBOWDim100(b *testing.B) { benchTrainComposed(b, CBOW, 100) }
