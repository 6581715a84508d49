package evaluate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// KMeansConfig configures KMeans. The zero value is not usable; start from
// DefaultKMeansConfig.
type KMeansConfig struct {
	// K is the number of clusters; 1 <= K <= number of points.
	K int
	// Restarts is how many independent k-means++ initialisations are run;
	// the run with the lowest inertia is kept (scikit-learn's n_init).
	Restarts int
	// MaxIter bounds the Lloyd iterations of one restart.
	MaxIter int
	// Tol stops a restart when the summed squared shift of the centroids in
	// one iteration is at most Tol times the mean per-dimension variance of
	// the data (scikit-learn's relative tolerance). A restart also stops
	// when no label changes. 0 means run until labels stop changing.
	Tol float64
	// Seed makes the initialisation reproducible: the same data, Seed and
	// config give the same result with any number of Workers.
	Seed uint64
	// Workers is the number of goroutines for the assignment step; <= 0
	// means GOMAXPROCS.
	Workers int
	// Normalize scales every point to unit L2 norm first, so that the
	// Euclidean k-means groups by cosine similarity (spherical k-means
	// approximated with Euclidean centroids).
	Normalize bool
}

// DefaultKMeansConfig returns the configuration used for Finch et al.'s
// Table 2, with K to be set by the caller:
//
//   - K: 200 (the paper's smaller k).
//   - Restarts: 10, as the scikit-learn of the paper's time (n_init=10).
//     With one restart, NMI and AMI on code vectors move from k-means seed
//     to seed by about as much as variants differ; the best of ten (by
//     inertia) moves several times less.
//   - MaxIter: 100. Lloyd on ~5,000 points converges in 20-60 iterations;
//     100 bounds the rare slow tail (scikit-learn uses 300).
//   - Tol: 1e-4, scikit-learn's default relative tolerance.
//   - Seed: 1. Workers: 0 (all cores). Normalize: false (the paper
//     clustered the raw vectors).
func DefaultKMeansConfig() KMeansConfig {
	return KMeansConfig{K: 200, Restarts: 10, MaxIter: 100, Tol: 1e-4, Seed: 1}
}

// Validate reports every problem with the configuration at once.
func (c KMeansConfig) Validate() error {
	var errs []error
	if c.K < 1 {
		errs = append(errs, fmt.Errorf("evaluate: k-means K = %d; need at least 1 cluster", c.K))
	}
	if c.Restarts < 1 {
		errs = append(errs, fmt.Errorf("evaluate: k-means Restarts = %d; need at least 1 (10 is the default)", c.Restarts))
	}
	if c.MaxIter < 1 {
		errs = append(errs, fmt.Errorf("evaluate: k-means MaxIter = %d; need at least 1 (100 is the default)", c.MaxIter))
	}
	if c.Tol < 0 || math.IsNaN(c.Tol) || math.IsInf(c.Tol, 0) {
		errs = append(errs, fmt.Errorf("evaluate: k-means Tol = %v; need a finite value >= 0 (1e-4 is the default)", c.Tol))
	}
	return errors.Join(errs...)
}

// KMeansResult is the outcome of KMeans: the best restart.
type KMeansResult struct {
	// Labels holds the cluster (0..K-1) of each point.
	Labels []int
	// Centroids holds K rows of dim values, row-major.
	Centroids []float32
	// Inertia is the sum of squared distances of the points to their
	// centroids (of the normalised points when Normalize is set).
	Inertia float64
	// Iterations is the number of Lloyd iterations of the kept restart.
	Iterations int
	// Converged tells whether the kept restart met Tol (or stopped changing)
	// before MaxIter.
	Converged bool
}

// ErrTooFewPoints is returned when a method needs more points than given
// (K > n for k-means).
var ErrTooFewPoints = errors.New("too few points")

// assignChunk is the number of points one worker assigns at a time.
const assignChunk = 128

