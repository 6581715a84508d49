//go:build !amd64

package trainer

const hasAVX2FMA = false

func dotAVX2(x, y []float32) float32     { panic("trainer: no AVX2 kernels on this architecture") }
func axpyAVX2(a float32, x, y []float32) { panic("trainer: no AVX2 kernels on this architecture") }

const hasAVX512 = false

const noAVX512 = "trainer: no AVX-512 kernels on this architecture"

func dotBlockAVX512(dst, m []float32, idx []int32, rows []float32, n, nt int) { panic(noAVX512) }
func sumRowsAVX512(dst, m []float32, idx []int32)                             { panic(noAVX512) }
func addRowsAVX512(m []float32, idx []int32, v []float32)                     { panic(noAVX512) }
func axpy2AVX512(a float32, x, y, e []float32)                                { panic(noAVX512) }
func updateRowsAVX512(x, g, rows []float32)                                   { panic(noAVX512) }
func writeBackAVX512(shared, cur, snap []float32)                             { panic(noAVX512) }

func sgPairAVX512(x, e []float32, rows []*float32, alpha float32, loss *float64) {
	panic(noAVX512)
}

func sgPairRegAVX512(x, e []float32, rows []*float32, alpha float32, loss *float64) {
	panic(noAVX512)
}
