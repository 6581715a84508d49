package trainer

import "math"

// sgSeqShared is Skip-Gram with negatives shared per centre, used when
// Config.SharedNegatives is set: for centre word w, ONE set of Negative
// noise words is drawn for its whole window (a draw equal to w is
// skipped, as in sgPair), and the context words are then trained one
// after another exactly as sgPair trains a pair, against the targets
// [w, n_1..n_K]: each context's logits see the target rows as the
// previous context left them, and its own input gradient uses them as
// they were before its own update. The K+1 target rows are copied into a
// contiguous block (oc, with oc0 keeping the copy) that stays in L1 and
// in registers' reach for the whole window; one context is two kernel
// calls (dotBlock, updateRows) instead of sgPair's 18, and at the end of
// the centre what the window changed (oc - oc0) is added to Out (so
// concurrent Hogwild updates of those rows are kept, not overwritten).
// The loss and the pair and prediction counts are sgPair's.
//
// With padded rows (rowStride) the context rows and the block run over
// the padding (zero, and it stays zero), so the kernels see whole 16-lane
// chunks; the sums are the same, in the same order.
func (w *worker) sgSeqShared(kept []int32) {
	sh := w.sh
	dim, stride := sh.dim, sh.stride
	n := len(kept)
	targets := w.targets[:cap(w.targets)]
	e := w.neu1e[:stride]
	for i, centre := range kept {
		lo, hi := w.span(i, n)
		if hi-lo <= 1 {
			continue
		}
		ctx := append(append(w.ctx[:0], kept[lo:i]...), kept[i+1:hi]...)
		w.ctx = ctx
		if w.hook != nil {
			for _, c := range ctx {
				w.hook(centre, c)
			}
		}
		targets[0] = centre
		nt := 1
		for d := 0; d < sh.cfg.Negative; d++ {
			if t := sh.noise.draw(w.rng.next()); t != centre {
				targets[nt] = t
				nt++
			}
		}
		oc := w.oc[:nt*stride]
		oc0 := w.oc0[:nt*stride]
		for k, t := range targets[:nt] {
			copy(oc[k*stride:k*stride+dim], w.outRow(t))
		}
		copy(oc0, oc)
		g := w.grads[:nt]
		for _, c := range ctx {
			in := w.inRow(c)[:stride]
			dotBlock(g, in, w.rowIDs[:1], oc, stride, nt) // in is row 0 of itself
			w.loss += logisticBlock(g, nt, w.alpha)
			updateRows(in, g, oc, e)
		}
		for k, t := range targets[:nt] {
			out := w.outRow(t)
			for d, v := range oc[k*stride : k*stride+dim] {
				out[d] += v - oc0[k*stride+d]
			}
		}
		m := len(ctx)
		w.pairs += int64(m)
		w.preds += int64(m)
		if i&stopCheckMask == stopCheckMask && sh.stop.Load() {
			return
		}
	}
}

// logisticBlock turns a block of logits, rows of nt predictions whose
// first is the observed word (label 1) and the rest negatives (label 0),
// into SGD steps in place and returns the block's loss. The steps are
// exactly logistic's (the same table entry, the same saturation outside
// ±maxExp); the loss of a prediction is read at the same table index as
// σ (lossTable) where logistic indexes its log table at -f for a
// negative, so the two may differ by one table step (under 0.012·|σ'|) in
// the reported loss. A NaN logit makes the loss NaN and its step 0.
func logisticBlock(block []float32, nt int, alpha float32) float64 {
	var loss float32
	nan := false
	for r := 0; r+nt <= len(block); r += nt {
		row := block[r : r+nt : r+nt]
		for k, f := range row {
			label := 0
			if k == 0 {
				label = 1
			}
			var sig float32
			switch {
			case f >= maxExp:
				sig = 1
				if label == 0 {
					loss += f
				}
			case f <= -maxExp:
				sig = 0
				if label == 1 {
					loss -= f
				}
			case f == f:
				i := int((f+maxExp)*expScale) & (blockTableSize - 1)
				sig = sigTable[i]
				loss += lossTable[label][i]
			default:
				nan, sig = true, float32(label)
			}
			row[k] = (float32(label) - sig) * alpha
		}
	}
	if nan {
		return math.NaN()
	}
	return float64(loss)
}