// KMeans clusters the n points of dimension dim held row-major in x into
// cfg.K clusters with Lloyd's algorithm from greedy k-means++ seeds, keeping
// the restart of lowest inertia. See the package documentation for the
// algorithm. The result is deterministic for a given Seed whatever the
// number of Workers.
func KMeans(ctx context.Context, x []float32, n, dim int, cfg KMeansConfig) (*KMeansResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if n < 0 || dim < 1 || len(x) != n*dim {
		return nil, fmt.Errorf("evaluate: k-means: %d floats for %d points of dimension %d", len(x), n, dim)
	}
	if cfg.K > n {
		return nil, fmt.Errorf("evaluate: k-means: K = %d clusters for %d points: %w", cfg.K, n, ErrTooFewPoints)
	}
	if cfg.Normalize {
		x = normalizeRows(x, n, dim)
	}
	km := newKMeans(x, n, dim, cfg)
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6b6d65616e73)) // "kmeans"
	var best *KMeansResult
	for range cfg.Restarts {
		res, err := km.run(ctx, rng)
		if err != nil {
			return nil, err
		}
		if best == nil || res.Inertia < best.Inertia {
			best = res
		}
	}
	return best, nil
}

// kmeans holds the data and scratch space of one KMeans call.
type kmeans struct {
	x      []float32
	n, dim int
	cfg    KMeansConfig
	xn     []float32 // squared norms of the points
	tol    float64   // absolute tolerance on the summed squared centroid shift

	cent   []float32 // K x dim
	cn     []float32 // squared norms of the centroids
	labels []int
	dist   []float32 // squared distance of each point to its centroid
	prod   []float32 // n x K inner products of points and centroids

	// Hamerly's bounds (see assignBounded); nil when plain is set.
	upper   []float64 // >= distance of each point to its centroid
	lower   []float64 // <= distance of each point to its second-nearest centroid
	move    []float64 // distance each centroid moved in the last update
	half    []float64 // half the distance of each centroid to its nearest other
	cprod   []float32 // K x K inner products of the centroids
	need    []bool    // points failing the bound test this step
	scan    []int     // their indices
	gather  []float32 // their rows
	scanned int       // points compared with every centroid by assignBounded
	plain   bool      // plain Lloyd: every point against every centroid, every iteration
}

func newKMeans(x []float32, n, dim int, cfg KMeansConfig) *kmeans {
	km := &kmeans{x: x, n: n, dim: dim, cfg: cfg, xn: sqNorms(x, n, dim)}
	// Mean per-dimension variance, as scikit-learn's _tolerance.
	var varSum float64
	for j := range dim {
		var s, ss float64
		for i := range n {
			v := float64(x[i*dim+j])
			s += v
			ss += v * v
		}
		if n > 0 {
			m := s / float64(n)
			varSum += ss/float64(n) - m*m
		}
	}
	km.tol = cfg.Tol * varSum / float64(dim)
	return km
}

// run performs one restart.
func (km *kmeans) run(ctx context.Context, rng *rand.Rand) (*KMeansResult, error) {
	k, dim, n := km.cfg.K, km.dim, km.n
	km.cent = make([]float32, k*dim)
	km.cn = make([]float32, k)
	km.labels = make([]int, n)
	km.dist = make([]float32, n)
	km.prod = make([]float32, n*k)
	km.move = make([]float64, k)
	if !km.plain {
		km.upper, km.lower = make([]float64, n), make([]float64, n)
		km.half, km.cprod = make([]float64, k), make([]float32, k*k)
		km.need, km.gather = make([]bool, n), make([]float32, n*dim)
	}
	if err := km.seed(ctx, rng); err != nil {
		return nil, err
	}
	for i := range km.labels {
		km.labels[i] = -1
	}
	sums := make([]float64, k*dim)
	counts := make([]int, k)
	res := &KMeansResult{}
	// reassign is one assignment step: against every centroid on the first
	// iteration (or always, for plain Lloyd), with Hamerly's bounds after.
	first := true
	reassign := func() (int, error) {
		if first || km.plain {
			first = false
			return km.assign(ctx)
		}
		return km.assignBounded(ctx)
	}
	for it := 1; it <= km.cfg.MaxIter; it++ {
		changed, err := reassign()
		if err != nil {
			return nil, err
		}
		res.Iterations = it
		if changed == 0 {
			res.Converged = true
			break
		}
		shift := km.update(sums, counts)
		if shift <= km.tol || it == km.cfg.MaxIter {
			res.Converged = shift <= km.tol
			// Re-assign so labels and inertia agree with the final centroids.
			if _, err := reassign(); err != nil {
				return nil, err
			}
			break
		}
	}
	// The norm expansion cancels badly for points near their centroid, so
	// the reported inertia is recomputed from the differences (O(n·dim)).
	var inertia float64
	for i, l := range km.labels {
		inertia += float64(sqDist(km.x[i*dim:(i+1)*dim], km.cent[l*dim:(l+1)*dim]))
	}
	res.Labels, res.Centroids, res.Inertia = km.labels, km.cent, inertia
	return res, nil
}

