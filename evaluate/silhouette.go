package evaluate

import (
	"context"
	"math/rand/v2"
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
	if err := checkPoints("silhouette", x, n, dim, labels); err != nil {
		return 0, err
	}
	if err := checkSilhouette(n, labels); err != nil {
		return 0, err
	}
	s, _, err := geometry(ctx, x, n, dim, labels, true, 0, workers)
	return s, err
}

// SilhouetteSample returns the silhouette of a random sample of size points
// (drawn without replacement with the given seed), as scikit-learn's
// silhouette_score(sample_size=...): the score of the sub-problem, costing
// O(size^2 dim). A size of 0 or >= n scores all points.
func SilhouetteSample(ctx context.Context, x []float32, n, dim int, labels []int, size int, seed uint64, workers int) (float64, error) {
	if size <= 0 || size >= n {
		return Silhouette(ctx, x, n, dim, labels, workers)
	}
	if err := checkPoints("silhouette", x, n, dim, labels); err != nil {
		return 0, err
	}
	xs, ls := sample(x, dim, labels, size, seed)
	return Silhouette(ctx, xs, size, dim, ls, workers)
}

// sample returns size rows of x and their labels, drawn without
// replacement with the given seed.
func sample(x []float32, dim int, labels []int, size int, seed uint64) ([]float32, []int) {
	rng := rand.New(rand.NewPCG(seed, 0x73696c)) // "sil"
	perm := rng.Perm(len(labels))[:size]
	xs := make([]float32, 0, size*dim)
	ls := make([]int, size)
	for k, i := range perm {
		xs = append(xs, x[i*dim:(i+1)*dim]...)
		ls[k] = labels[i]
	}
	return xs, ls
}
