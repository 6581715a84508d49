package evaluate

import (
	"errors"
	"fmt"
	"math"
)

// LogisticConfig configures FitLogistic.
type LogisticConfig struct {
	// C is the inverse L2 regularisation strength, as scikit-learn's
	// LogisticRegression(C=...): the fit minimises
	// ||w||^2/2 + C * sum of log-losses (intercept not penalised).
	C float64
	// MaxIter bounds the L-BFGS iterations.
	MaxIter int
	// GradTol stops the fit when the largest gradient component of the
	// mean objective falls below it.
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
// z_i = b + w·x_i, with L-BFGS (lbfgs.go). Scaling the objective by
// 1/(C n) changes nothing about its minimiser and keeps GradTol meaningful
// for any n.
func FitLogistic(x []float32, n, dim int, y []bool, cfg LogisticConfig) (*Logistic, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if dim < 1 || len(x) != n*dim || len(y) != n {
		return nil, fmt.Errorf("evaluate: logistic: %d floats and %d outcomes for %d rows of dimension %d", len(x), len(y), n, dim)
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
	for j := range dim {
		var s, ss float64
		for i := range n {
			v := float64(x[i*dim+j])
			s += v
			ss += v * v
		}
		mean := s / float64(n)
		sd := math.Sqrt(max(0, ss/float64(n)-mean*mean))
		if sd == 0 {
			sd = 1
		}
		m.Mean[j], m.Scale[j] = mean, sd
	}
	z := make([]float64, n*dim) // standardised copy
	for i := range n {
		for j := range dim {
			z[i*dim+j] = (float64(x[i*dim+j]) - m.Mean[j]) / m.Scale[j]
		}
	}
	lambda := 1 / (cfg.C * float64(n)) // penalty weight of the mean loss
	invN := 1 / float64(n)
	margin := make([]float64, n)
	// eval returns the objective at p = (w, b) and, when grad != nil, its gradient.
	eval := func(grad, p []float64) float64 {
		w, b := p[:dim], p[dim]
		var f float64
		for i := range n {
			t := b
			row := z[i*dim : (i+1)*dim]
			for j, v := range row {
				t += w[j] * v
			}
			if !y[i] {
				t = -t
			}
			margin[i] = t
			f += softplus(-t)
		}
		f *= invN
		var pen float64
		for _, v := range w {
			pen += v * v
		}
		f += lambda * pen / 2
		if grad != nil {
			clear(grad)
			for i := range n {
				// d/dz log(1+exp(-s z)) = -s sigmoid(-s z)
				g := -sigmoid(-margin[i]) * invN
				if !y[i] {
					g = -g
				}
				row := z[i*dim : (i+1)*dim]
				for j, v := range row {
					grad[j] += g * v
				}
				grad[dim] += g
			}
			for j, v := range w {
				grad[j] += lambda * v
			}
		}
		return f
	}
	p0 := make([]float64, dim+1)
	// Start the intercept at the log-odds of the base rate.
	p0[dim] = math.Log(float64(pos) / float64(n-pos))
	p, iters, converged := lbfgs(eval, p0, cfg.MaxIter, cfg.GradTol)
	m.Iter, m.Converged = iters, converged
	m.Coef = p[:dim]
	m.Intercept = p[dim]
	return m, nil
}

// Predict returns P(y=1) for each of the n rows of x.
func (m *Logistic) Predict(x []float32, n int) []float64 {
	dim := len(m.Coef)
	out := make([]float64, n)
	for i := range n {
		t := m.Intercept
		for j := range dim {
			t += m.Coef[j] * (float64(x[i*dim+j]) - m.Mean[j]) / m.Scale[j]
		}
		out[i] = sigmoid(t)
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
