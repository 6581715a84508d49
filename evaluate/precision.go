package evaluate

import "context"

// PrecisionAtN returns the mean, over the n points of dimension dim in x,
// of the share of each point's N nearest other points by cosine similarity
// that carry the same label. Ties in similarity go to the lower row, so the
// result is deterministic. Rows of norm zero have cosine 0 with everything.
// Points are split over workers (<= 0: GOMAXPROCS); cost O(n^2 dim).
// It needs 1 <= N <= n-1.
func PrecisionAtN(ctx context.Context, x []float32, n, dim int, labels []int, N, workers int) (float64, error) {
	if err := checkPoints("precision@N", x, n, dim, labels); err != nil {
		return 0, err
	}
	if err := checkPAtN(n, N); err != nil {
		return 0, err
	}
	_, p, err := geometry(ctx, x, n, dim, labels, false, N, workers)
	return p, err
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
