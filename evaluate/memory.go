package evaluate

import (
	"math"
	"runtime"
	"runtime/debug"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

// Bound returns an upper bound, in bytes, on what Score allocates for a
// set of dimension dim, freed or not: the kept patient-years' vectors
// (4 x dim bytes each) and, per outcome, the row lists, the test scores,
// the bootstrap's work space and the classifier's. It grows with Kept,
// which Config.MaxPatientYears caps, never with the corpus.
func (d *Downstream) Bound(dim int) int64 {
	n, D := int64(d.Kept), int64(dim)
	b := 4*int64(d.kept.Vocab.Len()) + n*(4*D+1) + 8*D // PatientYearVectors
	for k := range d.Names {
		var nTest int64
		for _, in := range d.train[k] {
			if !in {
				nTest++
			}
		}
		// Row lists and outcomes of both parts (9 bytes a row); per test
		// row its score, the AUC's sort order and the bootstrap's order,
		// counts and resample (40 bytes); the resamples' AUCs.
		b += 9*n + 40*nTest + 8*int64(d.Config.Bootstrap) + logisticBytes(dim) + 4<<10
	}
	return b + 64<<10
}

// logisticBytes bounds what fitLogistic allocates at dimension dim: its
// own vectors, L-BFGS's lbfgsMemory correction pairs and gonum/optimize's
// work space, 64 float64 vectors of dim+1 values in all, and a fixed part.
func logisticBytes(dim int) int64 { return 64*8*int64(dim+1) + 16<<10 }

// scoreBound bounds the memory one scoreKind call holds at once for n
// vectors of dimension dim clustered with at most kmax clusters into
// labels distinct labels: the vectors and their unit copies; one k-means
// restart's work space (the n x k inner products, Hamerly's bounds, the
// gathered rows, k-means++'s candidates) beside the best restart's labels
// and centroids; the contingency table; and each worker's block of Gram
// rows for the silhouette and precision@N. It also counts, as if held, the
// garbage of one restart's matrix products: gonum starts a goroutine per
// 64 x 64 block of a product (about 210 bytes each), k-means++ makes one
// product per centre and each Lloyd iteration (at most maxIter) one.
func scoreBound(n, dim, kmax, labels, workers, maxIter int) int64 {
	N, D, K := int64(n), int64(dim), int64(kmax)
	trials := 2 + int64(math.Log(float64(max(kmax, 1))))
	b := 8*N*D + 8*N // raw and unit vectors, labels
	b += N*(4*K+4*D+65+12*trials) + 16*K*D + 4*K*K
	blocks := func(x int64) int64 { return (x + 63) / 64 }
	b += 256 * blocks(N) * (K + int64(maxIter)*blocks(K))
	b += 8 * int64(labels) * K
	b += int64(workers)*(gramChunk+1)*4*N + 40*N
	return b + 1<<20
}

// evaluationBound bounds what EvaluateSets holds at once beyond what the
// process held when it began: the largest set's scoring and the downstream
// scoring of the largest dimension, as if both were held together.
func evaluationBound(sets []*embedding.Set, label Labeler, cfg Config, down *Downstream) int64 {
	var score int64
	maxDim := 0
	kmax := 0
	for _, k := range cfg.Ks {
		kmax = max(kmax, k)
	}
	for _, s := range sets {
		kind, k, lab := corpus.KindCode, kmax, label
		if IsCategorySet(s) {
			kind, lab = corpus.KindCategory, bodySystem
		} else {
			maxDim = max(maxDim, s.Dim)
		}
		n := 0
		distinct := map[string]bool{}
		for i, kd := range s.Kinds {
			if kd != kind {
				continue
			}
			n++
			if l, ok := lab(s.Tokens[i]); ok {
				distinct[l] = true
			}
		}
		if kind == corpus.KindCategory {
			k = len(distinct) // ScoreCategories' one k
		}
		score = max(score, scoreBound(n, s.Dim, k, len(distinct), workers(cfg.Workers), cfg.KMeans.MaxIter))
	}
	var downstream int64
	if down != nil && maxDim > 0 {
		downstream = down.Bound(maxDim)
	}
	return score + downstream
}

// softLimit sets a soft memory limit (debug.SetMemoryLimit) for a step
// that will hold at most need bytes beyond what the process holds now,
// unless a limit is already in force (GOMEMLIMIT, or the program's own).
// It first collects the garbage and returns the free pages to the
// operating system (debug.FreeOSMemory), measures what the runtime then
// holds (Sys - HeapReleased, the quantity the limit applies to), and sets
// the limit to that plus need plus a quarter more (at least 64 MiB) of
// headroom for the collector. It returns the limit set (0 when it left one
// in force) and a function that restores the earlier one.
func softLimit(need int64) (int64, func()) {
	if debug.SetMemoryLimit(-1) != math.MaxInt64 {
		return 0, func() {}
	}
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := int64(ms.Sys-ms.HeapReleased) + need
	limit := base + max(base/4, 64<<20)
	debug.SetMemoryLimit(limit)
	return limit, func() { debug.SetMemoryLimit(math.MaxInt64) }
}
