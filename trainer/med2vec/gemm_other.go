//go:build !amd64

package med2vec

// gemmKernels lists the micro-kernels this CPU can run: none off amd64,
// where gemmer falls back to gonum's blas32.Gemm.
func gemmKernels() []*microKernel { return nil }
