package trainer

import (
	"math"
	"testing"
)

func sigma(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func TestSigmoidTable(t *testing.T) {
	// One table step is 2·maxExp/expTableSize = 0.012 in x; σ' ≤ 1/4, so
	// σ is off by at most 0.003, log σ by at most 0.012.
	for i := 0; i <= 1200; i++ {
		x := float32(-maxExp + 12*float64(i)/1201)
		idx := int((x + maxExp) * expScale)
		if d := math.Abs(float64(sigTable[idx]) - sigma(float64(x))); d > 0.0031 {
			t.Fatalf("sigTable at x=%v: %v, σ = %v", x, sigTable[idx], sigma(float64(x)))
		}
		if d := math.Abs(float64(logSigTable[idx]) - math.Log(sigma(float64(x)))); d > 0.0121 {
			t.Fatalf("logSigTable at x=%v: %v, log σ = %v", x, logSigTable[idx], math.Log(sigma(float64(x))))
		}
	}
}

func TestLogistic(t *testing.T) {
	const alpha = 0.5
	tests := []struct {
		f, label float32
		g, loss  float64 // exact step and loss; table results within tolerance
	}{
		{0, 1, 0.5 * alpha, math.Ln2},
		{0, 0, -0.5 * alpha, math.Ln2},
		{2, 1, (1 - sigma(2)) * alpha, -math.Log(sigma(2))},
		{2, 0, -sigma(2) * alpha, -math.Log(sigma(-2))},
		{-3.7, 1, (1 - sigma(-3.7)) * alpha, -math.Log(sigma(-3.7))},
		{-3.7, 0, -sigma(-3.7) * alpha, -math.Log(sigma(3.7))},
		{5.999, 1, (1 - sigma(5.999)) * alpha, -math.Log(sigma(5.999))},
		// Saturated: σ taken as 0 or 1, loss as its asymptote.
		{6, 1, 0, 0},
		{6, 0, -alpha, 6},
		{40, 0, -alpha, 40},
		{-9, 1, alpha, 9},
		{-9, 0, 0, 0},
	}
	for _, tc := range tests {
		var loss float64
		g := logistic(tc.f, tc.label, alpha, &loss)
		if math.Abs(float64(g)-tc.g) > 0.0031*alpha {
			t.Errorf("logistic(%v, %v): step %v, want %v", tc.f, tc.label, g, tc.g)
		}
		if math.Abs(loss-tc.loss) > 0.0121 {
			t.Errorf("logistic(%v, %v): loss %v, want %v", tc.f, tc.label, loss, tc.loss)
		}
	}
	var loss float64
	if g := logistic(float32(math.NaN()), 1, alpha, &loss); g != 0 || !math.IsNaN(loss) {
		t.Errorf("logistic(NaN): step %v loss %v, want 0 and NaN", g, loss)
	}
}

func TestNoiseTable(t *testing.T) {
	tests := []struct {
		name   string
		counts []int64
	}{
		{"skewed", []int64{1, 10, 100, 1000, 0, 5, 7}},
		{"uniform", []int64{3, 3, 3, 3}},
		{"single", []int64{0, 42, 0}},
		{"zipf", func() []int64 {
			c := make([]int64, 500)
			for i := range c {
				c[i] = int64(100000 / (i + 1))
			}
			return c
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var z float64
			for _, c := range tc.counts {
				z += math.Pow(float64(c), 0.75)
			}
			nt := newNoiseTable(tc.counts, negativePower)
			n := len(tc.counts)
			// Exact probabilities implied by the table.
			implied := make([]float64, n)
			for i := range nt.accept {
				keep := float64(nt.accept[i]) / (1 << 32)
				if nt.accept[i] == math.MaxUint32 {
					keep = 1
				}
				implied[i] += keep / float64(n)
				implied[nt.alias[i]] += (1 - keep) / float64(n)
			}
			for i, c := range tc.counts {
				want := math.Pow(float64(c), 0.75) / z
				if math.Abs(implied[i]-want) > 1e-6 {
					t.Errorf("id %d: table probability %v, count^0.75/Z = %v", i, implied[i], want)
				}
			}
			// Sampled frequencies.
			r := newRNG(5, 5)
			const draws = 400000
			freq := make([]float64, n)
			for range draws {
				freq[nt.draw(r.next())]++
			}
			for i, c := range tc.counts {
				want := math.Pow(float64(c), 0.75) / z
				got := freq[i] / draws
				// 5 binomial standard deviations.
				if tol := 5*math.Sqrt(want*(1-want)/draws) + 1e-9; math.Abs(got-want) > tol {
					t.Errorf("id %d drawn %.5f of the time, want %.5f ± %.5f", i, got, want, tol)
				}
				if c == 0 && freq[i] > 0 {
					t.Errorf("id %d has count 0 but was drawn %v times", i, freq[i])
				}
			}
		})
	}
}

func TestKeepThresholds(t *testing.T) {
	counts := []int64{1, 10, 100, 1000, 10000, 0}
	const total = 11111
	for _, s := range []float64{0, 1e-5, 1e-3, 1e-1} {
		keep := keepThresholds(counts, total, s)
		for i, f := range counts {
			want := 1.0
			if s > 0 && f > 0 {
				st := s * total
				want = min((math.Sqrt(float64(f)/st)+1)*st/float64(f), 1)
			}
			if got := float64(keep[i]) / math.MaxUint32; math.Abs(got-want) > 1e-9 {
				t.Errorf("s=%g count %d: keep %v, formula %v", s, f, got, want)
			}
			if got := keepProbability(f, total, s); math.Abs(got-want) > 1e-12 {
				t.Errorf("keepProbability(%d, %d, %g) = %v, want %v", f, total, s, got, want)
			}
		}
	}
	// Probability 1 keeps against every random draw.
	if k := keepThresholds([]int64{1}, 1000, 1e-3); k[0] != math.MaxUint32 {
		t.Errorf("rare word threshold %d, want MaxUint32 (always kept)", k[0])
	}
}

func TestLearningRate(t *testing.T) {
	const a, m = 0.025, 0.0001
	// 3 epochs of 1000 tokens: one schedule over all 3000.
	tests := []struct {
		done int64
		want float64
	}{
		{0, a},
		{750, a - (a-m)*0.25},
		{1000, a - (a-m)/3}, // end of epoch 1: not reset at epoch 2
		{1500, (a + m) / 2},
		{2999, a - (a-m)*2999/3000},
		{3000, m},
		{3500, m}, // never below min
	}
	for _, tc := range tests {
		if got := learningRate(a, m, tc.done, 3000); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("learningRate at %d/3000 = %v, want %v", tc.done, got, tc.want)
		}
	}
}

func TestChunks(t *testing.T) {
	seqs := []int64{0, 6000, 7000, 30000, 30001, 30002, 45000}
	c := newChunks(seqs)
	want := []int{0, 3, 6}
	if len(c.start) != len(want) {
		t.Fatalf("chunks %v, want %v", c.start, want)
	}
	for i := range want {
		if c.start[i] != want[i] {
			t.Fatalf("chunks %v, want %v", c.start, want)
		}
	}
}
