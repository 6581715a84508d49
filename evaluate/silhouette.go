package evaluate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
)

// Silhouette returns the mean silhouette coefficient of the n points of
// dimension dim in x (row-major) under labels, with Euclidean distance, as
// scikit-learn's silhouette_score: for each point,
// s = (b - a) / max(a, b), where a is its mean distance to the other points
// of its label and b the least mean distance to the points of another
// label; points alone in their label score 0. Labels may be any ints. It
// needs 2 <= number of labels <= n-1 and returns an error wrapping
// ErrTooFewPoints otherwise.
//
// Distances come from the Gram matrix, d = sqrt(||x||^2 + ||y||^2 - 2x·y),
// computed in float32 row blocks (blas32.Gemm) and summed per label in
// float64; rows are split over workers (<= 0: GOMAXPROCS). Cost O(n^2 dim).
func Silhouette(ctx context.Context, x []float32, n, dim int, labels []int, workers int) (float64, error) {
	if dim < 1 || len(x) != n*dim || len(labels) != n {
		return 0, fmt.Errorf("evaluate: silhouette: %d floats and %d labels for %d points of dimension %d", len(x), len(labels), n, dim)
	}
	d := relabel(labels)
	if d.k < 2 || d.k > n-1 {
		return 0, fmt.Errorf("evaluate: silhouette: %d distinct labels for %d points; need 2 to n-1: %w", d.k, n, ErrTooFewPoints)
	}
	size := make([]int, d.k)
	for _, l := range d.ids {
		size[l]++
	}
	xn := sqNorms(x, n, dim)
	s := make([]float64, n)
	pool := sync.Pool{New: func() any {
		return &silScratch{gram: make([]float32, gramChunk*n), sums: make([]float64, d.k)}
	}}
	err := forChunks(ctx, n, gramChunk, workers, func(_, lo, hi int) {
		sc := pool.Get().(*silScratch)
		defer pool.Put(sc)
		gramRows(x, n, dim, lo, hi, sc.gram)
		for i := lo; i < hi; i++ {
			li := d.ids[i]
			if size[li] == 1 {
				s[i] = 0
				continue
			}
			clear(sc.sums)
			g := sc.gram[(i-lo)*n : (i-lo+1)*n]
			xi := xn[i]
			for j, p := range g {
				if j == i {
					continue
				}
				sc.sums[d.ids[j]] += math.Sqrt(float64(max(0, xi+xn[j]-2*p)))
			}
			a := sc.sums[li] / float64(size[li]-1)
			b := math.Inf(1)
			for l, sum := range sc.sums {
				if l != li {
					b = min(b, sum/float64(size[l]))
				}
			}
			if m := max(a, b); m > 0 {
				s[i] = (b - a) / m
			}
		}
	})
	if err != nil {
		return 0, err
	}
	var total float64
	for _, v := range s {
		total += v
	}
	return total / float64(n), nil
}

type silScratch struct {
	gram []float32
	sums []float64
}

// SilhouetteSample returns the silhouette of a random sample of size points
// (drawn without replacement with the given seed), as scikit-learn's
// silhouette_score(sample_size=...): the score of the sub-problem, costing
// O(size^2 dim). A size of 0 or >= n scores all points.
func SilhouetteSample(ctx context.Context, x []float32, n, dim int, labels []int, size int, seed uint64, workers int) (float64, error) {
	if size <= 0 || size >= n {
		return Silhouette(ctx, x, n, dim, labels, workers)
	}
	if dim < 1 || len(x) != n*dim || len(labels) != n {
		return 0, fmt.Errorf("evaluate: silhouette: %d floats and %d labels for %d points of dimension %d", len(x), len(labels), n, dim)
	}
	rng := rand.New(rand.NewPCG(seed, 0x73696c)) // "sil"
	perm := rng.Perm(n)[:size]
	xs := make([]float32, 0, size*dim)
	ls := make([]int, size)
	for k, i := range perm {
		xs = append(xs, x[i*dim:(i+1)*dim]...)
		ls[k] = labels[i]
	}
	return Silhouette(ctx, xs, size, dim, ls, workers)
}
