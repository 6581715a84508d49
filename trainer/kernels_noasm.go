//go:build !amd64

package trainer

const hasAVX2FMA = false

func dotAVX2(x, y []float32) float32     { panic("trainer: no AVX2 kernels on this architecture") }
func axpyAVX2(a float32, x, y []float32) { panic("trainer: no AVX2 kernels on this architecture") }
