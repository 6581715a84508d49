package evaluate

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/optimize"
)

// LogisticConfig configures FitLogistic.
type LogisticConfig struct {
	// C is the inverse L2 regularisation strength, as scikit-learn's
	// LogisticRegression(C=...): the fit minimises
	// ||w||^2/2 + C * sum of log-losses (intercept not penalised).
	C float64
	// MaxIter bounds the L-BFGS iterations (gonum/optimize's major
	// iterations).
	MaxIter int
	// GradTol stops the fit when the largest gradient component of the
	// mean objective falls below it (gonum/optimize's GradientThreshold).
	GradTol float64
}

// DefaultLogisticConfig returns C = 1 (scikit-learn's default), MaxIter =
// 200 (scikit-learn's lbfgs uses 100; the extra room costs nothing on
// converging fits) and GradTol = 1e-6 (of the loss per sample: tight enough
// that AUC no longer moves in the fourth decimal).
func DefaultLogisticConfig() LogisticConfig {
	return LogisticConfig{C: 1, MaxIter: 200, GradTol: 1e-6}
}

// Validate reports every problem at once.
func (c LogisticConfig) Validate() error {
	var errs []error
	if !(c.C > 0) || math.IsInf(c.C, 0) {
		errs = append(errs, fmt.Errorf("evaluate: logistic C = %v; need a finite value > 0 (1 is the default)", c.C))
	}
	if c.MaxIter < 1 {
		errs = append(errs, fmt.Errorf("evaluate: logistic MaxIter = %d; need at least 1 (200 is the default)", c.MaxIter))
	}
	if !(c.GradTol > 0) {
		errs = append(errs, fmt.Errorf("evaluate: logistic GradTol = %v; need a value > 0 (1e-6 is the default)", c.GradTol))
	}
	return errors.Join(errs...)
}

// Logistic is a fitted logistic regression on standardised features:
// P(y=1 | x) = sigmoid(Intercept + sum_j Coef[j] (x_j - Mean[j]) / Scale[j]).
type Logistic struct {
	Coef      []float64 // per standardised feature
	Intercept float64
	Mean      []float64 // per feature, from the training rows
	Scale     []float64 // standard deviation per feature (1 when constant)
	Converged bool
	Iter      int
}

// ErrOneClass is returned when a fit or score needs both outcome classes
// and one is missing.
var ErrOneClass = errors.New("only one outcome class present")

// FitLogistic fits an L2-penalised logistic regression to the n rows of
// dimension dim in x (row-major) and the 0/1 outcomes y, after
// standardising each feature to mean 0 and variance 1. It minimises
// (||w||^2/2 + C sum_i log(1 + exp(-s_i z_i))) / (C n), s_i = 2y_i - 1,
// z_i = b + w·x_i, with gonum/optimize's L-BFGS, without copying the data.
// Scaling the objective by
// 1/(C n) changes nothing about its minimiser and keeps GradTol meaningful
// for any n.
func FitLogistic(x []float32, n, dim int, y []bool, cfg LogisticConfig) (*Logistic, error) {
	if dim < 1 || n < 0 || len(x) != n*dim || len(y) != n {
		return nil, fmt.Errorf("evaluate: logistic: %d floats and %d outcomes for %d rows of dimension %d", len(x), len(y), n, dim)
	}
	return fitLogistic(x, dim, nil, y, cfg)
}

// fitLogistic fits on the rows of x listed in rows (all rows when nil);
// y[k] is the outcome of the k-th of them. The features are standardised
// implicitly, by folding the means and scales into the weights at each
// evaluation, so no standardised copy of the data is made: memory stays
// O(rows + dim) whatever the size of the cohort.
func fitLogistic(x []float32, dim int, rows []int, y []bool, cfg LogisticConfig) (*Logistic, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n := len(y)
	row := func(k int) []float32 {
		r := k
		if rows != nil {
			r = rows[k]
		}
		return x[r*dim : (r+1)*dim]
	}
	pos := 0
	for _, v := range y {
		if v {
			pos++
		}
	}
	if pos == 0 || pos == n {
		return nil, fmt.Errorf("evaluate: logistic: %d positives of %d rows: %w", pos, n, ErrOneClass)
	}
	m := &Logistic{Mean: make([]float64, dim), Scale: make([]float64, dim)}
	ss := make([]float64, dim)
	for k := range n {
		for j, v := range row(k) {
			m.Mean[j] += float64(v)
			ss[j] += float64(v) * float64(v)
		}
	}
	for j := range dim {
		mean := m.Mean[j] / float64(n)
		sd := math.Sqrt(max(0, ss[j]/float64(n)-mean*mean))
		if sd == 0 {
			sd = 1
		}
		m.Mean[j], m.Scale[j] = mean, sd
	}
	lambda := 1 / (cfg.C * float64(n)) // penalty weight of the mean loss
	invN := 1 / float64(n)
	we := make([]float64, dim) // weights on the raw features
	gx := make([]float64, dim) // sum of g_k x_k on the raw features
	// eval returns the objective at p = (w, b), w on the standardised
	// features, and when grad != nil its gradient. With w'_j = w_j/scale_j
	// and b' = b - sum_j w'_j mean_j, the linear predictor on raw features
	// is b' + w'·x, and d/dw_j = (sum_k g_k x_kj - mean_j sum_k g_k)/scale_j.
	eval := func(grad, p []float64) float64 {
		w, b := p[:dim], p[dim]
		be := b
		for j := range dim {
			we[j] = w[j] / m.Scale[j]
			be -= we[j] * m.Mean[j]
		}
		clear(gx)
		var f, gsum float64
		for k := range n {
			xr := row(k)
			t := be
			for j, v := range xr {
				t += we[j] * float64(v)
			}
			if !y[k] {
				t = -t
			}
			f += softplus(-t)
			if grad != nil {
				// d/dz log(1+exp(-s z)) = -s sigmoid(-s z)
				g := -sigmoid(-t)
				if !y[k] {
					g = -g
				}
				gsum += g
				for j, v := range xr {
					gx[j] += g * float64(v)
				}
			}
		}
		f *= invN
		var pen float64
		for _, v := range w {
			pen += v * v
		}
		f += lambda * pen / 2
		if grad != nil {
			for j := range dim {
				grad[j] = (gx[j]-m.Mean[j]*gsum)/m.Scale[j]*invN + lambda*w[j]
			}
			grad[dim] = gsum * invN
		}
		return f
	}
	p0 := make([]float64, dim+1)
	// Start the intercept at the log-odds of the base rate.
	p0[dim] = math.Log(float64(pos) / float64(n-pos))
	p, iters, converged, err := minimizeLBFGS(eval, p0, cfg.MaxIter, cfg.GradTol)
	if err != nil {
		return nil, fmt.Errorf("evaluate: logistic: %w", err)
	}
	m.Iter, m.Converged = iters, converged
	m.Coef = p[:dim]
	m.Intercept = p[dim]
	return m, nil
}

