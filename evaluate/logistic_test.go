package evaluate

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestAUC(t *testing.T) {
	for _, tc := range []struct {
		name   string
		scores []float64
		y      []bool
		want   float64
	}{
		{"perfect", []float64{0.1, 0.2, 0.8, 0.9}, []bool{false, false, true, true}, 1},
		{"reversed", []float64{0.9, 0.8, 0.2, 0.1}, []bool{false, false, true, true}, 0},
		{"all tied", []float64{0.5, 0.5, 0.5, 0.5, 0.5}, []bool{true, false, true, false, false}, 0.5},
		// Positives 0.8, 0.4; negatives 0.5, 0.4, 0.1. Pairs won: 0.8 beats
		// all 3; 0.4 loses to 0.5, ties 0.4 (1/2), beats 0.1: 4.5 of 6.
		{"hand example with a tie", []float64{0.8, 0.5, 0.4, 0.4, 0.1}, []bool{true, false, true, false, false}, 0.75},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := AUC(tc.scores, tc.y)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("AUC = %v, want %v", got, tc.want)
			}
			if want := pairAUC(tc.scores, tc.y); math.Abs(got-want) > 1e-12 {
				t.Errorf("AUC = %v, pair count %v", got, want)
			}
		})
	}
	if _, err := AUC([]float64{1, 2}, []bool{true, true}); !errors.Is(err, ErrOneClass) {
		t.Errorf("one class: err = %v", err)
	}
}

// pairAUC counts won pairs directly: O(P N).
func pairAUC(scores []float64, y []bool) float64 {
	var won, pairs float64
	for i := range scores {
		for j := range scores {
			if y[i] && !y[j] {
				pairs++
				switch {
				case scores[i] > scores[j]:
					won++
				case scores[i] == scores[j]:
					won += 0.5
				}
			}
		}
	}
	return won / pairs
}

func TestBootstrapAUC(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	const n = 2000
	scores, y := make([]float64, n), make([]bool, n)
	for i := range n {
		y[i] = rng.Float64() < 0.3
		scores[i] = math.Round(rng.NormFloat64()*4) / 4 // coarse: many ties
		if y[i] {
			scores[i] += 0.5
		}
	}
	r, err := BootstrapAUC(scores, y, 200, 9)
	if err != nil {
		t.Fatal(err)
	}
	if want := pairAUC(scores, y); math.Abs(r.AUC-want) > 1e-12 {
		t.Errorf("AUC %v, pair count %v", r.AUC, want)
	}
	if !(r.Lo < r.AUC && r.AUC < r.Hi) || r.Hi-r.Lo > 0.1 || r.Hi-r.Lo < 0.01 {
		t.Errorf("interval [%v, %v] around %v: want a few points wide, containing the AUC", r.Lo, r.Hi, r.AUC)
	}
	if r.Positives+r.Negatives != n {
		t.Errorf("%d + %d rows, want %d", r.Positives, r.Negatives, n)
	}
	again, _ := BootstrapAUC(scores, y, 200, 9)
	if again != r {
		t.Errorf("same seed: %+v then %+v", r, again)
	}
}

