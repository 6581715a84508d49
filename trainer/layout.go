package trainer

import "unsafe"

// Memory layout of the model matrices and the workers' scratch.
//
// In and Out are flat row-major []float32 matrices, one row per
// vocabulary entry, rows stride floats apart. The stride is the dimension,
// except on the AVX-512 Skip-Gram path (padSkipGramRows), whose rows are
// padded with zeros to whole 16-lane chunks: every kernel then reads and
// writes a row in whole chunks, never under a lane mask, so a load finds
// the store before it in the store buffer instead of waiting for it to
// reach the cache. The padding stays zero (every update adds g·0 to it)
// and is dropped when the vectors are returned (packRows). It does not
// change the model, only the grouping of the dot products' float32 sums.
//
// Every buffer a worker writes for every pair starts on a cache line of
// its own (isolated), so two workers never write the same line
// (false sharing), and rows start on 64-byte boundaries, as the kernels
// want.

// alignFloats is the number of 4-byte elements in the alignment the
// kernels want for a row: one 64-byte cache line, one 16-lane chunk.
const alignFloats = 16

// rowStride is the row stride of a run's matrices: dim, or dim rounded up
// to whole 16-lane chunks for Skip-Gram on the AVX-512 path.
func rowStride(cfg Config) int {
	if padSkipGramRows && cfg.Model == SkipGram {
		return (cfg.Dim + alignFloats - 1) &^ (alignFloats - 1)
	}
	return cfg.Dim
}

// packRows moves the n rows of m (dim weights every stride) together,
// in place, and returns them as one n × dim block.
func packRows(m []float32, n, dim, stride int) []float32 {
	if stride != dim {
		for r := 1; r < n; r++ {
			copy(m[r*dim:r*dim+dim], m[r*stride:r*stride+dim])
		}
	}
	return m[: n*dim : n*dim]
}

// cacheLinePad separates data written by one goroutine from data another
// uses (64-byte lines; two, as adjacent-line prefetchers fetch pairs).
type cacheLinePad [128]byte

// isolated returns a slice of n zero elements (length and capacity n) that
// shares no cache line with any other allocation: padding of
// cacheLinePad's size on both sides. A worker's scratch buffers are small
// and allocated one after another for all workers, so without it the end
// of one worker's buffer and the start of the next worker's would share a
// line that both write for every pair. The slice starts on a 64-byte
// boundary, which the kernels want for rows: the model matrices come from
// it too.
func isolated[T int32 | float32 | *float32](n int) []T {
	size := int(unsafe.Sizeof(*new(T)))
	pad := int(unsafe.Sizeof(cacheLinePad{})) / size
	b := make([]T, pad+n+pad+64/size)
	o := pad + alignOffset(unsafe.Pointer(&b[pad]), size)
	return b[o : o+n : o+n]
}

// alignOffset is the number of elements of size bytes from p to the next
// 64-byte boundary (0 when p is on one); p must be size-aligned and size
// must divide 64.
func alignOffset(p unsafe.Pointer, size int) int {
	return int(-uintptr(p)&63) / size
}
