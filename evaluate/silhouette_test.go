package evaluate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// Hand-computed silhouettes (1-D points, so distances are |x - y|):
//
//	points 0 1 | 4 5: s(0) = (4.5-1)/4.5 = 7/9, s(1) = (3.5-1)/3.5 = 5/7,
//	and symmetrically for 4, 5: mean = (7/9 + 5/7)/2 = 47/63.
//	points 0 1 | 10: s(0) = (10-1)/10 = 9/10, s(1) = (9-1)/9 = 8/9,
//	s(10) = 0 (alone in its label): mean = (9/10 + 8/9)/3 = 161/270.
func TestSilhouetteHand(t *testing.T) {
	for _, tc := range []struct {
		name   string
		x      []float32
		labels []int
		want   float64
	}{
		{"two pairs", []float32{0, 1, 4, 5}, []int{0, 0, 1, 1}, 47.0 / 63},
		{"singleton", []float32{0, 1, 10}, []int{7, 7, -2}, 161.0 / 270},
		{"misassigned", []float32{0, 5, 1, 4}, []int{0, 0, 1, 1}, meanSil1D([]float64{0, 5, 1, 4}, []int{0, 0, 1, 1})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Silhouette(context.Background(), tc.x, len(tc.x), 1, tc.labels, 1)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tc.want) > 1e-6 {
				t.Errorf("Silhouette = %.9f, want %.9f", got, tc.want)
			}
		})
	}
}

// meanSil1D is the textbook definition on 1-D points, in float64.
func meanSil1D(x []float64, labels []int) float64 {
	var total float64
	for i := range x {
		sums, counts := map[int]float64{}, map[int]int{}
		for j := range x {
			if j != i {
				sums[labels[j]] += math.Abs(x[i] - x[j])
				counts[labels[j]]++
			}
		}
		if counts[labels[i]] == 0 {
			continue
		}
		a := sums[labels[i]] / float64(counts[labels[i]])
		b := math.Inf(1)
		for l, s := range sums {
			if l != labels[i] {
				b = min(b, s/float64(counts[l]))
			}
		}
		total += (b - a) / max(a, b)
	}
	return total / float64(len(x))
}

// refSilhouette is the plain O(n^2 d) definition with direct differences.
func refSilhouette(x []float32, n, dim int, labels []int) float64 {
	var total float64
	for i := range n {
		sums, counts := map[int]float64{}, map[int]int{}
		for j := range n {
			if j == i {
				continue
			}
			var s float64
			for k := range dim {
				d := float64(x[i*dim+k]) - float64(x[j*dim+k])
				s += d * d
			}
			sums[labels[j]] += math.Sqrt(s)
			counts[labels[j]]++
		}
		if counts[labels[i]] == 0 {
			continue
		}
		a := sums[labels[i]] / float64(counts[labels[i]])
		b := math.Inf(1)
		for l, s := range sums {
			if l != labels[i] {
				b = min(b, s/float64(counts[l]))
			}
		}
		total += (b - a) / max(a, b)
	}
	return total / float64(n)
}

func TestSilhouetteMatchesReference(t *testing.T) {
	for _, tc := range []struct {
		n, dim, k int
		sd        float64
		workers   int
	}{{150, 3, 4, 3, 1}, {400, 50, 12, 8, 2}, {301, 100, 40, 10, 3}} {
		t.Run(fmt.Sprintf("n%d-d%d-k%d", tc.n, tc.dim, tc.k), func(t *testing.T) {
			x, labels := blobs(tc.n, tc.dim, tc.k, tc.sd, 11)
			got, err := Silhouette(context.Background(), x, tc.n, tc.dim, labels, tc.workers)
			if err != nil {
				t.Fatal(err)
			}
			if want := refSilhouette(x, tc.n, tc.dim, labels); math.Abs(got-want) > 1e-4 {
				t.Errorf("Silhouette = %.7f, reference %.7f", got, want)
			}
		})
	}
}

func TestSilhouetteErrors(t *testing.T) {
	x := []float32{0, 1, 2}
	for _, tc := range []struct {
		name   string
		labels []int
	}{{"one label", []int{1, 1, 1}}, {"all distinct", []int{1, 2, 3}}} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Silhouette(context.Background(), x, 3, 1, tc.labels, 1); !errors.Is(err, ErrTooFewPoints) {
				t.Errorf("err = %v, want ErrTooFewPoints", err)
			}
		})
	}
	if _, err := Silhouette(context.Background(), x, 3, 1, []int{1, 2}, 1); err == nil {
		t.Error("2 labels for 3 points: no error")
	}
}

