package med2vec

import "golang.org/x/sys/cpu"

// sgemmKernel6x16AVX2 is the 6 x 16 micro-kernel (microKernel.fn) with
// 8-lane fused multiply-adds: 12 YMM accumulators (gemm_amd64.s).
//
//go:noescape
func sgemmKernel6x16AVX2(kc int, a, b, c *float32, ldc int)

// sgemmKernel6x32AVX512 is the 6 x 32 micro-kernel with 16-lane fused
// multiply-adds: 12 ZMM accumulators (gemm_amd64.s).
//
//go:noescape
func sgemmKernel6x32AVX512(kc int, a, b, c *float32, ldc int)

var (
	kernelAVX2   = &microKernel{name: "avx2", mr: 6, nr: 16, fn: sgemmKernel6x16AVX2}
	kernelAVX512 = &microKernel{name: "avx512", mr: 6, nr: 32, fn: sgemmKernel6x32AVX512}
)

// gemmKernels lists the micro-kernels this CPU can run, best first.
func gemmKernels() []*microKernel {
	var ks []*microKernel
	if cpu.X86.HasAVX512F {
		ks = append(ks, kernelAVX512)
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, kernelAVX2)
	}
	return ks
}
