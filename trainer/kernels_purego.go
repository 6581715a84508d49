//go:build !amd64 || purego

package trainer

// The kernels the training loop calls on other architectures, and
// everywhere with -tags purego: the generic Go of kernels.go and
// kernels_rows.go. Each is its reference's (…Ref) computation.

// padSkipGramRows: no kernel here wants padded rows.
const padSkipGramRows = false

func dot(x, y []float32) float32 { return dotGeneric(x, y) }

func axpy(a float32, x, y []float32) { axpyGeneric(a, x, y) }

func axpy2(a float32, x, y, e []float32) { axpy2Generic(a, x, y, e) }

func dotBlock(dst, m []float32, idx []int32, rows []float32, n, nt int) {
	dotBlockGeneric(dst, m, idx, rows, n, nt)
}

func updateRows(x, g, rows, e []float32) { updateRowsGeneric(x, g, rows, e) }

func sumRows(dst, m []float32, idx []int32) { sumRowsGeneric(dst, m, idx) }

func addRows(m []float32, idx []int32, v []float32) { addRowsGeneric(m, idx, v) }

func writeBack(shared, cur, snap []float32) { writeBackRef(shared, cur, snap) }

func sgPair(x, e []float32, rows []*float32, alpha float32, loss *float64) {
	sgPairRef(x, e, rows, alpha, loss)
}
