package med2vec

import (
	"math"
	"math/rand/v2"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

// params holds the six parameter blocks, row-major float32, in the
// reference's row-vector convention (package doc, Model):
//
//	Wc  C x m   code embedding W_c (W_emb)
//	bc  m       b_c (b_emb)
//	Wv  m x n   W_v (W_hidden)
//	bv  n       b_v (b_hidden)
//	Ws  n x C   softmax weights W_s (W_output)
//	bs  C       b_s (b_output)
//
// A gradient buffer and the two Adadelta accumulators are values of the same
// type.
type params struct {
	C, m, n int

	Wc, bc, Wv, bv, Ws, bs []float32
}

func newParams(C, m, n int) *params {
	return &params{
		C: C, m: m, n: n,
		Wc: make([]float32, C*m), bc: make([]float32, m),
		Wv: make([]float32, m*n), bv: make([]float32, n),
		Ws: make([]float32, n*C), bs: make([]float32, C),
	}
}

// blocks returns the six blocks in a fixed order.
func (p *params) blocks() [6][]float32 {
	return [6][]float32{p.Wc, p.bc, p.Wv, p.bv, p.Ws, p.bs}
}

// blockNames names blocks() for messages and tests.
var blockNames = [6]string{"W_c", "b_c", "W_v", "b_v", "W_s", "b_s"}

// initScale is the half-width of the reference's uniform weight
// initialisation, U(-0.01, 0.01); biases start at zero.
const initScale = 0.01

// initUniform fills the weight matrices from rng in the order W_c, W_v, W_s.
func (p *params) initUniform(rng *rand.Rand) {
	for _, w := range [][]float32{p.Wc, p.Wv, p.Ws} {
		for i := range w {
			w[i] = float32((2*rng.Float64() - 1) * initScale)
		}
	}
}

// zero clears every block.
func (p *params) zero() {
	for _, b := range p.blocks() {
		clear(b)
	}
}

// add adds q to p block by block.
func (p *params) add(q *params) {
	pb, qb := p.blocks(), q.blocks()
	for k := range pb {
		dst, src := pb[k], qb[k]
		for i, v := range src {
			dst[i] += v
		}
	}
}

// finite reports whether every parameter is finite.
func (p *params) finite() bool {
	for _, b := range p.blocks() {
		for _, v := range b {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return false
			}
		}
	}
	return true
}

// adadelta is Zeiler's Adadelta as the reference applies it to every block
// after every minibatch (package doc, Objective):
//
//	Eg2  <- rho*Eg2 + (1-rho)*g²
//	d    <- -sqrt(Edx2 + eps) / sqrt(Eg2 + eps) * g   (new Eg2, old Edx2)
//	Edx2 <- rho*Edx2 + (1-rho)*d²
//	θ    <- θ + d
type adadelta struct {
	rho, eps  float64
	eg2, edx2 *params
}

func newAdadelta(C, m, n int, rho, eps float64) *adadelta {
	return &adadelta{rho: rho, eps: eps, eg2: newParams(C, m, n), edx2: newParams(C, m, n)}
}

// step applies one update of theta with gradient g.
func (a *adadelta) step(theta, g *params) {
	rho, eps := float32(a.rho), float32(a.eps)
	tb, gb, eb, xb := theta.blocks(), g.blocks(), a.eg2.blocks(), a.edx2.blocks()
	for k := range tb {
		th, gr, eg, ex := tb[k], gb[k], eb[k], xb[k]
		for i, gi := range gr {
			e := rho*eg[i] + (1-rho)*gi*gi
			eg[i] = e
			d := -sqrt32(ex[i]+eps) / sqrt32(e+eps) * gi
			ex[i] = rho*ex[i] + (1-rho)*d*d
			th[i] += d
		}
	}
}

func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }

// export builds the embedding set of every vocabulary token under e.
func (p *params) export(v *corpus.Vocab, e Export) *embedding.Set {
	set := &embedding.Set{
		Tokens:  append([]string(nil), v.Words...),
		Kinds:   append([]corpus.Kind(nil), v.Kinds...),
		Dim:     p.m,
		Vectors: make([]float32, p.C*p.m),
	}
	for c := range p.C {
		src, dst := p.Wc[c*p.m:(c+1)*p.m], set.Vectors[c*p.m:(c+1)*p.m]
		for k, w := range src {
			switch e {
			case ExportReLUBias:
				dst[k] = max(0, w+p.bc[k])
			case ExportReLU:
				dst[k] = max(0, w)
			default:
				dst[k] = w
			}
		}
	}
	return set
}
