package evaluate

import (
	"context"
	"fmt"
	"math"
	"sync"
)

// geometry computes, in one pass over the Gram matrix, the mean silhouette
// of labels (when sil) and the mean precision@N of labels by cosine
// similarity (when N > 0); see Silhouette and PrecisionAtN. Both need every
// inner product x_i·x_j, so sharing the pass halves the O(n^2 dim) work when
// both are wanted. The caller has validated the arguments.
//
// From one Gram entry g = x_i·x_j and the squared norms:
//
//	Euclidean distance  sqrt(max(0, ||x_i||^2 + ||x_j||^2 - 2g))
//	cosine similarity   g / (||x_i|| ||x_j||)   (0 when a norm is 0)
func geometry(ctx context.Context, x []float32, n, dim int, labels []int, sil bool, N, workers int) (silhouette, precision float64, err error) {
	d := relabel(labels)
	size := make([]int, d.k)
	for _, l := range d.ids {
		size[l]++
	}
	xn := sqNorms(x, n, dim)
	inv := make([]float32, n) // 1/||x_i||, 0 for a zero row
	for i, v := range xn {
		if v > 0 {
			inv[i] = float32(1 / math.Sqrt(float64(v)))
		}
	}
	s := make([]float64, n)
	prec := make([]float64, n)
	pool := sync.Pool{New: func() any {
		return &geoScratch{gram: make([]float32, gramChunk*n), cos: make([]float32, n), sums: make([]float64, d.k), top: make([]int, 0, N)}
	}}
	err = forChunks(ctx, n, gramChunk, workers, func(_, lo, hi int) {
		sc := pool.Get().(*geoScratch)
		defer pool.Put(sc)
		gramRows(x, n, dim, lo, hi, sc.gram)
		for i := lo; i < hi; i++ {
			g := sc.gram[(i-lo)*n : (i-lo+1)*n]
			if sil {
				s[i] = silhouetteOf(i, g, xn, d.ids, size, sc.sums)
			}
			if N > 0 {
				ii := inv[i]
				for j, p := range g {
					sc.cos[j] = p * ii * inv[j]
				}
				same := 0
				for _, j := range topN(sc.cos, i, N, sc.top[:0]) {
					if d.ids[j] == d.ids[i] {
						same++
					}
				}
				prec[i] = float64(same) / float64(N)
			}
		}
	})
	if err != nil {
		return 0, 0, err
	}
	var ts, tp float64
	for i := range n {
		ts += s[i]
		tp += prec[i]
	}
	return ts / float64(n), tp / float64(n), nil
}

type geoScratch struct {
	gram, cos []float32
	sums      []float64
	top       []int
}

// silhouetteOf returns s(i) from row i of the Gram matrix; sums is scratch
// of one float64 per label.
func silhouetteOf(i int, g, xn []float32, ids, size []int, sums []float64) float64 {
	li := ids[i]
	if size[li] == 1 {
		return 0
	}
	clear(sums)
	xi := xn[i]
	for j, p := range g {
		if j != i {
			sums[ids[j]] += math.Sqrt(float64(max(0, xi+xn[j]-2*p)))
		}
	}
	a := sums[li] / float64(size[li]-1)
	b := math.Inf(1)
	for l, sum := range sums {
		if l != li {
			b = min(b, sum/float64(size[l]))
		}
	}
	if m := max(a, b); m > 0 {
		return (b - a) / m
	}
	return 0
}

// checkPoints validates the shape of a points-and-labels argument.
func checkPoints(what string, x []float32, n, dim int, labels []int) error {
	if n < 0 || dim < 1 || len(x) != n*dim || len(labels) != n {
		return fmt.Errorf("evaluate: %s: %d floats and %d labels for %d points of dimension %d", what, len(x), len(labels), n, dim)
	}
	return nil
}

// checkSilhouette reports whether the labels allow a silhouette.
func checkSilhouette(n int, labels []int) error {
	if k := relabel(labels).k; k < 2 || k > n-1 {
		return fmt.Errorf("evaluate: silhouette: %d distinct labels for %d points; need 2 to n-1: %w", k, n, ErrTooFewPoints)
	}
	return nil
}

// checkPAtN reports whether N fits n points.
func checkPAtN(n, N int) error {
	if N < 1 || N > n-1 {
		return fmt.Errorf("evaluate: precision@N: N = %d for %d points; need 1 <= N <= n-1: %w", N, n, ErrTooFewPoints)
	}
	return nil
}
