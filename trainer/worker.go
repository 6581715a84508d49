package trainer

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"

	"github.com/hiervec/hiervec/corpus"
)

// A worker is one Hogwild goroutine. It takes chunks of sequences from the
// run's atomic index until the epoch has none left; for each sequence it
// draws the kept tokens (subsampling), walks their windows and trains the
// path of the run: sgSeq (sgns.go), sgSeqShared (shared_negatives.go) or
// cbowSeq (cbow.go). Its state is allocated once per run, so training a
// sequence allocates nothing.

// publishTokens is how many raw tokens a worker processes between updates
// of the shared progress counter (and of its learning rate).
const publishTokens = 1024

// stopCheckMask sets how often (every 256 centres) a long sequence checks
// the stop flag.
const stopCheckMask = 255

// worker is one Hogwild goroutine's state.
type worker struct {
	_   cacheLinePad // off the lines of whatever precedes it
	sh  *shared
	id  int
	rng rng
	// alpha is the learning rate as of the last publish.
	alpha float32
	// kept holds the current sequence's kept tokens.
	kept []int32
	// rows and e are one negative-sampling step's scratch (sgns.go): the
	// targets' output rows and the input side's gradient (word2vec.c's
	// neu1e), stride long.
	rows []*float32
	e    []float32

	stage  staging          // the matrices it trains (staging.go)
	cbow   *cbowState       // CBOW's scratch (cbow.go), or nil
	shared *sharedNegatives // shared negatives' scratch, or nil
	comp   *composeState    // a composed run's scratch (compose_seq.go), or nil

	// Running totals; the monitor reads the published copies.
	pending  int64   // raw tokens not yet added to sh.done
	loss     float64 // summed loss of preds predictions
	pairs    int64
	preds    int64
	lossTick uint32 // Skip-Gram pairs, for sampledLoss

	// pubSeq is odd while the worker writes the published counters (a
	// sequence lock): the monitor needs a loss and a prediction count
	// from the same moment, or an interval's mean loss comes out wrong.
	pubSeq   atomic.Uint64
	pubLoss  atomic.Uint64 // math.Float64bits(loss)
	pubPairs atomic.Int64
	pubPreds atomic.Int64

	// Workers are allocated one after another; the padding keeps this
	// one's fields off the cache lines of the next one's generator state,
	// which that worker writes on every draw.
	_ cacheLinePad
}

func newWorker(sh *shared, id int) *worker {
	w := &worker{
		sh:    sh,
		id:    id,
		rng:   newRNG(sh.cfg.Seed, uint64(id)+1),
		alpha: float32(sh.alpha),
		kept:  isolated[int32](sh.maxSeq)[:0],
		rows:  isolated[*float32](sh.cfg.Negative + 1)[:0],
		e:     isolated[float32](sh.stride),
		stage: newStaging(sh, id),
	}
	switch {
	case sh.cfg.Model == CBOW:
		w.cbow = newCBOWState(sh)
	case sh.cfg.SharedNegatives:
		w.shared = newSharedNegatives(sh)
	}
	if sh.comp != nil {
		w.comp = newComposeState(sh)
	}
	return w
}

// runEpoch trains chunks of the current epoch until none is left, the run
// is stopped, or the loss stops being finite.
func (w *worker) runEpoch(ctx context.Context, tokens corpus.Tokens, seqs []int64) error {
	sh := w.sh
	w.refresh()
	defer w.sync()
	for !sh.stop.Load() {
		k := int(sh.next.Add(1) - 1)
		if k >= sh.c.len() {
			break
		}
		lossBefore := w.loss
		for s := sh.c.start[k]; s < sh.c.start[k+1]; s++ {
			w.trainSeq(tokens.Slice(int(seqs[s]), int(seqs[s+1])))
			if w.pending >= publishTokens {
				w.publish()
			}
			w.writeBackDue()
			if sh.stop.Load() {
				break
			}
		}
		if l := w.loss - lossBefore; math.IsNaN(l) || math.IsInf(l, 0) {
			sh.stop.Store(true)
			w.publish()
			return divergedError(sh.cfg, int(sh.epoch.Load()), fmt.Sprintf("the loss became %v", l))
		}
	}
	w.publish()
	return ctx.Err()
}

