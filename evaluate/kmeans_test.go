package evaluate

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// blobs returns n points of dimension dim drawn around k well-separated
// centres (spread sd around centres at distance ~10), and the true labels.
func blobs(n, dim, k int, sd float64, seed uint64) ([]float32, []int) {
	rng := rand.New(rand.NewPCG(seed, 7))
	centres := make([]float64, k*dim)
	for i := range centres {
		centres[i] = rng.NormFloat64() * 10
	}
	x := make([]float32, n*dim)
	labels := make([]int, n)
	for i := range n {
		c := i % k
		labels[i] = c
		for j := range dim {
			x[i*dim+j] = float32(centres[c*dim+j] + rng.NormFloat64()*sd)
		}
	}
	return x, labels
}

func TestKMeansRecoversBlobs(t *testing.T) {
	for _, tc := range []struct {
		name      string
		n, dim, k int
		sd        float64
		workers   int
		normalize bool
	}{
		{"k3-d2", 300, 2, 3, 0.2, 1, false},
		{"k10-d20", 1000, 20, 10, 1, 2, false},
		{"k10-d20-normalized", 1000, 20, 10, 1, 3, true},
		{"k40-d100", 2000, 100, 40, 1, 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, truth := blobs(tc.n, tc.dim, tc.k, tc.sd, 42)
			cfg := DefaultKMeansConfig()
			cfg.K, cfg.Workers, cfg.Normalize = tc.k, tc.workers, tc.normalize
			res, err := KMeans(context.Background(), x, tc.n, tc.dim, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := NMI(truth, res.Labels); got < 0.99 {
				t.Errorf("NMI against planted blobs = %.4f, want >= 0.99", got)
			}
			if len(res.Centroids) != tc.k*tc.dim || len(res.Labels) != tc.n {
				t.Errorf("got %d centroid floats and %d labels", len(res.Centroids), len(res.Labels))
			}
			// Inertia must equal the recomputed sum of squared distances.
			xs := x
			if tc.normalize {
				xs = normalizeRows(x, tc.n, tc.dim)
			}
			var in float64
			for i, l := range res.Labels {
				in += float64(sqDistRef(xs[i*tc.dim:(i+1)*tc.dim], res.Centroids[l*tc.dim:(l+1)*tc.dim]))
			}
			if d := in - res.Inertia; d > 1e-3*in || d < -1e-3*in {
				t.Errorf("Inertia = %g, recomputed %g", res.Inertia, in)
			}
		})
	}
}

func TestKMeansDeterministicAcrossWorkers(t *testing.T) {
	x, _ := blobs(700, 16, 12, 4, 3) // overlapping blobs: many iterations
	cfg := DefaultKMeansConfig()
	cfg.K = 25
	var first *KMeansResult
	for _, w := range []int{1, 2, 5} {
		cfg.Workers = w
		res, err := KMeans(context.Background(), x, 700, 16, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = res
			continue
		}
		if res.Inertia != first.Inertia || res.Iterations != first.Iterations {
			t.Fatalf("workers=%d: inertia %v iterations %d; workers=1: %v, %d", w, res.Inertia, res.Iterations, first.Inertia, first.Iterations)
		}
		for i := range res.Labels {
			if res.Labels[i] != first.Labels[i] {
				t.Fatalf("workers=%d: label %d differs", w, i)
			}
		}
	}
}

func TestKMeansEveryClusterUsed(t *testing.T) {
	// Duplicated points force empty clusters to be reseeded: 30 distinct
	// points, each 4 times, and K = 30.
	const distinct, dim = 30, 3
	base, _ := blobs(distinct, dim, distinct, 0, 9)
	x := make([]float32, 0, 4*len(base))
	for range 4 {
		x = append(x, base...)
	}
	cfg := DefaultKMeansConfig()
	cfg.K = distinct
	res, err := KMeans(context.Background(), x, 4*distinct, dim, cfg)
	if err != nil {
		t.Fatal(err)
	}
	used := make(map[int]bool)
	for _, l := range res.Labels {
		used[l] = true
	}
	if len(used) != distinct {
		t.Errorf("%d clusters used, want %d", len(used), distinct)
	}
	if res.Inertia > 1e-6 {
		t.Errorf("Inertia = %g, want 0 (every distinct point its own cluster)", res.Inertia)
	}
}

