package evaluate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// Worked example (checked by hand, natural logs), a = [0 0 1 1],
// b = [0 0 1 2], N = 4:
//
//	        b=0  b=1  b=2 | a_i
//	a=0      2    0    0  |  2
//	a=1      0    1    1  |  2
//	b_j      2    1    1  |  4
//
//	MI   = 2/4 ln(4*2/(2*2)) + 2 * 1/4 ln(4*1/(2*1)) = ln 2
//	H(a) = ln 2;  H(b) = -(1/2 ln 1/2 + 2 * 1/4 ln 1/4) = 3/2 ln 2
//	NMI  = ln 2 / ((ln 2 + 3/2 ln 2)/2) = 1/1.25 = 0.8
//	E[MI]: for (a_i, b_j) = (2, 2), nij = 1 has P = C(2,1)C(2,1)/C(4,2) = 4/6
//	       and ln(4*1/4) = 0; nij = 2 has P = 1/6 and term 2/4 ln 2, so each
//	       of the 2 such pairs adds 1/12 ln 2. For (2, 1), nij = 1 has
//	       P = C(2,1)C(2,0)/C(4,1) = 1/2 and term 1/4 ln 2: 1/8 ln 2 for
//	       each of 4 pairs. E[MI] = (1/6 + 1/2) ln 2 = 2/3 ln 2.
//	AMI  = (1 - 2/3) / (1.25 - 2/3) = 4/7 = 0.571428...
func TestWorkedExample(t *testing.T) {
	a, b := []int{0, 0, 1, 1}, []int{0, 0, 1, 2}
	tab := NewContingency(a, b)
	want := [][]int{{2, 0, 0}, {0, 1, 1}}
	if fmt.Sprint(tab.Counts) != fmt.Sprint(want) || fmt.Sprint(tab.Rows) != "[2 2]" || fmt.Sprint(tab.Cols) != "[2 1 1]" {
		t.Errorf("table %v rows %v cols %v", tab.Counts, tab.Rows, tab.Cols)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"MI", tab.MutualInformation(), math.Ln2},
		{"EMI", tab.ExpectedMutualInformation(), 2.0 / 3 * math.Ln2},
		{"NMI", NMI(a, b), 0.8},
		{"AMI", AMI(a, b), 4.0 / 7},
		{"NMI symmetric", NMI(b, a), 0.8},
		{"AMI symmetric", AMI(b, a), 4.0 / 7},
	}
	for _, c := range checks {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("%s = %.15f, want %.15f", c.name, c.got, c.want)
		}
	}
}

// The scikit-learn documentation's examples and its limit-case conventions.
func TestScoresEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name     string
		a, b     []int
		nmi, ami float64
	}{
		{"identical", []int{0, 0, 1, 1}, []int{0, 0, 1, 1}, 1, 1},
		{"permuted labels", []int{0, 0, 1, 1}, []int{1, 1, 0, 0}, 1, 1},
		{"arbitrary label values", []int{-5, -5, 7, 7, 3}, []int{9, 9, 100, 100, 0}, 1, 1},
		{"one class vs all distinct", []int{0, 0, 0, 0}, []int{0, 1, 2, 3}, 0, 0},
		{"all distinct vs one class", []int{0, 1, 2, 3}, []int{0, 0, 0, 0}, 0, 0},
		{"both one class", []int{3, 3, 3}, []int{1, 1, 1}, 1, 1},
		{"empty", nil, nil, 1, 1},
		{"single item", []int{4}, []int{2}, 1, 1},
		{"both all distinct", []int{0, 1, 2, 3}, []int{3, 2, 1, 0}, 1, 1},
		// Independent split: MI = 0, so NMI = 0; E[MI] > 0 makes AMI negative:
		// a=[0 0 1 1], b=[0 1 0 1]: every n_ij = 1, MI = 0, H = ln 2 each;
		// E[MI] for (2,2): nij=2 with P=1/6 adds 1/12 ln 2, 4 pairs: 1/3 ln 2;
		// AMI = (0 - 1/3)/(1 - 1/3) = -1/2.
		{"independent split", []int{0, 0, 1, 1}, []int{0, 1, 0, 1}, 0, -0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := NMI(tc.a, tc.b); math.Abs(got-tc.nmi) > 1e-12 {
				t.Errorf("NMI = %v, want %v", got, tc.nmi)
			}
			if got := AMI(tc.a, tc.b); math.Abs(got-tc.ami) > 1e-12 {
				t.Errorf("AMI = %v, want %v", got, tc.ami)
			}
		})
	}
}

func TestScoresPanicOnLengthMismatch(t *testing.T) {
	for name, f := range map[string]func([]int, []int) float64{"NMI": NMI, "AMI": AMI} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic for labelings of 2 and 3 items")
				}
			}()
			f([]int{0, 1}, []int{0, 1, 1})
		})
	}
}

// Random labelings: NMI in [0,1], AMI near 0, and the distinct-size EMI
// grouping agrees with the plain sum over every (row, column) pair.
func TestScoresRandomLabelings(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 3000
	a, b := make([]int, n), make([]int, n)
	for i := range a {
		a[i] = rng.IntN(40)
		b[i] = rng.IntN(60)
	}
	// NMI is biased upwards for many small clusters (about 0.11 here);
	// removing that bias is what AMI is for.
	if v := NMI(a, b); v < 0.05 || v > 0.2 {
		t.Errorf("NMI of independent labelings = %v, want the known positive bias in [0.05, 0.2]", v)
	}
	if v := AMI(a, b); math.Abs(v) > 0.01 {
		t.Errorf("AMI of independent labelings = %v, want ~0", v)
	}
	tab := NewContingency(a, b)
	if got, want := tab.ExpectedMutualInformation(), plainEMI(tab); math.Abs(got-want) > 1e-9*want {
		t.Errorf("EMI = %.15g, plain sum %.15g", got, want)
	}
}

// plainEMI is the textbook triple sum, term by term with math.Lgamma.
func plainEMI(t *Contingency) float64 {
	lg := func(x int) float64 { v, _ := math.Lgamma(float64(x) + 1); return v }
	N := t.N
	var emi float64
	for _, a := range t.Rows {
		for _, b := range t.Cols {
			for nij := max(1, a+b-N); nij <= min(a, b); nij++ {
				p := math.Exp(lg(a) + lg(b) + lg(N-a) + lg(N-b) - lg(N) - lg(nij) - lg(a-nij) - lg(b-nij) - lg(N-a-b+nij))
				emi += float64(nij) / float64(N) * math.Log(float64(N*nij)/float64(a*b)) * p
			}
		}
	}
	return emi
}

func ExampleNMI() {
	truth := []int{0, 0, 1, 1}
	clusters := []int{0, 0, 1, 2}
	fmt.Printf("NMI %.4f AMI %.4f\n", NMI(truth, clusters), AMI(truth, clusters))
	// Output: NMI 0.8000 AMI 0.5714
}

func BenchmarkAMI(b *testing.B) {
	// ~5,400 codes in ~500 categories against 400 clusters.
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 5400
	a, c := make([]int, n), make([]int, n)
	for i := range a {
		a[i] = int(math.Floor(math.Exp(rng.Float64() * math.Log(500))))
		c[i] = rng.IntN(400)
	}
	b.ReportAllocs()
	for b.Loop() {
		AMI(a, c)
	}
}
