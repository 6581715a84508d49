package trainer

// CBOW with negative sampling, as word2vec.c and gensim with cbow_mean=1:
// for each centre, the mean h of its window's input rows predicts the
// centre (the negative-sampling step of sgns.go, with t_0 the centre), and
// the whole input-side gradient e is added to every context row (gensim
// divides it by the count only for cbow_mean=0, the summed context).
//
// The context rows are gathered by sumRows and updated by addRows in
// window order, so the result has the bits of adding the rows one at a
// time. Sequences of localMinLen kept tokens or more train on a local
// copy of their rows, where a centre whose window is the whole sequence
// costs a constant number of row operations (cbow_whole.go).

// cbowState is a CBOW worker's scratch, allocated once per run.
type cbowState struct {
	h     []float32  // the context mean (word2vec.c's neu1)
	ctx   []int32    // the current centre's context rows
	local *localRows // the long sequence being trained on local rows
}

func newCBOWState(sh *shared) *cbowState {
	return &cbowState{
		h:     isolated[float32](sh.dim),
		ctx:   isolated[int32](ctxCap(sh))[:0],
		local: newLocalRows(len(sh.keep), sh.dim, sh.maxSeq),
	}
}

// ctxCap is the longest context of a run: 2·Window, or the longest
// sequence.
func ctxCap(sh *shared) int { return min(sh.maxSeq, 2*min(sh.cfg.Window, sh.maxSeq)+1) }

// cbowSeq trains CBOW on one sequence of kept tokens.
func (w *worker) cbowSeq(kept []int32) {
	w.cbowWindows(kept, len(kept) >= localMinLen && w.sh.tune.localRows && w.localBegin(kept))
}

// cbowWindows trains the centres of kept, on its local rows when local
// (localBegin has loaded them).
func (w *worker) cbowWindows(kept []int32, local bool) {
	cb := w.cbow
	dim := w.sh.dim
	h, e := cb.h[:dim], w.e[:dim]
	n := len(kept)
	for win := w.windows(kept); win.next(); {
		i, lo, hi := win.i, win.lo, win.hi
		count := hi - lo - 1
		whole := local && lo == 0 && hi == n
		var ctx, hot, cold []int32
		var km float32
		switch {
		case whole:
			w.localWhole(h, i, count)
		case local:
			ctx, km = w.localWindow(h, i, lo, hi, count)
		default:
			ctx = append(append(cb.ctx[:0], kept[lo:i]...), kept[i+1:hi]...)
			cb.ctx = ctx
			hot, cold = w.sumContext(h, e, ctx)
			scale(h, 1/float32(count))
		}
		clear(e)
		predict(h, e, w.targets(kept[i]), w.alpha, &w.loss)
		switch {
		case whole:
			w.localWholeUpdate(i, e)
		case local:
			w.localWindowUpdate(ctx, km, e)
		case w.stage.partial:
			addRows(w.sh.in, cold, e)
			addRows(w.stage.hIn, hot, e)
		default:
			addRows(w.stage.in, ctx, e)
		}
		w.pairs += int64(count)
		w.preds++
	}
	if local {
		w.localEnd()
	}
}

// sumContext sets h to the sum of the context rows ctx of In as the worker
// trains it. With a partial staged set (staging.go) the context is split
// into staged slots (hot, rows of the worker's copy) and shared rows
// (cold), summed in two parts (e is scratch); both lists are returned for
// the update.
func (w *worker) sumContext(h, e []float32, ctx []int32) (hot, cold []int32) {
	if !w.stage.partial {
		sumRows(h, w.stage.in, ctx)
		return nil, nil
	}
	hot, cold = w.splitCtx(ctx)
	switch {
	case len(cold) == 0:
		sumRows(h, w.stage.hIn, hot)
	case len(hot) == 0:
		sumRows(h, w.sh.in, cold)
	default:
		sumRows(h, w.sh.in, cold)
		sumRows(e, w.stage.hIn, hot)
		axpy(1, e, h)
	}
	return hot, cold
}
