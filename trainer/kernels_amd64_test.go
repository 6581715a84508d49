package trainer

import (
	"context"
	"testing"
)

// BenchmarkKernelPaths is the paired end-to-end benchmark behind the kernel
// choice: the same SG dimension-100 training with the AVX2+FMA kernels and
// with the gonum/unrolled ones, in one process, so machine load hits both.
func BenchmarkKernelPaths(b *testing.B) {
	if !hasAVX2FMA {
		b.Skip("CPU lacks AVX2+FMA")
	}
	c := zipfCorpus(8, 5400, 3000)
	cfg := DefaultConfig(SkipGram)
	cfg.Window, cfg.Epochs, cfg.Workers = 100, 1, 1
	for _, avx := range []bool{true, false} {
		name := "gonum"
		if avx {
			name = "avx2"
		}
		b.Run(name, func(b *testing.B) {
			hasAVX2FMA = avx
			defer func() { hasAVX2FMA = true }()
			var tokens int64
			for b.Loop() {
				if _, err := Train(context.Background(), c, cfg, nil); err != nil {
					b.Fatal(err)
				}
				tokens += int64(c.Tokens.Len())
			}
			b.ReportMetric(float64(tokens)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}

// setAVX512 switches the multi-row kernels between assembly and the
// portable loops (tests and paired benchmarks only).
func setAVX512(use bool) { hasAVX512 = use }

// kernelPaths lists the kernel paths this CPU can run, fastest first.
func kernelPaths() []string {
	var p []string
	if hasAVX512 {
		p = append(p, "avx512")
	}
	if hasAVX2FMA {
		p = append(p, "avx2")
	}
	return append(p, "generic")
}

// setKernelPath makes the kernels run the named path (one kernelPaths
// returns) and returns a function restoring the detected one.
func setKernelPath(path string) (restore func()) {
	avx512, avx2 := hasAVX512, hasAVX2FMA
	hasAVX512 = avx512 && path == "avx512"
	hasAVX2FMA = avx2 && (path == "avx512" || path == "avx2")
	return func() { hasAVX512, hasAVX2FMA = avx512, avx2 }
}
