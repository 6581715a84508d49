package evaluate

import (
	"context"
	"math"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// nearest returns, for each of the given rows of the unit vectors u (n rows
// of dimension dim), the indices of its N most cosine-similar rows among
// the candidates (cand[j] true), itself excluded, best first, ties to the
// lower index:
//
//	for each r in rows:
//		out[r] = the N candidates j != r with the largest u_r · u_j
//
// A row with fewer than N other candidates gets them all. The similarities
// of one chunk of rows are one matrix product (blas32.Gemm), chunks are
// split over workers (<= 0: GOMAXPROCS); the result does not depend on the
// number of workers.
func nearest(ctx context.Context, u []float32, n, dim int, rows []int, cand []bool, N, workers int) ([][]int, error) {
	out := make([][]int, len(rows))
	if len(rows) == 0 || N <= 0 {
		return out, ctx.Err()
	}
	pool := sync.Pool{New: func() any {
		return &nearScratch{gather: make([]float32, gramChunk*dim), sims: make([]float32, gramChunk*n)}
	}}
	err := forChunks(ctx, len(rows), gramChunk, workers, func(_, lo, hi int) {
		sc := pool.Get().(*nearScratch)
		defer pool.Put(sc)
		m := hi - lo
		for k, r := range rows[lo:hi] {
			copy(sc.gather[k*dim:(k+1)*dim], u[r*dim:(r+1)*dim])
		}
		blas32.Gemm(blas.NoTrans, blas.Trans, 1,
			blas32.General{Rows: m, Cols: dim, Stride: dim, Data: sc.gather[:m*dim]},
			blas32.General{Rows: n, Cols: dim, Stride: dim, Data: u},
			0, blas32.General{Rows: m, Cols: n, Stride: n, Data: sc.sims[:m*n]})
		for k, r := range rows[lo:hi] {
			g := sc.sims[k*n : (k+1)*n]
			for j := range g {
				if cand != nil && !cand[j] {
					g[j] = float32(math.Inf(-1))
				}
			}
			avail := 0
			for j := range g {
				if j != r && (cand == nil || cand[j]) {
					avail++
				}
			}
			if want := min(N, avail); want > 0 {
				out[lo+k] = topN(g, r, want, make([]int, 0, want))
			}
		}
	})
	return out, err
}

type nearScratch struct {
	gather, sims []float32
}
