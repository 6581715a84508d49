package evaluate

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"gonum.org/v1/gonum/integrate"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// The numerics evaluate computes itself, checked against gonum where gonum
// computes the same quantity another way: AUC by the trapezoid under
// stat.ROC (which handles ties as diagonal steps, the same as average
// ranks), the bootstrap percentile against stat.Quantile, the mutual
// information against stat.KullbackLeibler, the standardisation against
// stat.PopMeanStdDev, and the logistic fit against Newton's method solved
// with gonum/mat.

func TestAUCMatchesGonumROC(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		name   string
		n      int
		levels int // distinct score values; small means many ties
	}{{"no ties", 500, 0}, {"many ties", 500, 7}, {"two values", 200, 2}, {"tiny", 5, 3}} {
		t.Run(c.name, func(t *testing.T) {
			scores := make([]float64, c.n)
			y := make([]bool, c.n)
			for i := range scores {
				y[i] = rng.Float64() < 0.3
				v := rng.NormFloat64()
				if y[i] {
					v += 0.8
				}
				if c.levels > 0 {
					v = math.Round(v * float64(c.levels) / 4)
				}
				scores[i] = v
			}
			y[0], y[1] = true, false // both classes present
			got, err := AUC(scores, y)
			if err != nil {
				t.Fatal(err)
			}
			if want := gonumAUC(scores, y); math.Abs(got-want) > 1e-12 {
				t.Errorf("AUC %v, gonum's ROC trapezoid %v", got, want)
			}
		})
	}
}

// gonumAUC is the area under gonum's ROC curve by the trapezoid rule.
func gonumAUC(scores []float64, y []bool) float64 {
	s := slices.Clone(scores)
	cl := slices.Clone(y)
	stat.SortWeightedLabeled(s, cl, nil)
	tpr, fpr, _ := stat.ROC(nil, s, cl, nil)
	return integrate.Trapezoidal(fpr, tpr)
}

// quantile is numpy's "linear" (Hyndman & Fan type 7) rule, position
// 1 + q(n-1); gonum's LinInterp is type 4, position pn. The two agree at
// p = (1 + q(n-1))/n.
func TestQuantileMatchesGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{2, 3, 10, 200} {
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		sort.Float64s(v)
		for _, q := range []float64{0, 0.025, 0.3, 0.5, 0.975, 1} {
			p := (1 + q*float64(n-1)) / float64(n)
			want := stat.Quantile(p, stat.LinInterp, v, nil)
			if got := quantile(v, q); math.Abs(got-want) > 1e-12 {
				t.Errorf("n %d q %v: quantile %v, gonum %v", n, q, got, want)
			}
		}
	}
}

// MI(U,V) is the Kullback-Leibler divergence of the joint distribution from
// the product of the marginals.
func TestMutualInformationMatchesGonumKL(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	a, b := make([]int, 3000), make([]int, 3000)
	for i := range a {
		a[i] = rng.IntN(40)
		b[i] = (a[i] + rng.IntN(6)) % 25
	}
	ct := NewContingency(a, b)
	n := float64(ct.N)
	var joint, indep []float64
	for i, row := range ct.Counts {
		for j, nij := range row {
			joint = append(joint, float64(nij)/n)
			indep = append(indep, float64(ct.Rows[i])*float64(ct.Cols[j])/(n*n))
		}
	}
	want := stat.KullbackLeibler(joint, indep)
	if got := ct.MutualInformation(); math.Abs(got-want) > 1e-12 {
		t.Errorf("MI %v, gonum KL %v", got, want)
	}
}

func TestLogisticScalingMatchesGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const n, dim = 400, 3
	x := make([]float32, n*dim)
	y := make([]bool, n)
	for i := range n {
		for j := range dim {
			x[i*dim+j] = float32(rng.NormFloat64()*float64(j+1) + 3)
		}
		y[i] = x[i*dim] > 3
	}
	m, err := FitLogistic(x, n, dim, y, DefaultLogisticConfig())
	if err != nil {
		t.Fatal(err)
	}
	col := make([]float64, n)
	for j := range dim {
		for i := range n {
			col[i] = float64(x[i*dim+j])
		}
		mean, sd := stat.PopMeanStdDev(col, nil)
		if math.Abs(m.Mean[j]-mean) > 1e-9 || math.Abs(m.Scale[j]-sd) > 1e-9*sd {
			t.Errorf("feature %d: mean %v sd %v, gonum %v %v", j, m.Mean[j], m.Scale[j], mean, sd)
		}
	}
}