func TestSilhouetteSample(t *testing.T) {
	x, labels := blobs(600, 10, 5, 4, 2)
	full, err := Silhouette(context.Background(), x, 600, 10, labels, 2)
	if err != nil {
		t.Fatal(err)
	}
	same, _ := SilhouetteSample(context.Background(), x, 600, 10, labels, 0, 1, 2)
	if same != full {
		t.Errorf("size 0: %v, full %v", same, full)
	}
	a, _ := SilhouetteSample(context.Background(), x, 600, 10, labels, 300, 7, 2)
	b, _ := SilhouetteSample(context.Background(), x, 600, 10, labels, 300, 7, 1)
	if a != b {
		t.Errorf("same seed, different results %v %v", a, b)
	}
	if math.Abs(a-full) > 0.05 {
		t.Errorf("sample of 300: %v, full %v", a, full)
	}
}

func TestPrecisionAtN(t *testing.T) {
	x := []float32{1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9}
	labels := []int{0, 0, 1, 1}
	for _, tc := range []struct {
		N    int
		want float64
	}{{1, 1}, {2, 0.5}, {3, 1.0 / 3}} {
		got, err := PrecisionAtN(context.Background(), x, 4, 2, labels, tc.N, 1)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("N=%d: %v, want %v", tc.N, got, tc.want)
		}
	}
	if _, err := PrecisionAtN(context.Background(), x, 4, 2, labels, 4, 1); !errors.Is(err, ErrTooFewPoints) {
		t.Errorf("N = n: err = %v", err)
	}
	// Against a brute-force sort on random data with many exact ties (a
	// coarse grid of values).
	rng := rand.New(rand.NewPCG(3, 3))
	const n, dim, N = 300, 4, 7
	xr := make([]float32, n*dim)
	lr := make([]int, n)
	for i := range xr {
		xr[i] = float32(rng.IntN(3) - 1)
	}
	for i := range lr {
		lr[i] = rng.IntN(5)
	}
	got, err := PrecisionAtN(context.Background(), xr, n, dim, lr, N, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := refPrecision(xr, n, dim, lr, N); math.Abs(got-want) > 1e-12 {
		t.Errorf("random grid: %v, brute force %v", got, want)
	}
}

func refPrecision(x []float32, n, dim int, labels []int, N int) float64 {
	// Cosines as geometry computes them (same Gram kernel, same float32
	// arithmetic), so exact ties agree.
	xn := sqNorms(x, n, dim)
	g := make([]float32, n*n)
	gramRows(x, n, dim, 0, n, g)
	inv := make([]float32, n) // zero rows: cosine 0 with everything
	for i, v := range xn {
		if v > 0 {
			inv[i] = float32(1 / math.Sqrt(float64(v)))
		}
	}
	var total float64
	for i := range n {
		idx := make([]int, 0, n-1)
		sim := make([]float32, n)
		for j := range n {
			if j != i {
				idx = append(idx, j)
				sim[j] = g[i*n+j] * inv[i] * inv[j]
			}
		}
		sort.SliceStable(idx, func(a, b int) bool { return sim[idx[a]] > sim[idx[b]] })
		same := 0
		for _, j := range idx[:N] {
			if labels[j] == labels[i] {
				same++
			}
		}
		total += float64(same) / float64(N)
	}
	return total / float64(n)
}

func BenchmarkSilhouette(b *testing.B) {
	const n, dim = 5400, 100
	x, labels := blobs(n, dim, 500, 12, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Silhouette(context.Background(), x, n, dim, labels, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(n)/b.Elapsed().Seconds()*float64(b.N)/1e6, "Mpairs/s")
}

func BenchmarkPrecisionAtN(b *testing.B) {
	const n, dim = 5400, 100
	x, labels := blobs(n, dim, 500, 12, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PrecisionAtN(context.Background(), x, n, dim, labels, 10, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(n)/b.Elapsed().Seconds()*float64(b.N)/1e6, "Mpairs/s")
}