// trainSeq trains on one sequence: subsampling, then the run's path over
// the windows of the kept tokens of this sequence only.
func (w *worker) trainSeq(seq corpus.Tokens) {
	n := int64(seq.Len())
	w.pending += n
	w.stage.advance(n)
	var kept []int32
	switch nar := seq.Narrow(); {
	case nar != nil:
		kept = keptTokens(w, nar)
	case w.sh.cfg.Subsample > 0:
		kept = keptTokens(w, seq.Wide())
	default:
		kept = seq.Wide()
	}
	switch {
	case w.comp != nil:
		w.trainComposedSeq(kept)
	case w.cbow != nil:
		w.cbowSeq(kept)
	case w.shared != nil:
		w.sgSeqShared(kept)
	default:
		w.sgSeq(kept)
	}
}

// keptTokens returns the tokens of seq that subsampling keeps (all of them
// without subsampling), as int32 ids in w.kept, whose backing array it
// reuses (and which keeps the last sequence for tests). A token of word t
// is kept when a uniform 32-bit number is at most keep[t] (subsample.go).
func keptTokens[T uint16 | int32](w *worker, seq []T) []int32 {
	kept := w.kept[:0]
	if w.sh.cfg.Subsample > 0 {
		keep := w.sh.keep
		for _, t := range seq {
			if keep[t] >= uint32(w.rng.next()>>32) {
				kept = append(kept, int32(t))
			}
		}
	} else {
		for _, t := range seq {
			kept = append(kept, int32(t))
		}
	}
	w.kept = kept
	return kept
}

// window walks the centres of a sequence of kept tokens, each with its
// context: positions lo..hi-1 but the centre's own, i. Every path trains
// the windows it gives, in order:
//
//	for win := w.windows(kept); win.next(); {
//		// centre kept[win.i], context kept[win.lo:win.hi] but win.i
//	}
//
// The width is Window either side, or, with ShrinkWindow, drawn for every
// centre uniformly from 1..Window (word2vec.c's reduced window). Centres
// without context are skipped (their width is still drawn). The walk ends
// early when the run is stopped, checked every stopCheckMask+1 centres.
type window struct {
	w         *worker
	kept      []int32
	i, lo, hi int
}

// windows starts the walk over kept.
func (w *worker) windows(kept []int32) window { return window{w: w, kept: kept, i: -1} }

// next moves to the next centre with a context and reports whether there
// is one.
func (win *window) next() bool {
	w := win.w
	n := len(win.kept)
	for {
		win.i++
		i := win.i
		if i >= n || i&stopCheckMask == 0 && i > 0 && w.sh.stop.Load() {
			return false
		}
		b := int(w.sh.cfg.Window)
		if w.sh.cfg.ShrinkWindow {
			b = 1 + int(w.rng.intn(uint32(b)))
		}
		win.lo, win.hi = max(i-b, 0), min(i+b+1, n)
		if win.hi-win.lo > 1 {
			if hook := w.sh.tune.hook; hook != nil {
				hook(win.kept, i, win.lo, win.hi)
			}
			return true
		}
	}
}

// publish adds the pending tokens to the global counter, takes the
// learning rate for the new global progress, and publishes the counters.
func (w *worker) publish() {
	done := w.sh.done.Add(w.pending)
	w.pending = 0
	w.alpha = float32(learningRate(w.sh.alpha, w.sh.minAlpha, done, w.sh.total))
	w.pubSeq.Add(1)
	w.pubLoss.Store(math.Float64bits(w.loss))
	w.pubPairs.Store(w.pairs)
	w.pubPreds.Store(w.preds)
	w.pubSeq.Add(1)
}