func TestFitLogisticRecoversPlantedRule(t *testing.T) {
	// y = 1 when 2 x0 - 3 x2 + 0.5 + noise > 0; x1, x3 are irrelevant and
	// x3 is on a much larger scale (standardisation must cope).
	rng := rand.New(rand.NewPCG(8, 8))
	const n, dim = 3000, 4
	x := make([]float32, n*dim)
	y := make([]bool, n)
	for i := range n {
		for j := range dim {
			x[i*dim+j] = float32(rng.NormFloat64())
		}
		x[i*dim+3] *= 1000
		y[i] = 2*float64(x[i*dim])-3*float64(x[i*dim+2])+0.5+0.5*rng.NormFloat64() > 0
	}
	train, test := n*7/10, n-n*7/10
	m, err := FitLogistic(x[:train*dim], train, dim, y[:train], DefaultLogisticConfig())
	if err != nil {
		t.Fatal(err)
	}
	if !m.Converged {
		t.Errorf("not converged after %d iterations", m.Iter)
	}
	if m.Coef[0] <= 1 || m.Coef[2] >= -1 {
		t.Errorf("coefficients %v: want x0 clearly positive, x2 clearly negative", m.Coef)
	}
	if math.Abs(m.Coef[1]) > 0.5 || math.Abs(m.Coef[3]) > 0.5 {
		t.Errorf("coefficients %v: want the irrelevant x1, x3 near 0", m.Coef)
	}
	if r := m.Coef[2] / m.Coef[0]; r > -1.2 || r < -1.8 {
		t.Errorf("coefficient ratio x2/x0 = %.3f, want about -1.5", r)
	}
	p := m.Predict(x[train*dim:], test)
	auc, err := AUC(p, y[train:])
	if err != nil {
		t.Fatal(err)
	}
	if auc < 0.95 {
		t.Errorf("test AUC = %.4f, want > 0.95", auc)
	}
	// The fit must be a stationary point of the penalised objective: check
	// the gradient numerically by central differences along each coefficient.
	f := func(coef []float64, b float64) float64 {
		var loss float64
		for i := range train {
			t := b
			for j := range dim {
				t += coef[j] * (float64(x[i*dim+j]) - m.Mean[j]) / m.Scale[j]
			}
			if !y[i] {
				t = -t
			}
			loss += softplus(-t)
		}
		var pen float64
		for _, c := range coef {
			pen += c * c
		}
		return pen/2 + loss // C = 1
	}
	for j := range dim {
		h := 1e-4
		up, dn := append([]float64(nil), m.Coef...), append([]float64(nil), m.Coef...)
		up[j] += h
		dn[j] -= h
		if g := (f(up, m.Intercept) - f(dn, m.Intercept)) / (2 * h); math.Abs(g) > 1e-2 {
			t.Errorf("d objective / d coef[%d] = %v at the fit, want ~0", j, g)
		}
	}
}

func TestFitLogisticErrors(t *testing.T) {
	x := []float32{1, 2, 3}
	if _, err := FitLogistic(x, 3, 1, []bool{true, true, true}, DefaultLogisticConfig()); !errors.Is(err, ErrOneClass) {
		t.Errorf("one class: err = %v", err)
	}
	err := LogisticConfig{}.Validate()
	if err == nil || len(err.(interface{ Unwrap() []error }).Unwrap()) != 3 {
		t.Errorf("Validate of zero config = %v, want 3 problems", err)
	}
}

func ExampleAUC() {
	scores := []float64{0.8, 0.5, 0.4, 0.4, 0.1}
	died := []bool{true, false, true, false, false}
	auc, _ := AUC(scores, died)
	fmt.Println(auc)
	// Output: 0.75
}

// Fitting on a list of rows must equal fitting on a copy of those rows.
func TestFitLogisticRowsMatchCopy(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 9))
	const n, dim = 600, 3
	x := make([]float32, n*dim)
	yAll := make([]bool, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64()*2 + 5) // far from centred: standardisation matters
	}
	for i := range yAll {
		yAll[i] = float64(x[i*dim])-float64(x[i*dim+1])+rng.NormFloat64() > 0
	}
	var rows []int
	var cp []float32
	var y []bool
	for i := 0; i < n; i += 3 {
		rows = append(rows, i)
		cp = append(cp, x[i*dim:(i+1)*dim]...)
		y = append(y, yAll[i])
	}
	a, err := fitLogistic(x, dim, rows, y, DefaultLogisticConfig())
	if err != nil {
		t.Fatal(err)
	}
	b, err := FitLogistic(cp, len(rows), dim, y, DefaultLogisticConfig())
	if err != nil {
		t.Fatal(err)
	}
	for j := range dim {
		if a.Coef[j] != b.Coef[j] || a.Mean[j] != b.Mean[j] {
			t.Errorf("feature %d: rows %v/%v, copy %v/%v", j, a.Coef[j], a.Mean[j], b.Coef[j], b.Mean[j])
		}
	}
	pa, pb := a.predictRows(x, 0, rows), b.Predict(cp, len(rows))
	for k := range pa {
		if pa[k] != pb[k] {
			t.Fatalf("prediction %d: %v vs %v", k, pa[k], pb[k])
		}
	}
}
