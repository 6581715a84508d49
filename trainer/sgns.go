package trainer

import (
	"math"
	"unsafe"
)

// The negative-sampling step, as word2vec.c and gensim compute it
// (fast_sentence_sg_neg, fast_sentence_cbow_neg).
//
// An input vector h predicts K+1 targets through their output rows
// y_k = Out[t_k]: t_0 is the observed word (label 1), t_1..t_K are
// Negative noise words drawn from the unigram^0.75 distribution (label 0;
// a draw equal to t_0 is skipped). For each target in turn,
//
//	f   = h·y_k
//	g   = α·(label_k − σ(f))
//	e  += g·y_k         (e starts at zero)
//	y_k += g·h
//
// so each output row is updated at once and e gathers the input side's
// gradient. The prediction's loss, −log σ(f) for label 1 and −log σ(−f)
// for label 0 (gensim's compute_loss), is reported, never trained on.
//
// Skip-Gram: for every pair of a centre word c and a context word o of its
// window, h is o's input row x = In[o], t_0 = c, and after the K+1
// predictions x += e. CBOW (cbow.go): h is the mean of the context's
// input rows, t_0 the centre, and e is added to every context row.

// logistic returns the step g = (label − σ(f))·α for a prediction with
// logit f and label 1 (the observed word) or 0 (a noise word), and adds
// the prediction's loss −log σ(z), z = f for label 1 and −f for label 0,
// to *loss (a nil loss is not computed): sigmoidStep and logLoss, which
// sgSeqShared calls directly for a whole context.
//
// Inside (−maxExp, maxExp) both come from the tables (sigmoid.go).
// Outside, σ is taken as 0 or 1, as word2vec.c does (gensim instead skips
// such predictions; the saturated step is the better approximation of the
// gradient), and the loss as its asymptote: 0 for z ≥ maxExp, −z for
// z ≤ −maxExp. A NaN logit (a diverged model) makes the loss NaN and the
// step 0, so the divergence check sees it and nothing indexes the table
// with NaN.
func logistic(f, label, alpha float32, loss *float64) float32 {
	if loss != nil {
		*loss += logLoss(f, label)
	}
	return sigmoidStep(f, label, alpha)
}

// sigmoidStep is logistic's step (label − σ(f))·α.
func sigmoidStep(f, label, alpha float32) float32 {
	switch {
	case f >= maxExp:
		return (label - 1) * alpha
	case f <= -maxExp:
		return label * alpha
	case f != f:
		return 0
	}
	return (label - sigTable[int((f+maxExp)*expScale)]) * alpha
}

// logLoss is logistic's loss −log σ(z), z = f for label 1 and −f for
// label 0.
func logLoss(f, label float32) float64 {
	z := f
	if label == 0 {
		z = -f
	}
	switch {
	case z >= maxExp:
		return 0
	case z <= -maxExp:
		return -float64(z)
	case z != z:
		return math.NaN()
	}
	return -float64(logSigTable[int((z+maxExp)*expScale)])
}

// predict makes the predictions of one negative-sampling step: h against
// the output rows (the observed word's first, then the noise words'), each
// of len(h) weights, in order. Every output row takes its update at once;
// e (len(h), zero on entry) gathers the input side's gradient. A nil loss
// is not computed.
func predict(h, e []float32, rows []*float32, alpha float32, loss *float64) {
	n := len(h)
	label := float32(1)
	for _, p := range rows {
		y := unsafe.Slice(p, n)
		g := logistic(dot(h, y), label, alpha, loss)
		axpy2(g, h, y, e) // e += g·y; y += g·h
		label = 0
	}
}

// sgPairRef is one Skip-Gram pair: the context word's input row x against
// the output rows, then x += e; e is scratch of len(x). It is the
// reference of sgPair, the kernel the training loop calls (kernels*.go).
func sgPairRef(x, e []float32, rows []*float32, alpha float32, loss *float64) {
	e = e[:len(x)]
	clear(e)
	predict(x, e, rows, alpha, loss)
	axpy(1, e, x)
}

// targets returns the output rows of one negative-sampling step with
// observed word t: t's row, then the rows of Negative noise words (a draw
// equal to t is skipped), in the worker's reusable list.
func (w *worker) targets(t int32) []*float32 {
	rows := append(w.rows[:0], &w.outRow(t)[0])
	for range w.sh.cfg.Negative {
		if n := w.sh.noise.draw(w.rng.next()); n != t {
			rows = append(rows, &w.outRow(n)[0])
		}
	}
	w.rows = rows
	return rows
}

// sgSeq trains Skip-Gram on one sequence of kept tokens: every (centre,
// context) pair of every window, in order.
//
// On padded rows (rowStride) a pair runs over the padding too, which is
// zero in every row and stays zero, so the assembly kernel sees whole
// 16-lane chunks.
func (w *worker) sgSeq(kept []int32) {
	stride := w.sh.stride
	e := w.e[:stride]
	for win := w.windows(kept); win.next(); {
		centre := kept[win.i]
		for j := win.lo; j < win.hi; j++ {
			if j != win.i {
				x := w.inRow(kept[j])[:stride]
				sgPair(x, e, w.targets(centre), w.alpha, w.sampledLoss())
			}
		}
		w.pairs += int64(win.hi - win.lo - 1)
	}
}

// lossSample: Skip-Gram (both estimators) computes the loss of one pair in
// lossSample, which Progress.Loss averages: the loss is reported, never
// trained on, and computing it for every pair costs a noticeable share of
// the pair's time (benchmarks/RESULTS.md). A NaN weight gives a NaN loss
// in the sampled pairs too, so a diverging run is still stopped within a
// chunk.
const lossSample = 16

// sampledLoss returns where a Skip-Gram pair adds its loss: the worker's
// loss for one pair in lossSample (counted as a prediction), nil for the
// others.
func (w *worker) sampledLoss() *float64 {
	if w.lossTick++; w.lossTick%lossSample == 0 {
		w.preds++
		return &w.loss
	}
	return nil
}