// assign gives every point its nearest centroid, using
// ||x-c||^2 = ||x||^2 - 2 x·c + ||c||^2 with precomputed norms, and returns
// how many labels changed. The n x K block of inner products is one matrix
// product (blas32.Gemm, which runs on all GOMAXPROCS cores and is about 1.7x
// faster than the unrolled dot4 loop, see BenchmarkAssignKernel); the argmin
// pass is split over Workers.
func (km *kmeans) assign(ctx context.Context) (int, error) {
	k, dim := km.cfg.K, km.dim
	for c := range k {
		km.cn[c] = float32(sqNormRow(km.cent[c*dim : (c+1)*dim]))
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	blas32.Gemm(blas.NoTrans, blas.Trans, 1,
		blas32.General{Rows: km.n, Cols: dim, Stride: dim, Data: km.x},
		blas32.General{Rows: k, Cols: dim, Stride: dim, Data: km.cent},
		0, blas32.General{Rows: km.n, Cols: k, Stride: k, Data: km.prod})
	nc := (km.n + assignChunk - 1) / assignChunk
	changed := make([]int, nc)
	err := forChunks(ctx, km.n, assignChunk, km.cfg.Workers, func(ch, lo, hi int) {
		changed[ch] = km.assignRange(lo, hi)
	})
	total := 0
	for _, c := range changed {
		total += c
	}
	return total, err
}

// assignRange assigns points lo..hi-1 from the inner products in km.prod
// and returns how many changed label. Ties go to the lower centroid.
func (km *kmeans) assignRange(lo, hi int) int {
	k := km.cfg.K
	cn := km.cn[:k]
	changed := 0
	for i := lo; i < hi; i++ {
		best, bestD, secondD := argmin2(km.prod[i*k:(i+1)*k], cn)
		if km.labels[i] != best {
			km.labels[i] = best
			changed++
		}
		km.dist[i] = max(0, km.xn[i]+bestD)
		if km.upper != nil {
			km.upper[i] = math.Sqrt(float64(km.dist[i]))
			km.lower[i] = math.Sqrt(float64(max(0, km.xn[i]+secondD)))
		}
	}
	return changed
}

// assignBounded is one assignment step of Hamerly's algorithm (Hamerly
// 2010, "Making k-means even faster"), which gives the labels plain Lloyd
// would (up to float rounding in near ties) while skipping most distance
// computations once the centroids settle. Each point keeps an upper bound u
// on the distance to its centroid and a lower bound l on the distance to
// any other centroid. After centroid c moved by m(c), u grows by m(own) and
// l shrinks by the largest move of another centroid (triangle inequality).
// With s(c) = half the distance from c to its nearest other centroid, a
// point whose u <= max(s(own), l) cannot change label; otherwise u is made
// exact and, if the test still fails, the point is compared with every
// centroid. The centroid-centroid distances cost one K x K matrix product.
func (km *kmeans) assignBounded(ctx context.Context) (int, error) {
	k, dim := km.cfg.K, km.dim
	for c := range k {
		km.cn[c] = float32(sqNormRow(km.cent[c*dim : (c+1)*dim]))
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	cg := blas32.General{Rows: k, Cols: dim, Stride: dim, Data: km.cent}
	blas32.Gemm(blas.NoTrans, blas.Trans, 1, cg, cg, 0, blas32.General{Rows: k, Cols: k, Stride: k, Data: km.cprod})
	for c := range k {
		m := math.Inf(1)
		for c2 := range k {
			if c2 != c {
				m = min(m, float64(km.cn[c]+km.cn[c2]-2*km.cprod[c*k+c2]))
			}
		}
		km.half[c] = math.Sqrt(max(0, m)) / 2
	}
	// The largest and second-largest moves, for the lower bounds.
	m1, m2, arg := 0.0, 0.0, -1
	for c, m := range km.move {
		if m > m1 {
			m1, m2, arg = m, m1, c
		} else if m > m2 {
			m2 = m
		}
	}
	// Phase 1: the bound test, per point.
	err := forChunks(ctx, km.n, assignChunk, km.cfg.Workers, func(_, lo, hi int) {
		km.boundedRange(lo, hi, m1, m2, arg)
	})
	if err != nil {
		return 0, err
	}
	// Phase 2: the points that failed it against every centroid, as one
	// matrix product of their gathered rows (faster per distance than a
	// per-point loop).
	km.scan = km.scan[:0]
	for i, need := range km.need {
		if need {
			km.scan = append(km.scan, i)
		}
	}
	m := len(km.scan)
	if m == 0 {
		return 0, nil
	}
	for r, i := range km.scan {
		copy(km.gather[r*dim:(r+1)*dim], km.x[i*dim:(i+1)*dim])
	}
	blas32.Gemm(blas.NoTrans, blas.Trans, 1,
		blas32.General{Rows: m, Cols: dim, Stride: dim, Data: km.gather[:m*dim]},
		blas32.General{Rows: k, Cols: dim, Stride: dim, Data: km.cent},
		0, blas32.General{Rows: m, Cols: k, Stride: k, Data: km.prod[:m*k]})
	nc := (m + assignChunk - 1) / assignChunk
	changed := make([]int, nc)
	err = forChunks(ctx, m, assignChunk, km.cfg.Workers, func(ch, lo, hi int) {
		for r := lo; r < hi; r++ {
			i := km.scan[r]
			best, bestD, secondD := argmin2(km.prod[r*k:(r+1)*k], km.cn[:k])
			if best != km.labels[i] {
				km.labels[i] = best
				changed[ch]++
			}
			u := math.Sqrt(float64(max(0, km.xn[i]+bestD)))
			km.upper[i] = u
			km.lower[i] = math.Sqrt(float64(max(0, km.xn[i]+secondD)))
			km.dist[i] = float32(u * u)
		}
	})
	total := 0
	for _, c := range changed {
		total += c
	}
	return total, err
}

// argmin2 returns the centroid c minimising cn[c] - 2 prod[c] (the squared
// distance less ||x||^2), that value, and the second smallest value.
// Ties go to the lower centroid.
func argmin2(prod, cn []float32) (int, float32, float32) {
	best, bestD, secondD := 0, float32(math.Inf(1)), float32(math.Inf(1))
	for c, p := range prod {
		d := cn[c] - 2*p
		if d < bestD {
			best, bestD, secondD = c, d, bestD
		} else if d < secondD {
			secondD = d
		}
	}
	return best, bestD, secondD
}

// boundedRange runs Hamerly's test for points lo..hi-1 (m1 is the largest
// centroid move, of centroid arg, and m2 the second largest), updating the
// bounds of the points that pass and marking in need those that must be
// compared with every centroid.
func (km *kmeans) boundedRange(lo, hi int, m1, m2 float64, arg int) {
	dim := km.dim
	for i := lo; i < hi; i++ {
		a := km.labels[i]
		u := km.upper[i] + km.move[a]
		l := km.lower[i] - m1
		if a == arg {
			l = km.lower[i] - m2
		}
		z := max(km.half[a], l)
		if u > z {
			u = math.Sqrt(float64(sqDist(km.x[i*dim:(i+1)*dim], km.cent[a*dim:(a+1)*dim])))
		}
		km.need[i] = u > z
		km.upper[i], km.lower[i] = u, l
		km.dist[i] = float32(u * u) // an upper bound; used only to pick far points for empty clusters
	}
}

// update moves every centroid to the mean of its points, reseeding empty
// clusters at the points farthest from their centroids, and returns the
// summed squared shift of the centroids. It is serial (O(n·dim), small next
// to the assignment) and sums in point order, so it is deterministic.
func (km *kmeans) update(sums []float64, counts []int) float64 {
	dim, k := km.dim, km.cfg.K
	clear(sums)
	clear(counts)
	for i, l := range km.labels {
		counts[l]++
		row := km.x[i*dim : (i+1)*dim]
		s := sums[l*dim : (l+1)*dim]
		for j, v := range row {
			s[j] += float64(v)
		}
	}
	var empty []int
	for c := range k {
		if counts[c] == 0 {
			empty = append(empty, c)
		}
	}
	if len(empty) > 0 {
		// Farthest points first (ties to the lower index), as scikit-learn's
		// _relocate_empty_clusters; each moves from its cluster to an empty one.
		order := make([]int, km.n)
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int {
			switch {
			case km.dist[a] > km.dist[b]:
				return -1
			case km.dist[a] < km.dist[b]:
				return 1
			}
			return 0
		})
		taken := 0
		for _, c := range empty {
			// Skip points whose cluster would be emptied by the move.
			for taken < len(order) && counts[km.labels[order[taken]]] <= 1 {
				taken++
			}
			if taken == len(order) {
				break
			}
			i := order[taken]
			taken++
			old := km.labels[i]
			row := km.x[i*dim : (i+1)*dim]
			for j, v := range row {
				sums[old*dim+j] -= float64(v)
				sums[c*dim+j] = float64(v)
			}
			counts[old]--
			counts[c] = 1
			km.labels[i] = c
			km.dist[i] = 0
			if km.upper != nil {
				// Its distance to the old position of centroid c is not
				// known: force an exact check next time.
				km.upper[i], km.lower[i] = math.Inf(1), 0
			}
		}
	}
	var shift float64
	for c := range k {
		km.move[c] = 0
		if counts[c] == 0 {
			continue
		}
		inv := 1 / float64(counts[c])
		cent := km.cent[c*dim : (c+1)*dim]
		var m float64
		for j := range cent {
			v := float32(sums[c*dim+j] * inv)
			d := float64(v - cent[j])
			m += d * d
			cent[j] = v
		}
		shift += m
		km.move[c] = math.Sqrt(m)
	}
	return shift
}

// seed chooses the initial centroids with greedy k-means++ (Arthur &
// Vassilvitskii 2007, as scikit-learn's _kmeans_plusplus): the first centre
// is a uniformly random point; each next one is the best, by resulting
// potential (sum of squared distances to the nearest centre), of
// 2+floor(ln K) candidates drawn with probability proportional to the
// squared distance to the nearest centre chosen so far.
func (km *kmeans) seed(ctx context.Context, rng *rand.Rand) error {
	n, dim, k := km.n, km.dim, km.cfg.K
	trials := 2 + int(math.Log(float64(k)))
	closest := make([]float64, n) // squared distance to the nearest centre
	candD := make([][]float64, trials)
	for t := range candD {
		candD[t] = make([]float64, n)
	}
	nc := (n + assignChunk - 1) / assignChunk
	partial := make([]float64, nc*trials)

	first := rng.IntN(n)
	copy(km.cent[:dim], km.x[first*dim:(first+1)*dim])
	c0 := km.cent[:dim]
	err := forChunks(ctx, n, assignChunk, km.cfg.Workers, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			closest[i] = float64(sqDist(km.x[i*dim:(i+1)*dim], c0))
		}
	})
	if err != nil {
		return err
	}
	cum := make([]float64, n)
	cands := make([]int, trials)
	candX := make([]float32, trials*dim)
	candProd := make([]float32, n*trials)
	for c := 1; c < k; c++ {
		var pot float64
		for i, d := range closest {
			pot += d
			cum[i] = pot
		}
		for t := range cands {
			if pot <= 0 {
				// Every point coincides with a centre: any point will do.
				cands[t] = rng.IntN(n)
				continue
			}
			r := rng.Float64() * pot
			j, _ := slices.BinarySearch(cum, r)
			// Skip zero-weight points a search may land on.
			for j < n-1 && closest[j] == 0 {
				j++
			}
			cands[t] = min(j, n-1)
		}
		for t, c := range cands {
			copy(candX[t*dim:(t+1)*dim], km.x[c*dim:(c+1)*dim])
		}
		blas32.Gemm(blas.NoTrans, blas.Trans, 1,
			blas32.General{Rows: n, Cols: dim, Stride: dim, Data: km.x},
			blas32.General{Rows: trials, Cols: dim, Stride: dim, Data: candX},
			0, blas32.General{Rows: n, Cols: trials, Stride: trials, Data: candProd})
		err := forChunks(ctx, n, assignChunk, km.cfg.Workers, func(ch, lo, hi int) {
			for i := lo; i < hi; i++ {
				for t, c := range cands {
					sq := float64(max(0, km.xn[i]+km.xn[c]-2*candProd[i*trials+t]))
					candD[t][i] = min(closest[i], sq)
				}
			}
			for t := range cands {
				var s float64
				for _, d := range candD[t][lo:hi] {
					s += d
				}
				partial[ch*trials+t] = s
			}
		})
		if err != nil {
			return err
		}
		bestT, bestPot := 0, math.Inf(1)
		for t := range cands {
			var s float64
			for ch := range nc {
				s += partial[ch*trials+t]
			}
			if s < bestPot {
				bestT, bestPot = t, s
			}
		}
		b := cands[bestT]
		copy(km.cent[c*dim:(c+1)*dim], km.x[b*dim:(b+1)*dim])
		copy(closest, candD[bestT])
	}
	return nil
}

// sqNormRow returns the squared L2 norm of v accumulated in float64.
func sqNormRow(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return s
}
