package evaluate

import (
	"context"
	"fmt"
	"sync"
)

// PrecisionAtN returns the mean, over the n points of dimension dim in x,
// of the share of each point's N nearest other points by cosine similarity
// that carry the same label. Ties in similarity go to the lower row, so the
// result is deterministic. Rows of norm zero have cosine 0 with everything.
// Points are split over workers (<= 0: GOMAXPROCS); cost O(n^2 dim).
// It needs 1 <= N <= n-1.
func PrecisionAtN(ctx context.Context, x []float32, n, dim int, labels []int, N, workers int) (float64, error) {
	if dim < 1 || len(x) != n*dim || len(labels) != n {
		return 0, fmt.Errorf("evaluate: precision@N: %d floats and %d labels for %d points of dimension %d", len(x), len(labels), n, dim)
	}
	if N < 1 || N > n-1 {
		return 0, fmt.Errorf("evaluate: precision@N: N = %d for %d points; need 1 <= N <= n-1: %w", N, n, ErrTooFewPoints)
	}
	xu := normalizeRows(x, n, dim)
	prec := make([]float64, n)
	pool := sync.Pool{New: func() any {
		return &patnScratch{gram: make([]float32, gramChunk*n), top: make([]int, 0, N)}
	}}
	err := forChunks(ctx, n, gramChunk, workers, func(_, lo, hi int) {
		sc := pool.Get().(*patnScratch)
		defer pool.Put(sc)
		gramRows(xu, n, dim, lo, hi, sc.gram)
		for i := lo; i < hi; i++ {
			g := sc.gram[(i-lo)*n : (i-lo+1)*n]
			top := topN(g, i, N, sc.top[:0])
			same := 0
			for _, j := range top {
				if labels[j] == labels[i] {
					same++
				}
			}
			prec[i] = float64(same) / float64(N)
		}
	})
	if err != nil {
		return 0, err
	}
	var total float64
	for _, p := range prec {
		total += p
	}
	return total / float64(n), nil
}

type patnScratch struct {
	gram []float32
	top  []int
}

// topN returns the indices of the N largest values of g other than g[skip],
// best first, ties to the lower index, kept by insertion into top (which
// must have capacity N).
func topN(g []float32, skip, N int, top []int) []int {
	for j, v := range g {
		if j == skip {
			continue
		}
		if len(top) == N && v <= g[top[N-1]] {
			// Not better than the worst kept (equal loses: higher index).
			continue
		}
		if len(top) < N {
			top = append(top, j)
		} else {
			top[N-1] = j
		}
		// Bubble the new entry up while it beats its predecessor.
		for k := len(top) - 1; k > 0 && g[top[k]] > g[top[k-1]]; k-- {
			top[k], top[k-1] = top[k-1], top[k]
		}
	}
	return top
}
