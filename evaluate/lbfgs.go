package evaluate

import "math"

// lbfgsMemory is the number of correction pairs L-BFGS keeps (Nocedal &
// Wright 2006 recommend 3-20; 10 is the common default).
const lbfgsMemory = 10

// lbfgs minimises a smooth function f from x0 with limited-memory BFGS
// (Nocedal & Wright 2006, Algorithm 7.4, two-loop recursion) and a
// backtracking line search enforcing the Armijo condition
// f(x + t d) <= f(x) + 1e-4 t g·d. eval(grad, x) returns f(x) and, when
// grad is not nil, stores the gradient in it. It stops when the largest
// gradient component is below gradTol (converged), when a line search can no
// longer decrease f (converged to rounding), or after maxIter iterations.
// It returns the minimiser, the iterations done and whether it converged.
//
// gonum/optimize has an L-BFGS too, but importing it pulls in a module
// (golang.org/x/tools) that go.mod does not carry.
func lbfgs(eval func(grad, x []float64) float64, x0 []float64, maxIter int, gradTol float64) ([]float64, int, bool) {
	n := len(x0)
	x := append([]float64(nil), x0...)
	g := make([]float64, n)
	f := eval(g, x)
	s := make([][]float64, 0, lbfgsMemory)
	y := make([][]float64, 0, lbfgsMemory)
	rho := make([]float64, 0, lbfgsMemory)
	alpha := make([]float64, lbfgsMemory)
	d := make([]float64, n)
	xNew := make([]float64, n)
	gNew := make([]float64, n)
	for it := 1; it <= maxIter; it++ {
		if maxAbs(g) < gradTol {
			return x, it - 1, true
		}
		// d = -H g by the two-loop recursion.
		for i := range d {
			d[i] = -g[i]
		}
		for k := len(s) - 1; k >= 0; k-- {
			alpha[k] = rho[k] * dotF64(s[k], d)
			axpyF64(-alpha[k], y[k], d)
		}
		if k := len(s) - 1; k >= 0 {
			gamma := dotF64(s[k], y[k]) / dotF64(y[k], y[k])
			for i := range d {
				d[i] *= gamma
			}
		} else if gn := math.Sqrt(dotF64(g, g)); gn > 0 {
			// First step: a unit-length move along -g.
			for i := range d {
				d[i] /= gn
			}
		}
		for k := range s {
			beta := rho[k] * dotF64(y[k], d)
			axpyF64(alpha[k]-beta, s[k], d)
		}
		gd := dotF64(g, d)
		if gd >= 0 { // not a descent direction: restart from steepest descent
			s, y, rho = s[:0], y[:0], rho[:0]
			for i := range d {
				d[i] = -g[i]
			}
			gd = dotF64(g, d)
		}
		t := 1.0
		var fNew float64
		accepted := false
		for range 40 {
			for i := range x {
				xNew[i] = x[i] + t*d[i]
			}
			fNew = eval(gNew, xNew)
			if fNew <= f+1e-4*t*gd {
				accepted = true
				break
			}
			t /= 2
		}
		if !accepted {
			return x, it, true // no decrease possible at float64 precision
		}
		// Store the correction pair, dropping the oldest when full.
		var sk, yk []float64
		if len(s) == lbfgsMemory {
			sk, yk = s[0], y[0]
			s, y, rho = append(s[:0], s[1:]...), append(y[:0], y[1:]...), append(rho[:0], rho[1:]...)
		} else {
			sk, yk = make([]float64, n), make([]float64, n)
		}
		for i := range x {
			sk[i] = xNew[i] - x[i]
			yk[i] = gNew[i] - g[i]
		}
		if sy := dotF64(sk, yk); sy > 1e-300 {
			s, y, rho = append(s, sk), append(y, yk), append(rho, 1/sy)
		}
		copy(x, xNew)
		copy(g, gNew)
		fOld := f
		f = fNew
		if math.Abs(fOld-f) <= 1e-15*max(1, math.Abs(f)) && maxAbs(g) < 100*gradTol {
			return x, it, true
		}
	}
	return x, maxIter, maxAbs(g) < gradTol
}

func dotF64(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

func axpyF64(a float64, x, y []float64) {
	for i, v := range x {
		y[i] += a * v
	}
}

func maxAbs(v []float64) float64 {
	var m float64
	for _, x := range v {
		m = max(m, math.Abs(x))
	}
	return m
}
