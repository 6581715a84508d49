package trainer

import (
	"math"

	"github.com/hiervec/hiervec/corpus"
)

// probeSize is the number of predictions of the probe: enough that the
// probe loss's sampling error (a few thousandths) is far below its change
// over a run, few enough that scoring it costs a fraction of a second.
const probeSize = 4096

// probeStream is the random stream the probe is drawn from; workers use
// streams 1.. and the initialiser 0, so drawing the probe changes no
// trained vector.
const probeStream = 1 << 40

// probe is a fixed sample of the model's own predictions, drawn once from
// the corpus before training: for Skip-Gram a (context, centre) pair, for
// CBOW a centre with the words of its window, each with Negative noise
// words drawn as training draws them. Its mean loss, scored with the
// vectors as they are at the end of each epoch, is the quantity Progress
// reports: the objective on the same predictions every time, so it falls
// when training works. (The loss of the pairs being trained, which earlier
// versions reported, need not fall: later epochs train with a smaller
// learning rate on vectors whose norms have grown, and each report covered
// other pairs than the one before.)
type probe struct {
	inputs  [][]int32 // per prediction: the input words whose (mean) vector predicts
	targets [][]int32 // per prediction: the centre word, then its noise words
}

// newProbe draws the probe from c.
func newProbe(sh *shared, c *corpus.Corpus) *probe {
	n := c.Tokens.Len()
	p := &probe{}
	if n == 0 {
		return p
	}
	r := newRNG(sh.cfg.Seed, probeStream)
	seqOf := func(pos int) (lo, hi int) {
		// The sequence holding pos: binary search of the offsets.
		i, j := 0, len(c.Seqs)-1
		for i+1 < j {
			m := (i + j) / 2
			if c.Seqs[m] <= int64(pos) {
				i = m
			} else {
				j = m
			}
		}
		return int(c.Seqs[i]), int(c.Seqs[i+1])
	}
	for tries := 0; len(p.targets) < probeSize && tries < 4*probeSize; tries++ {
		pos := int(r.intn(uint32(n)))
		lo, hi := seqOf(pos)
		if hi-lo < 2 {
			continue
		}
		centre := c.Tokens.At(pos)
		b := sh.cfg.Window
		if sh.cfg.ShrinkWindow {
			b = 1 + int(r.intn(uint32(sh.cfg.Window)))
		}
		var in []int32
		if sh.cfg.Model == CBOW {
			for q := max(lo, pos-b); q < min(hi, pos+b+1); q++ {
				if q != pos {
					in = append(in, c.Tokens.At(q))
				}
			}
		} else {
			q := pos
			for q == pos {
				q = max(lo, pos-b) + int(r.intn(uint32(min(hi, pos+b+1)-max(lo, pos-b))))
			}
			in = []int32{c.Tokens.At(q)}
		}
		if len(in) == 0 {
			continue
		}
		t := []int32{centre}
		for range sh.cfg.Negative {
			if neg := sh.noise.draw(r.next()); neg != centre {
				t = append(t, neg)
			}
		}
		p.inputs = append(p.inputs, in)
		p.targets = append(p.targets, t)
	}
	return p
}

// loss returns the probe's mean loss per prediction with sh's vectors as
// they are: for each prediction, with h the mean of its inputs' input
// vectors (each composed in a composed run),
//
//	-log σ(h·Out[centre]) - Σ_noise log σ(-h·Out[noise])
//
// in float64, with the exact logistic (not the training tables). Call it
// when no worker is writing (between epochs). NaN for an empty probe.
func (p *probe) loss(sh *shared) float64 {
	if len(p.targets) == 0 {
		return math.NaN()
	}
	h := make([]float64, sh.dim)
	var sum float64
	for i, in := range p.inputs {
		clear(h)
		for _, w := range in {
			sh.addInput(h, w, 1/float64(len(in)))
		}
		for j, t := range p.targets[i] {
			row := sh.out[int(t)*sh.stride : int(t)*sh.stride+sh.dim]
			var f float64
			for k, x := range row {
				f += h[k] * float64(x)
			}
			if j == 0 {
				sum += softplus(-f) // -log σ(f)
			} else {
				sum += softplus(f) // -log σ(-f)
			}
		}
	}
	return sum / float64(len(p.targets))
}

// addInput adds scale times word w's input vector to h: its row, or in a
// composed run the mean (or sum) of its row and its ancestors' rows.
func (sh *shared) addInput(h []float64, w int32, scale float64) {
	add := func(row int, s float64) {
		for k, x := range sh.in[row*sh.stride : row*sh.stride+sh.dim] {
			h[k] += s * float64(x)
		}
	}
	if sh.comp == nil {
		add(int(w), scale)
		return
	}
	units := sh.comp.unitsOf(w)
	s := scale
	if sh.comp.op == ComposeMean {
		s /= float64(1 + len(units))
	}
	add(int(w), s)
	for _, u := range units {
		add(sh.comp.base+int(u), s)
	}
}

// softplus returns log(1 + e^x) without overflow.
func softplus(x float64) float64 {
	if x > 30 {
		return x
	}
	return math.Log1p(math.Exp(x))
}