// Hamerly's bounds must not change the result: the accelerated and the
// plain Lloyd iterations give the same labels, iterations and inertia.
func TestKMeansBoundsMatchPlainLloyd(t *testing.T) {
	for _, tc := range []struct {
		n, dim, blobs, k int
		sd               float64
	}{
		{500, 5, 8, 20, 3},    // overlapping: many iterations
		{1200, 30, 50, 60, 8}, // heavy overlap
		{300, 2, 3, 40, 1},    // k far above the number of blobs
		{90, 3, 30, 30, 0},    // duplicates: empty clusters reseeded
	} {
		t.Run(fmt.Sprintf("n%d-d%d-k%d", tc.n, tc.dim, tc.k), func(t *testing.T) {
			x, _ := blobs(tc.n, tc.dim, tc.blobs, tc.sd, 77)
			if tc.sd == 0 { // 30 distinct points, each 3 times
				x, _ = blobs(30, tc.dim, 30, 1, 78)
				x = append(append(x, x...), x...)
			}
			cfg := DefaultKMeansConfig()
			cfg.K, cfg.Tol, cfg.Workers = tc.k, 0, 2
			run := func(plain bool) *KMeansResult {
				if err := cfg.Validate(); err != nil {
					t.Fatal(err)
				}
				km := newKMeans(x, tc.n, tc.dim, cfg)
				km.plain = plain
				res, err := km.run(context.Background(), rand.New(rand.NewPCG(cfg.Seed, 1)))
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			fast, plain := run(false), run(true)
			if fast.Iterations != plain.Iterations || fast.Inertia != plain.Inertia {
				t.Errorf("bounded: %d iterations, inertia %v; plain: %d, %v", fast.Iterations, fast.Inertia, plain.Iterations, plain.Inertia)
			}
			for i := range fast.Labels {
				if fast.Labels[i] != plain.Labels[i] {
					t.Fatalf("label of point %d: bounded %d, plain %d", i, fast.Labels[i], plain.Labels[i])
				}
			}
			if plain.Iterations < 3 {
				t.Logf("only %d iterations: the bounds were barely exercised", plain.Iterations)
			}
		})
	}
}

func TestKMeansErrors(t *testing.T) {
	x, _ := blobs(10, 2, 2, 1, 1)
	cfg := DefaultKMeansConfig()
	cfg.K = 11
	if _, err := KMeans(context.Background(), x, 10, 2, cfg); !errors.Is(err, ErrTooFewPoints) {
		t.Errorf("K > n: err = %v, want ErrTooFewPoints", err)
	}
	cfg.K = 2
	if _, err := KMeans(context.Background(), x[:5], 10, 2, cfg); err == nil {
		t.Error("short x: no error")
	}
	bad := KMeansConfig{K: 0, Restarts: 0, MaxIter: 0, Tol: -1}
	err := bad.Validate()
	if err == nil {
		t.Fatal("Validate of a zero config: no error")
	}
	if got := len(err.(interface{ Unwrap() []error }).Unwrap()); got != 4 {
		t.Errorf("Validate reported %d problems, want 4: %v", got, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := KMeans(ctx, x, 10, 2, cfg); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
}

func TestKernelsMatchReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 7, 8, 9, 100, 203} {
		x := make([]float32, n)
		ys := make([][]float32, 4)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		for k := range ys {
			ys[k] = make([]float32, n+3) // longer than x: only n used
			for i := range ys[k] {
				ys[k][i] = float32(rng.NormFloat64())
			}
		}
		close := func(a, b float32) bool { d := a - b; return d < 1e-4*float32(n+1) && d > -1e-4*float32(n+1) }
		if a, b := dot(x, ys[0]), dotRef(x, ys[0]); !close(a, b) {
			t.Errorf("n=%d: dot %v, dotRef %v", n, a, b)
		}
		if a, b := sqDist(x, ys[0]), sqDistRef(x, ys[0][:n]); !close(a, b) {
			t.Errorf("n=%d: sqDist %v, sqDistRef %v", n, a, b)
		}
		d0, d1, d2, d3 := dot4(x, ys[0], ys[1], ys[2], ys[3])
		for k, d := range []float32{d0, d1, d2, d3} {
			if r := dotRef(x, ys[k]); !close(d, r) {
				t.Errorf("n=%d: dot4[%d] %v, dotRef %v", n, k, d, r)
			}
		}
	}
}

func BenchmarkKMeans(b *testing.B) {
	const n, dim = 5400, 100
	x, _ := blobs(n, dim, 300, 12, 1) // overlapping: realistic iteration counts
	for _, k := range []int{200, 400} {
		b.Run(fmt.Sprintf("n=%d/dim=%d/k=%d", n, dim, k), func(b *testing.B) {
			cfg := DefaultKMeansConfig()
			cfg.K = k
			b.ReportAllocs()
			iters := 0
			for b.Loop() {
				res, err := KMeans(context.Background(), x, n, dim, cfg)
				if err != nil {
					b.Fatal(err)
				}
				iters += res.Iterations
			}
			b.ReportMetric(float64(iters)/float64(b.N), "lloyd-iters/op")
		})
	}
}

// BenchmarkKMeansLloyd pairs Hamerly's bounded iterations with plain
// Lloyd (every point against every centroid) on overlapping data.
func BenchmarkKMeansLloyd(b *testing.B) {
	const n, dim, k = 5400, 100, 400
	x, _ := blobs(n, dim, 300, 12, 1)
	cfg := DefaultKMeansConfig()
	cfg.K = k
	for _, plain := range []bool{false, true} {
		b.Run(map[bool]string{false: "bounded", true: "plain"}[plain], func(b *testing.B) {
			iters := 0
			for b.Loop() {
				km := newKMeans(x, n, dim, cfg)
				km.plain = plain
				res, err := km.run(context.Background(), rand.New(rand.NewPCG(1, 1)))
				if err != nil {
					b.Fatal(err)
				}
				iters += res.Iterations
			}
			b.ReportMetric(float64(iters)/float64(b.N), "lloyd-iters/op")
		})
	}
}

// BenchmarkAssignKernel compares the kernels for one assignment pass
// (n=5400 points x k=400 centroids x dim=100): dot per pair vs dot4.
func BenchmarkAssignKernel(b *testing.B) {
	const n, dim, k = 5400, 100, 400
	x, _ := blobs(n, dim, 300, 6, 1)
	cent := x[:k*dim]
	b.Run("dot", func(b *testing.B) {
		var s float32
		for b.Loop() {
			for i := range n {
				xi := x[i*dim : (i+1)*dim]
				for c := range k {
					s += dot(xi, cent[c*dim:(c+1)*dim])
				}
			}
		}
		sink = s
	})
	b.Run("dot4", func(b *testing.B) {
		var s float32
		for b.Loop() {
			for i := range n {
				xi := x[i*dim : (i+1)*dim]
				for c := 0; c < k; c += 4 {
					d0, d1, d2, d3 := dot4(xi, cent[c*dim:], cent[(c+1)*dim:], cent[(c+2)*dim:], cent[(c+3)*dim:])
					s += d0 + d1 + d2 + d3
				}
			}
		}
		sink = s
	})
	b.Run("gemm", func(b *testing.B) {
		out := make([]float32, n*k)
		for b.Loop() {
			blas32.Gemm(blas.NoTrans, blas.Trans, 1,
				blas32.General{Rows: n, Cols: dim, Stride: dim, Data: x},
				blas32.General{Rows: k, Cols: dim, Stride: dim, Data: cent},
				0, blas32.General{Rows: n, Cols: k, Stride: k, Data: out})
		}
		sink = out[0]
	})
}

var sink float32

func ExampleKMeans() {
	// Six points on a line in two obvious groups.
	x := []float32{0, 1, 2, 10, 11, 12}
	cfg := DefaultKMeansConfig()
	cfg.K = 2
	res, err := KMeans(context.Background(), x, 6, 1, cfg)
	if err != nil {
		panic(err)
	}
	same := res.Labels[0] == res.Labels[1] && res.Labels[1] == res.Labels[2] &&
		res.Labels[3] == res.Labels[4] && res.Labels[4] == res.Labels[5] && res.Labels[0] != res.Labels[3]
	fmt.Printf("two groups found: %v, inertia %.1f\n", same, res.Inertia)
	// Output: two groups found: true, inertia 4.0
}

// K = 1 puts every point in one cluster at the mean: the inertia is the
// total sum of squares.
func TestKMeansOneCluster(t *testing.T) {
	x := []float32{0, 0, 2, 0, 0, 4, 2, 4} // mean (1, 2)
	cfg := DefaultKMeansConfig()
	cfg.K = 1
	res, err := KMeans(context.Background(), x, 4, 2, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Each point is at squared distance 1 + 4 = 5 from (1, 2).
	if res.Inertia != 20 || res.Centroids[0] != 1 || res.Centroids[1] != 2 || !res.Converged {
		t.Errorf("inertia %v centroid %v converged %v; want 20 at (1, 2)", res.Inertia, res.Centroids, res.Converged)
	}
}
