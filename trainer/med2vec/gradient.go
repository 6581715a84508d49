package med2vec

import (
	"math"
	"sync"
)

// logEps is the reference's ε inside every log (--log_eps 1e-8).
const logEps = 1e-8

// worker computes the gradient of one share of a minibatch: a contiguous
// chunk of the batch's predicting rows (visit objective) and a contiguous
// chunk of its distinct source codes (code objective). Its scratch buffers
// grow to the largest share seen and are reused.
type worker struct {
	grad *params   // visit-path gradient; grad.Wc also gets nothing from the code path
	dQ   []float32 // code-path gradient wrt Q = ReLU(W_c), C x m
	loss float64

	u, v, z, dv, du []float32 // visit path: rows x m, rows x n, rows x C, rows x n, rows x m
	qi, s, dqi      []float32 // code path: srcs x m, srcs x C, srcs x m
	corr            []float64
	mm              *gemmer
}

func newWorker(C, m, n int) *worker {
	return &worker{grad: newParams(C, m, n), dQ: make([]float32, C*m), mm: newGemmer(bestKernel())}
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// bestKernel is the fastest SGEMM micro-kernel this CPU runs, or nil for
// gonum's blas32.Gemm.
func bestKernel() *microKernel {
	if ks := gemmKernels(); len(ks) > 0 {
		return ks[0]
	}
	return nil
}

// visit adds the visit objective of prediction rows b.pred[lo:hi] to w.grad
// and w.loss (package doc, Objective):
//
//	u = ReLU(b_c + Σ_{c∈x} W_c[c]);  v = ReLU(u W_v + b_v);  p = softmax(v W_s + b_s)
//	L = Σ_targets s · BCE(p, y_target),  BCE(p,y) = −Σ_j y_j log(p_j+ε) + (1−y_j) log(1−p_j+ε)
func (w *worker) visit(p *params, b *batch, lo, hi int) {
	rows := hi - lo
	if rows <= 0 {
		return
	}
	C, m, n := p.C, p.m, p.n
	w.u, w.v, w.z = grow(w.u, rows*m), grow(w.v, rows*n), grow(w.z, rows*C)
	w.dv, w.du = grow(w.dv, rows*n), grow(w.du, rows*m)
	u, v, z := w.u, w.v, w.z

	// u = ReLU(b_c + Σ W_c[c]): a sparse gather-sum.
	for r := range rows {
		ur := u[r*m : (r+1)*m]
		copy(ur, p.bc)
		for _, c := range b.rowCodes(b.pred[lo+r]) {
			for k, x := range p.Wc[int(c)*m : (int(c)+1)*m] {
				ur[k] += x
			}
		}
		relu(ur)
	}
	// v = ReLU(u W_v + b_v).
	for r := range rows {
		copy(v[r*n:(r+1)*n], p.bv)
	}
	w.mm.gemm(false, false, rows, n, m, u, m, p.Wv, n, 1, v, n)
	relu(v)
	// z = v W_s + b_s, then z becomes p = softmax(z) and then dL/dz.
	for r := range rows {
		copy(z[r*C:(r+1)*C], p.bs)
	}
	w.mm.gemm(false, false, rows, C, n, v, n, p.Ws, C, 1, z, C)
	for r := range rows {
		zr := z[r*C : (r+1)*C]
		softmax(zr)
		i := lo + r
		w.loss += bceBackward(zr, b.predW[i], b, b.tgt[b.tgtOff[i]:b.tgtOff[i+1]], b.tgtW[b.tgtOff[i]:b.tgtOff[i+1]], &w.corr)
	}
	g := w.grad
	// dW_s += vᵀ dz;  db_s += Σ dz;  dv = dz W_sᵀ ⊙ [v > 0].
	w.mm.gemm(true, false, n, C, rows, v, n, z, C, 1, g.Ws, C)
	colSum(g.bs, z, rows, C)
	w.mm.gemm(false, true, rows, n, C, z, C, p.Ws, C, 0, w.dv, n)
	reluMask(w.dv, v)
	// dW_v += uᵀ dv;  db_v += Σ dv;  du = dv W_vᵀ ⊙ [u > 0].
	w.mm.gemm(true, false, m, n, rows, u, m, w.dv, n, 1, g.Wv, n)
	colSum(g.bv, w.dv, rows, n)
	w.mm.gemm(false, true, rows, m, n, w.dv, n, p.Wv, n, 0, w.du, m)
	reluMask(w.du, u)
	// db_c += Σ du;  dW_c[c] += du[r] for every code c of row r.
	colSum(g.bc, w.du, rows, m)
	for r := range rows {
		dur := w.du[r*m : (r+1)*m]
		for _, c := range b.rowCodes(b.pred[lo+r]) {
			gc := g.Wc[int(c)*m : (int(c)+1)*m]
			for k, x := range dur {
				gc[k] += x
			}
		}
	}
}

// bceBackward takes the softmax output p of one predicting row, whose
// targets are rows tgt with weights tw (summing to wsum), returns the row's
// visit loss and overwrites p with dL/dz. With G = dL/dp,
//
//	G_j = wsum/(1−p_j+ε) + Σ_{targets t∋j} tw_t·(−1/(p_j+ε) − 1/(1−p_j+ε))
//	dL/dz_j = p_j·(G_j − Σ_k G_k p_k)
//
// computed in float64 without materialising G; corr is scratch space for
// the target corrections p_j·δ_j.
func bceBackward(p []float32, wsum float64, b *batch, tgt []int32, tw []float64, corr *[]float64) float64 {
	var loss, gp float64
	for _, pj := range p {
		q := 1 - float64(pj) + logEps
		loss -= wsum * math.Log(q)
		gp += float64(pj) * wsum / q
	}
	*corr = (*corr)[:0]
	for t, row := range tgt {
		s := tw[t]
		for _, c := range b.rowCodes(row) {
			pj := float64(p[c])
			loss -= s * (math.Log(pj+logEps) - math.Log(1-pj+logEps))
			d := pj * s * (-1/(pj+logEps) - 1/(1-pj+logEps))
			gp += d
			*corr = append(*corr, d)
		}
	}
	for j, pj := range p {
		x := float64(pj)
		p[j] = float32(x * (wsum/(1-x+logEps) - gp))
	}
	k := 0
	for _, row := range tgt {
		for _, c := range b.rowCodes(row) {
			p[c] += float32((*corr)[k])
			k++
		}
	}
	return loss
}

// code adds the code objective of sources b.src[lo:hi] to w.dQ and w.loss
// (package doc, Objective). With Q = ReLU(W_c) (no b_c) and M the
// number of ordered pairs in the whole batch,
//
//	L = (1/M) Σ_(i,j) −log(softmax_k(q_i·q_k)[j] + ε)
//
// For each source i the C-wide softmax row π_i is computed once (log-sum-exp
// with the row maximum subtracted) and shared by all its pairs. With
// ρ_ij = p_ij/(p_ij+ε) and A[i,:] = (1/M)((Σ_j n_ij ρ_ij) π_i − Σ_j n_ij ρ_ij e_j),
// the gradient is dQ[I] += A Q (input role) and dQ += Aᵀ Q[I] (output role).
func (w *worker) code(q []float32, p *params, b *batch, lo, hi int) {
	ns := hi - lo
	if ns <= 0 || b.pairs == 0 {
		return
	}
	C, m := p.C, p.m
	w.qi, w.s, w.dqi = grow(w.qi, ns*m), grow(w.s, ns*C), grow(w.dqi, ns*m)
	for r := range ns {
		i := int(b.src[lo+r])
		copy(w.qi[r*m:(r+1)*m], q[i*m:(i+1)*m])
	}
	// S = Q[I] Qᵀ, then each row becomes A[i,:] in place.
	w.mm.gemm(false, true, ns, C, m, w.qi, m, q, m, 0, w.s, C)
	invM := 1 / float64(b.pairs)
	for r := range ns {
		sr := w.s[r*C : (r+1)*C]
		s := lo + r
		dst, cnt := b.dst[b.dstOff[s]:b.dstOff[s+1]], b.dstN[b.dstOff[s]:b.dstOff[s+1]]
		// Target scores are read before the softmax overwrites the row.
		w.corr = w.corr[:0]
		for _, j := range dst {
			w.corr = append(w.corr, float64(sr[j]))
		}
		lse := softmax(sr)
		var rsum float64
		for t := range dst {
			pij := math.Exp(w.corr[t] - lse)
			w.loss -= cnt[t] * invM * math.Log(pij+logEps)
			nr := cnt[t] * pij / (pij + logEps)
			rsum += nr
			w.corr[t] = nr
		}
		coef := float32(rsum * invM)
		for k := range sr {
			sr[k] *= coef
		}
		for t, j := range dst {
			sr[j] -= float32(w.corr[t] * invM)
		}
	}
	// Input role: dQ[i] += Σ_k A[i,k] q_k.
	w.mm.gemm(false, false, ns, m, C, w.s, C, q, m, 0, w.dqi, m)
	for r := range ns {
		i := int(b.src[lo+r])
		dq := w.dQ[i*m : (i+1)*m]
		for k, x := range w.dqi[r*m : (r+1)*m] {
			dq[k] += x
		}
	}
	// Output role: dQ[k] += Σ_i A[i,k] q_i, for every code k.
	w.mm.gemm(true, false, C, m, ns, w.s, C, w.qi, m, 1, w.dQ, m)
}

// relu sets the negative entries of x to zero.
func relu(x []float32) {
	for i, v := range x {
		if v < 0 {
			x[i] = 0
		}
	}
}

// reluMask zeroes g where the ReLU output y is zero (the ReLU derivative).
func reluMask(g, y []float32) {
	for i, v := range y {
		if v <= 0 {
			g[i] = 0
		}
	}
}

// colSum adds the column sums of the rows x cols matrix a to dst.
func colSum(dst, a []float32, rows, cols int) {
	for r := range rows {
		for k, x := range a[r*cols : (r+1)*cols] {
			dst[k] += x
		}
	}
}

// softmax overwrites x with softmax(x) and returns log Σ exp(x_k) of the
// input. The maximum is subtracted before exponentiating, so no exponential
// overflows (the reference's code-level softmax has no such guard and
// overflows to NaN: package doc, Pitfalls); the sum is kept in float64.
func softmax(x []float32) float64 {
	mx := float32(math.Inf(-1))
	for _, v := range x {
		mx = max(mx, v)
	}
	var sum float64
	for i, v := range x {
		e := math.Exp(float64(v - mx))
		x[i] = float32(e)
		sum += e
	}
	inv := float32(1 / sum)
	for i := range x {
		x[i] *= inv
	}
	return float64(mx) + math.Log(sum)
}

// gradient is the per-minibatch driver: it splits a batch across its
// workers, sums their gradients in worker order into grad and adds the L2
// term, so a result depends only on the number of workers.
type gradient struct {
	p       *params
	workers []*worker
	grad    *params
	q       []float32
	l2      float64
}

func newGradient(p *params, workers int, l2 float64) *gradient {
	g := &gradient{p: p, grad: newParams(p.C, p.m, p.n), q: make([]float32, p.C*p.m), l2: l2}
	for range workers {
		g.workers = append(g.workers, newWorker(p.C, p.m, p.n))
	}
	return g
}

// compute fills g.grad with the gradient of the batch loss and returns the
// loss: visit + code + λ||W_c||².
func (g *gradient) compute(b *batch) float64 {
	p := g.p
	for k, x := range p.Wc {
		g.q[k] = max(0, x)
	}
	nw := len(g.workers)
	var wg sync.WaitGroup
	for k, w := range g.workers {
		w.grad.zero()
		clear(w.dQ)
		w.loss = 0
		plo, phi := k*len(b.pred)/nw, (k+1)*len(b.pred)/nw
		slo, shi := k*len(b.src)/nw, (k+1)*len(b.src)/nw
		wg.Go(func() {
			w.visit(p, b, plo, phi)
			w.code(g.q, p, b, slo, shi)
		})
	}
	wg.Wait()
	g.grad.zero()
	loss := 0.0
	dq := g.workers[0].dQ
	for k, w := range g.workers {
		g.grad.add(w.grad)
		loss += w.loss
		if k > 0 {
			for i, x := range w.dQ {
				dq[i] += x
			}
		}
	}
	// dW_c += dQ ⊙ [W_c > 0] + 2λ W_c;  L += λ||W_c||².
	l2 := float32(2 * g.l2)
	var sq float64
	for i, x := range p.Wc {
		if x > 0 {
			g.grad.Wc[i] += dq[i]
		}
		g.grad.Wc[i] += l2 * x
		sq += float64(x) * float64(x)
	}
	return loss + g.l2*sq
}
