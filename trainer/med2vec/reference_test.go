package med2vec

import (
	"math"
	"slices"
)

// refParams is a float64 copy of params for the reference loss.
type refParams struct {
	C, m, n                int
	Wc, bc, Wv, bv, Ws, bs []float64
}

func toRef(p *params) *refParams {
	f := func(x []float32) []float64 {
		out := make([]float64, len(x))
		for i, v := range x {
			out[i] = float64(v)
		}
		return out
	}
	return &refParams{C: p.C, m: p.m, n: p.n, Wc: f(p.Wc), bc: f(p.bc), Wv: f(p.Wv), bv: f(p.bv), Ws: f(p.Ws), bs: f(p.bs)}
}

func (r *refParams) blocks() [6][]float64 { return [6][]float64{r.Wc, r.bc, r.Wv, r.bv, r.Ws, r.bs} }

// refLoss is a plain float64 transcription of the objective of the
// package doc, written independently of the fast path: per-visit forward
// pass, both directions of every valid visit pair with the offset-k mean,
// the full-softmax code loss over all ordered pairs, and λ||W_c||². rows
// are the batch's visits (codes) and seq their sequences.
func refLoss(p *refParams, rows [][]int32, seq []int, window int, l2 float64) float64 {
	C, m, n := p.C, p.m, p.n
	codes := make([][]int32, len(rows))
	for r, cs := range rows {
		cs = slices.Clone(cs)
		slices.Sort(cs)
		codes[r] = slices.Compact(cs)
	}
	// Forward pass of every row.
	probs := make([][]float64, len(rows))
	for r, cs := range codes {
		u := slices.Clone(p.bc)
		for _, c := range cs {
			for k := range m {
				u[k] += p.Wc[int(c)*m+k]
			}
		}
		for k := range u {
			u[k] = math.Max(0, u[k])
		}
		v := slices.Clone(p.bv)
		for j := range n {
			for k := range m {
				v[j] += u[k] * p.Wv[k*n+j]
			}
			v[j] = math.Max(0, v[j])
		}
		z := slices.Clone(p.bs)
		for j := range C {
			for k := range n {
				z[j] += v[k] * p.Ws[k*C+j]
			}
		}
		mx := slices.Max(z)
		var sum float64
		for j := range z {
			z[j] = math.Exp(z[j] - mx)
			sum += z[j]
		}
		for j := range z {
			z[j] /= sum
		}
		probs[r] = z
	}
	bce := func(pr []float64, tgt []int32) float64 {
		y := make([]bool, C)
		for _, c := range tgt {
			y[c] = true
		}
		var l float64
		for j, pj := range pr {
			if y[j] {
				l -= math.Log(pj + logEps)
			} else {
				l -= math.Log(1 - pj + logEps)
			}
		}
		return l
	}
	var loss float64
	for k := 1; k <= window; k++ {
		var sum float64
		nk := 0
		for t := 0; t+k < len(rows); t++ {
			if seq[t] != seq[t+k] {
				continue
			}
			nk++
			sum += bce(probs[t], codes[t+k]) + bce(probs[t+k], codes[t])
		}
		if nk > 0 {
			loss += sum / float64(nk)
		}
	}
	// Code loss.
	q := make([]float64, len(p.Wc))
	for i, x := range p.Wc {
		q[i] = math.Max(0, x)
	}
	var codeSum float64
	pairs := 0
	for _, cs := range codes {
		for _, i := range cs {
			for _, j := range cs {
				if i == j {
					continue
				}
				pairs++
				s := make([]float64, C)
				for c := range C {
					for k := range m {
						s[c] += q[int(i)*m+k] * q[c*m+k]
					}
				}
				mx := slices.Max(s)
				var sum float64
				for _, x := range s {
					sum += math.Exp(x - mx)
				}
				codeSum -= math.Log(math.Exp(s[j]-mx)/sum + logEps)
			}
		}
	}
	if pairs > 0 {
		loss += codeSum / float64(pairs)
	}
	var sq float64
	for _, x := range p.Wc {
		sq += x * x
	}
	return loss + l2*sq
}