// The L-BFGS fit reaches the minimiser Newton's method reaches on the same
// (strictly convex) objective, and the downstream AUC of the two is the same.
func TestFitLogisticMatchesNewton(t *testing.T) {
	for _, dim := range []int{4, 30} {
		rng := rand.New(rand.NewPCG(11, uint64(dim)))
		n := 2000
		x := make([]float32, n*dim)
		y := make([]bool, n)
		for i := range n {
			var z float64
			for j := range dim {
				v := rng.NormFloat64()*float64(1+j%3) + float64(j%4)
				x[i*dim+j] = float32(v)
				z += v * math.Sin(float64(j+1))
			}
			y[i] = z+rng.NormFloat64()*2 > 0.5*float64(dim)
		}
		train := n * 7 / 10
		cfg := DefaultLogisticConfig()
		cfg.C = 0.5
		m, err := FitLogistic(x[:train*dim], train, dim, y[:train], cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !m.Converged {
			t.Errorf("dim %d: not converged after %d iterations", dim, m.Iter)
		}
		coef, b := newtonLogistic(t, x[:train*dim], train, dim, y[:train], m.Mean, m.Scale, cfg.C)
		for j := range dim {
			if math.Abs(m.Coef[j]-coef[j]) > 1e-4*max(1, math.Abs(coef[j])) {
				t.Errorf("dim %d: coef[%d] = %v, Newton %v", dim, j, m.Coef[j], coef[j])
			}
		}
		if math.Abs(m.Intercept-b) > 1e-4*max(1, math.Abs(b)) {
			t.Errorf("dim %d: intercept %v, Newton %v", dim, m.Intercept, b)
		}
		ref := &Logistic{Coef: coef, Intercept: b, Mean: m.Mean, Scale: m.Scale}
		got, _ := AUC(m.Predict(x[train*dim:], n-train), y[train:])
		want, _ := AUC(ref.Predict(x[train*dim:], n-train), y[train:])
		if math.Abs(got-want) > 1e-4 {
			t.Errorf("dim %d: test AUC %v, Newton's %v", dim, got, want)
		}
	}
}

// newtonLogistic minimises ||w||^2/2 + C sum log(1+exp(-s z)) on the
// standardised features by Newton's method (the Hessian solved by
// gonum/mat's Cholesky), to 1e-10 in the step.
func newtonLogistic(t *testing.T, x []float32, n, dim int, y []bool, mean, scale []float64, C float64) ([]float64, float64) {
	t.Helper()
	p := dim + 1
	z := mat.NewDense(n, p, nil)
	for i := range n {
		for j := range dim {
			z.Set(i, j, (float64(x[i*dim+j])-mean[j])/scale[j])
		}
		z.Set(i, dim, 1)
	}
	w := make([]float64, p)
	for range 100 {
		g := make([]float64, p)
		h := mat.NewSymDense(p, nil)
		for i := range n {
			row := z.RawRowView(i)
			var t float64
			for j, v := range row {
				t += w[j] * v
			}
			pr := sigmoid(t)
			yi := 0.0
			if y[i] {
				yi = 1
			}
			for j, v := range row {
				g[j] += C * (pr - yi) * v
			}
			wt := C * pr * (1 - pr)
			for j := range p {
				for k := j; k < p; k++ {
					h.SetSym(j, k, h.At(j, k)+wt*row[j]*row[k])
				}
			}
		}
		for j := range dim { // the penalty leaves the intercept alone
			g[j] += w[j]
			h.SetSym(j, j, h.At(j, j)+1)
		}
		var ch mat.Cholesky
		if !ch.Factorize(h) {
			t.Fatal("Newton: Hessian not positive definite")
		}
		var step mat.VecDense
		if err := ch.SolveVecTo(&step, mat.NewVecDense(p, g)); err != nil {
			t.Fatal(err)
		}
		var size float64
		for j := range p {
			w[j] -= step.AtVec(j)
			size = max(size, math.Abs(step.AtVec(j)))
		}
		if size < 1e-10 {
			return w[:dim], w[dim]
		}
	}
	t.Fatal("Newton did not converge")
	return nil, 0
}
