package trainer

// Skip-Gram with negatives shared per centre (Config.SharedNegatives; Ji
// et al., "Parallelizing Word2Vec in shared and distributed memory",
// 2016): for centre word c, ONE set of Negative noise words is drawn for
// its whole window (a draw equal to c is skipped, as in sgSeq), and the
// context words are then trained one after another exactly as sgSeq trains
// a pair, against the targets [c, n_1..n_K]: each context's logits see the
// target rows as the previous context left them, and its own input
// gradient uses them as they were before its own update.
//
// The K+1 target rows are the same for the whole window, so they are
// copied into a contiguous block (oc, with oc0 keeping the copy) that
// stays in L1 for the window, and a context is two kernel calls (dotBlock
// for its K+1 logits, updateRows for its updates) instead of a pair's
// 2(K+1)+1 row operations. At the end of the centre what the window
// changed (oc − oc0) is added to Out, so concurrent Hogwild updates of
// those rows add up rather than being overwritten. The loss (sampled) and
// the pair and prediction counts are sgSeq's.
//
// On padded rows (rowStride) the context rows and the block run over the
// padding (zero, and it stays zero), so the kernels see whole 16-lane
// chunks; the sums are the same, in the same order.

// sharedNegatives is a shared-negatives worker's scratch, allocated once
// per run.
type sharedNegatives struct {
	targets []int32   // the centre and its noise words
	oc, oc0 []float32 // their output rows, and the copy as the centre began
	g       []float32 // one context's logits, then steps
	ctx     []int32   // the centre's context words
}

func newSharedNegatives(sh *shared) *sharedNegatives {
	nt := sh.cfg.Negative + 1
	return &sharedNegatives{
		targets: isolated[int32](nt),
		oc:      isolated[float32](blockRows(nt) * sh.stride),
		oc0:     isolated[float32](nt * sh.stride),
		g:       isolated[float32](nt),
		ctx:     isolated[int32](ctxCap(sh))[:0],
	}
}

// firstRow lists row 0: dotBlock's index list for a context row passed as
// a matrix of one row.
var firstRow = []int32{0}

// sgSeqShared trains Skip-Gram with shared negatives on one sequence of
// kept tokens.
func (w *worker) sgSeqShared(kept []int32) {
	sn := w.shared
	dim, stride := w.sh.dim, w.sh.stride
	targets := sn.targets[:cap(sn.targets)]
	e := w.e[:stride]
	for win := w.windows(kept); win.next(); {
		centre := kept[win.i]
		ctx := append(append(sn.ctx[:0], kept[win.lo:win.i]...), kept[win.i+1:win.hi]...)
		sn.ctx = ctx
		targets[0] = centre
		nt := 1
		for range w.sh.cfg.Negative {
			if t := w.sh.noise.draw(w.rng.next()); t != centre {
				targets[nt] = t
				nt++
			}
		}
		oc, oc0 := sn.oc[:nt*stride], sn.oc0[:nt*stride]
		for k, t := range targets[:nt] {
			copy(oc[k*stride:k*stride+dim], w.outRow(t))
		}
		copy(oc0, oc)
		g := sn.g[:nt]
		for _, c := range ctx {
			x := w.inRow(c)[:stride]
			dotBlock(g, x, firstRow, oc, stride, nt)
			// logistic for each prediction; the loss of one context in
			// lossSample, as sgSeq samples pairs.
			if loss := w.sampledLoss(); loss != nil {
				*loss += logLoss(g[0], 1)
				for _, f := range g[1:] {
					*loss += logLoss(f, 0)
				}
			}
			g[0] = sigmoidStep(g[0], 1, w.alpha)
			for k, f := range g[1:] {
				g[k+1] = sigmoidStep(f, 0, w.alpha)
			}
			updateRows(x, g, oc, e)
		}
		for k, t := range targets[:nt] {
			out := w.outRow(t)
			for d, v := range oc[k*stride : k*stride+dim] {
				out[d] += v - oc0[k*stride+d]
			}
		}
		w.pairs += int64(len(ctx))
	}
}