// lbfgsMemory is the number of correction pairs L-BFGS keeps (Nocedal &
// Wright 2006 recommend 3-20; 10 is the common default and scikit-learn's).
const lbfgsMemory = 10

// minimizeLBFGS minimises a smooth function from x0 with gonum/optimize's
// L-BFGS (Nocedal & Wright 2006, Algorithm 7.4) and its default line search.
// eval(grad, x) returns f(x) and, when grad is not nil, stores the gradient
// in it. It stops when the largest gradient
// component is below gradTol (converged), when f stops decreasing
// (converged to rounding), or after maxIter iterations. It returns the
// minimiser, the iterations done and whether it converged.
func minimizeLBFGS(eval func(grad, x []float64) float64, x0 []float64, maxIter int, gradTol float64) ([]float64, int, bool, error) {
	// gonum asks for the value and the gradient separately, mostly at the
	// same point; one pass computes both, and the second ask reuses it.
	var atX []float64
	var f float64
	g := make([]float64, len(x0))
	at := func(x []float64) {
		if atX == nil || !slices.Equal(x, atX) {
			atX = append(atX[:0], x...)
			f = eval(g, x)
		}
	}
	problem := optimize.Problem{
		Func: func(x []float64) float64 { at(x); return f },
		Grad: func(grad, x []float64) { at(x); copy(grad, g) },
	}
	settings := &optimize.Settings{
		GradientThreshold: gradTol,
		MajorIterations:   maxIter,
		// A relative decrease below 1e-15 over 10 iterations is float64
		// rounding: the minimum is reached as closely as it can be.
		Converger: &optimize.FunctionConverge{Relative: 1e-15, Iterations: 10},
	}
	res, err := optimize.Minimize(problem, x0, settings, &optimize.LBFGS{Store: lbfgsMemory})
	if res == nil {
		return nil, 0, false, err
	}
	switch res.Status {
	case optimize.GradientThreshold, optimize.FunctionConvergence:
		return res.X, res.Stats.MajorIterations, true, nil
	case optimize.IterationLimit:
		return res.X, res.Stats.MajorIterations, false, nil
	}
	if err != nil {
		// A line search that can no longer decrease f has reached the
		// minimum to rounding; gonum reports it as a failure.
		if errors.Is(err, optimize.ErrLinesearcherFailure) || errors.Is(err, optimize.ErrNoProgress) {
			return res.X, res.Stats.MajorIterations, true, nil
		}
		return nil, res.Stats.MajorIterations, false, err
	}
	return res.X, res.Stats.MajorIterations, false, nil
}

// Predict returns P(y=1) for each of the n rows of x.
func (m *Logistic) Predict(x []float32, n int) []float64 {
	return m.predictRows(x, n, nil)
}

// predictRows returns P(y=1) for the rows of x listed in rows (the first n
// rows when nil).
func (m *Logistic) predictRows(x []float32, n int, rows []int) []float64 {
	dim := len(m.Coef)
	if rows != nil {
		n = len(rows)
	}
	out := make([]float64, n)
	for k := range n {
		r := k
		if rows != nil {
			r = rows[k]
		}
		t := m.Intercept
		for j, v := range x[r*dim : (r+1)*dim] {
			t += m.Coef[j] * (float64(v) - m.Mean[j]) / m.Scale[j]
		}
		out[k] = sigmoid(t)
	}
	return out
}

// softplus returns log(1 + exp(t)) without overflow.
func softplus(t float64) float64 {
	if t > 0 {
		return t + math.Log1p(math.Exp(-t))
	}
	return math.Log1p(math.Exp(t))
}

// sigmoid returns 1/(1+exp(-t)) without overflow.
func sigmoid(t float64) float64 {
	if t >= 0 {
		return 1 / (1 + math.Exp(-t))
	}
	e := math.Exp(t)
	return e / (1 + e)
}
