package trainer

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"
	"unsafe"

	"github.com/hiervec/hiervec/corpus"
)

// publishTokens is how many raw tokens a worker processes between updates
// of the shared progress counter (and of its learning rate).
const publishTokens = 1024

// shared is the state all workers of one run read; In and Out are written
// by all of them without locks (Hogwild).
type shared struct {
	cfg Config
	dim int
	// stride is the distance between rows of in, out and the workers'
	// copies of them: dim, or dim rounded up to 16 floats for the AVX-512
	// Skip-Gram kernel (rowStride); the padding is zero and never trained.
	stride   int
	in, out  []float32 // row-major, vocab × stride, 64-byte aligned
	noise    *noiseTable
	keep     []uint32 // subsampling thresholds per word id
	c        *chunks
	total    int64 // epochs × corpus tokens
	maxSeq   int
	alpha    float64
	minAlpha float64
	// shareNegatives: Skip-Gram with Config.SharedNegatives, trained
	// through sgSeqShared.
	shareNegatives bool
	// hotIDs: the words whose rows the workers stage (hotrows.go), nil
	// with one worker; hotSlot: each word's row in a worker's copies, or
	// -1, nil when every word is staged (the copies are whole replicas
	// and a word's row is its id).
	hotSlot, hotIDs []int32
	// direct: worker 0 trains the shared matrices and stages nothing
	// (hotrows.go); set with several workers, not for one (staging forced
	// on for a single worker in tests). Its writes race with the others'
	// write-backs by design (Hogwild's race, doc.go), so a build with the
	// race detector stages every worker instead, and the multi-worker runs
	// of tests outside the !race files stay free of it.
	direct        bool
	syncTokens    int64        // raw tokens between write-backs
	hotSyncTokens int64        // raw tokens between write-backs of the hottest rows; 0: none
	syncLocks     []stripeLock // write-back locks, one per stripe of hotIDs

	// The counters workers write live on cache lines of their own, away
	// from the fields above that every worker reads for every centre.
	_     cacheLinePad
	done  atomic.Int64
	next  atomic.Int64 // next chunk of the current epoch
	epoch atomic.Int64 // 1-based current epoch
	stop  atomic.Bool
	_     cacheLinePad
}

// cacheLinePad separates data written by one goroutine from data another
// uses (64-byte lines; two, as adjacent-line prefetchers fetch pairs).
type cacheLinePad [128]byte

// worker is one Hogwild goroutine's state, allocated once per run: random
// generator, scratch vectors, the kept-token buffer and counters. Training
// a sequence allocates nothing.
type worker struct {
	_     cacheLinePad // off the lines of whatever precedes it
	sh    *shared
	id    int
	rng   rng
	kept  []int32
	neu1  []float32  // CBOW context mean
	neu1e []float32  // accumulated input-side gradient
	ctx   []int32    // CBOW: the context rows of the current centre
	local *localRows // CBOW: long sequences on a copy of their rows (cbow_whole.go)

	// Shared negatives (sgSeqShared): the centre's targets, their output
	// rows copied at the start of the centre, the window's logits (then
	// steps), and the row numbers 0..Negative of the copy.
	targets []int32
	oc      []float32
	oc0     []float32 // sgSeqShared: oc as the centre began
	grads   []float32
	rowIDs  []int32
	alpha   float32

	// pairRows: a Skip-Gram pair's output rows, the observed word's first
	// (sgPair).
	pairRows []*float32
	window   uint32

	pending int64 // raw tokens not yet added to sh.done

	// in and out are the matrices the worker trains: the shared ones, or
	// its replicas of them (hotrows.go).
	in, out []float32

	// Hot-row staging (hotrows.go): the worker's copies of the staged rows
	// of In and Out (in and out themselves when it has whole replicas; nil
	// when it stages nothing) and their snapshots; partial when only some
	// words are staged, with a CBOW context split into staged slots and
	// shared rows; the raw tokens since the last write-back.
	partial         bool
	hIn, hIn0       []float32
	hOut, hOut0     []float32
	hotCtx, coldCtx []int32
	sinceSync       int64
	sinceHot        int64                  // raw tokens since syncHot last ran
	sinceTier       [len(hotTiersSG)]int64 // raw tokens since each tier's last write-back, as of syncHot's last run

	// Running totals; the monitor reads the published copies.
	loss     float64
	pairs    int64
	preds    int64  // predictions whose loss is in loss
	lossTick uint32 // Skip-Gram pairs, for lossSample

	// pubSeq is odd while the worker writes the published counters (a
	// sequence lock): the monitor needs a loss and a prediction count
	// from the same moment, or an interval's mean loss comes out wrong.
	pubSeq   atomic.Uint64
	pubLoss  atomic.Uint64 // math.Float64bits(loss)
	pubPairs atomic.Int64
	pubPreds atomic.Int64

	// hook, when set (tests only), sees every (centre, context) word pair
	// the model trains on, in training order.
	hook func(centre, context int32)

	// Workers are allocated one after another; the padding keeps this
	// one's fields off the cache lines of the next one's generator state,
	// which that worker writes on every draw.
	_ cacheLinePad
}

// isolated returns a slice of n zero elements (length and capacity n) that
// shares no cache line with any other allocation: padding of
// cacheLinePad's size on both sides. A worker's scratch buffers are small
// and allocated one after another for all workers, so without it the end
// of one worker's buffer and the start of the next worker's would share a
// line that both write for every pair (false sharing: the two cores then
// pass the line back and forth). The slice starts on a 64-byte boundary,
// which the kernels want for rows: the model matrices come from it too.
func isolated[T int32 | float32 | *float32](n int) []T {
	size := int(unsafe.Sizeof(*new(T)))
	pad := int(unsafe.Sizeof(cacheLinePad{})) / size
	b := make([]T, pad+n+pad+64/size)
	o := pad + alignOffset(unsafe.Pointer(&b[pad]), size)
	return b[o : o+n : o+n]
}

// alignFloats is the number of 4-byte elements in the alignment the
// kernels want for a row: one 64-byte cache line.
const alignFloats = 16

// alignOffset is the number of elements of size bytes from p to the next
// 64-byte boundary (0 when p is on one); p must be size-aligned and size
// must divide 64.
func alignOffset(p unsafe.Pointer, size int) int {
	return int(-uintptr(p)&63) / size
}

func newWorker(sh *shared, id int) *worker {
	nt := sh.cfg.Negative + 1
	w := &worker{
		sh:     sh,
		id:     id,
		rng:    newRNG(sh.cfg.Seed, uint64(id)+1),
		kept:   isolated[int32](sh.maxSeq)[:0],
		neu1:   isolated[float32](sh.dim),
		neu1e:  isolated[float32](sh.stride),
		ctx:    isolated[int32](min(sh.maxSeq, 2*min(sh.cfg.Window, sh.maxSeq)+1))[:0],
		alpha:  float32(sh.alpha),
		window: uint32(sh.cfg.Window),
	}
	w.pairRows = isolated[*float32](nt)[:0]
	if sh.cfg.Model == CBOW {
		w.local = newLocalRows(len(sh.keep), sh.dim, sh.maxSeq)
	}
	if sh.shareNegatives {
		w.targets = isolated[int32](nt)
		w.oc = isolated[float32](blockRows(nt) * sh.stride)
		w.oc0 = isolated[float32](nt * sh.stride)
		w.grads = isolated[float32](cap(w.ctx) * nt)
		w.rowIDs = isolated[int32](nt)
		for k := range w.rowIDs {
			w.rowIDs[k] = int32(k)
		}
	}
	w.stage()
	return w
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

// runEpoch trains chunks of the current epoch until none is left, the run
// is stopped, or the loss stops being finite.
func (w *worker) runEpoch(ctx context.Context, corpusTokens corpus.Tokens, seqs []int64) error {
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
			w.trainSeq(corpusTokens.Slice(int(seqs[s]), int(seqs[s+1])))
			if w.pending >= publishTokens {
				w.publish()
			}
			if w.sinceSync >= sh.syncTokens {
				w.sync()
			} else if sh.hotSyncTokens > 0 && w.sinceHot >= sh.hotSyncTokens {
				w.syncHot()
			}
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
	if err := ctx.Err(); err != nil {
		return err
	}
	return nil
}

// trainSeq trains on one sequence: subsampling, then for each kept centre
// a (possibly reduced) window over the kept tokens of this sequence only.
func (w *worker) trainSeq(seq corpus.Tokens) {
	n := int64(seq.Len())
	w.pending += n
	w.sinceSync += n
	w.sinceHot += n
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
	case w.sh.cfg.Model == CBOW:
		w.cbowSeq(kept)
	case w.sh.shareNegatives:
		w.sgSeqShared(kept)
	default:
		w.sgSeq(kept)
	}
}

// keptTokens returns the tokens of seq that subsampling keeps (all of them
// without subsampling), as int32 ids in w.kept, whose backing array it
// reuses (and which keeps the last sequence for tests).
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

// span returns the context range [lo, hi) of position i in a sequence of n
// kept tokens: Window, or a width drawn uniformly from 1..Window.
func (w *worker) span(i, n int) (lo, hi int) {
	b := int(w.window)
	if w.sh.cfg.ShrinkWindow {
		b = 1 + int(w.rng.intn(w.window))
	}
	return max(i-b, 0), min(i+b+1, n)
}

// stopCheckMask sets how often (every 256 centres) a long sequence checks
// the stop flag.
const stopCheckMask = 255

func (w *worker) sgSeq(kept []int32) {
	n := len(kept)
	for i, centre := range kept {
		lo, hi := w.span(i, n)
		for j := lo; j < hi; j++ {
			if j == i {
				continue
			}
			if w.hook != nil {
				w.hook(centre, kept[j])
			}
			w.sgPair(centre, kept[j])
		}
		w.pairs += int64(hi - lo - 1)
		if i&stopCheckMask == stopCheckMask && w.sh.stop.Load() {
			return
		}
	}
}

// sgPair is one skip-gram update with negative sampling, word2vec.c's and
// gensim's (fast_sentence_sg_neg): the INPUT row of the context word
// predicts, through the OUTPUT rows, the centre word (label 1) and Negative
// noise words (label 0; a draw equal to the centre is skipped). Output rows
// are updated at once; the input row's gradient is accumulated in neu1e and
// added after the last negative.
func (w *worker) sgPair(centre, context int32) {
	sh := w.sh
	l1 := w.inRow(context)
	rows := append(w.pairRows[:0], &w.outRow(centre)[0])
	for d := 0; d < sh.cfg.Negative; d++ {
		if target := sh.noise.draw(w.rng.next()); target != centre {
			rows = append(rows, &w.outRow(target)[0])
		}
	}
	w.pairRows = rows
	// The loss of one pair in lossSample: it is reported, never trained
	// on, and computing it took 12% of a pair at dimension 100, 18% at 10.
	var loss *float64
	if w.lossTick++; w.lossTick%lossSample == 0 {
		loss = &w.loss
		w.preds++
	}
	// With padded rows (rowStride) the pair runs over the padding too: it
	// is zero in every row and stays zero (each update adds g·0), and the
	// rows are whole 16-lane chunks for sgPairAVX512. The noise words are
	// drawn before the first update, which changes nothing: the draws
	// read no weights.
	stride := sh.stride
	trainPair(l1[:stride], w.neu1e[:stride], rows, w.alpha, loss)
}

// maxRegFloats is the longest row sgPairRegAVX512 takes: x and e in 16
// registers of 16 floats.
const maxRegFloats = 128

// lossSample: Skip-Gram's per-pair path computes the loss of one pair in
// lossSample (Progress.Loss is their mean). A pair's rows give a NaN loss
// when they hold NaN, so a diverging run is still stopped within a chunk.
const lossSample = 16

// trainPair is sgPairRef: in one assembly call with AVX-512 when the rows
// are whole 16-lane chunks (as rowStride pads them), which gives the same
// bits: sgPairRegAVX512, which keeps x and e in registers, for rows of up
// to maxRegFloats (dimension 128), sgPairAVX512 for longer ones.
func trainPair(x, e []float32, rows []*float32, alpha float32, loss *float64) {
	if n := len(x); hasAVX512 && n > 0 && n%alignFloats == 0 {
		if n <= maxRegFloats {
			sgPairRegAVX512(x, e[:n], rows, alpha, loss)
		} else {
			sgPairAVX512(x, e[:n], rows, alpha, loss)
		}
		return
	}
	sgPairRef(x, e, rows, alpha, loss)
}

// sgPairRef trains the input row x against the output rows (each of
// len(x) elements, the first the observed word's, the others the noise
// words') with step alpha, adding the predictions' loss to *loss; e is
// scratch of len(x). A nil loss is not computed.
func sgPairRef(x, e []float32, rows []*float32, alpha float32, loss *float64) {
	n := len(x)
	e = e[:n]
	clear(e)
	label := float32(1)
	for _, p := range rows {
		y := unsafe.Slice(p, n)
		g := logistic(dot(x, y), label, alpha, loss)
		axpy2(g, x, y, e) // e += g·y; y += g·x
		label = 0
	}
	axpy(1, e, x)
}

// cbowSeq trains CBOW: the mean of the window's input rows predicts the
// centre. The context rows are gathered into w.ctx, summed by sumRows and
// updated by addRows, in window order, so the result has the bits of
// adding the rows one at a time. Sequences of localMinLen tokens or more
// train on a copy of their rows instead (cbow_whole.go).
func (w *worker) cbowSeq(kept []int32) {
	sh := w.sh
	dim := sh.dim
	n := len(kept)
	neu1 := w.neu1[:dim]
	neu1e := w.neu1e[:dim]
	local := w.local != nil && n >= localMinLen && !localDisabled && w.localBegin(kept)
	for i, centre := range kept {
		lo, hi := w.span(i, n)
		count := hi - lo - 1
		if count == 0 {
			continue
		}
		if w.hook != nil {
			for j := lo; j < hi; j++ {
				if j != i {
					w.hook(centre, kept[j])
				}
			}
		}
		whole := local && lo == 0 && hi == n
		var ctx, hot, cold []int32
		var km float32
		switch {
		case whole:
			w.localWhole(neu1, i, count)
		case local:
			ctx, km = w.localWindow(neu1, i, lo, hi, count)
		default:
			ctx = append(append(w.ctx[:0], kept[lo:i]...), kept[i+1:hi]...)
			w.ctx = ctx
			if w.partial {
				hot, cold = w.splitCtx(ctx)
				switch {
				case len(cold) == 0:
					sumRows(neu1, w.hIn, hot)
				case len(hot) == 0:
					sumRows(neu1, sh.in, cold)
				default:
					sumRows(neu1, sh.in, cold)
					sumRows(neu1e, w.hIn, hot) // neu1e is cleared below
					axpy(1, neu1e, neu1)
				}
			} else {
				sumRows(neu1, w.in, ctx)
			}
			scale(neu1, 1/float32(count))
		}
		clear(neu1e)
		target, label := centre, float32(1)
		for d := 0; d <= sh.cfg.Negative; d++ {
			if d > 0 {
				target = sh.noise.draw(w.rng.next())
				if target == centre {
					continue
				}
				label = 0
			}
			l2 := w.outRow(target)
			g := logistic(dot(neu1, l2), label, w.alpha, &w.loss)
			axpy2(g, neu1, l2, neu1e) // neu1e += g·l2; l2 += g·neu1
		}
		// As gensim with cbow_mean=1 and word2vec.c: the full error goes to
		// every context word (gensim divides it by the count only for
		// cbow_mean=0, the summed context).
		switch {
		case whole:
			w.localWholeUpdate(i, neu1e)
		case local:
			w.localWindowUpdate(ctx, km, neu1e)
		case w.partial:
			addRows(sh.in, cold, neu1e)
			addRows(w.hIn, hot, neu1e)
		default:
			addRows(w.in, ctx, neu1e)
		}
		w.pairs += int64(count)
		w.preds++
		if i&stopCheckMask == stopCheckMask && sh.stop.Load() {
			break
		}
	}
	if local {
		w.localEnd()
	}
}

// divergedError says what went wrong and which setting to change.
func divergedError(cfg Config, epoch int, what string) error {
	return fmt.Errorf("%w in epoch %d of %d: %s; lower the learning rate (Alpha, -alpha, now %g; try %g), "+
		"or the dimension (-dim, now %d) or window (-window, now %d) that scale the step",
		ErrDiverged, epoch, cfg.Epochs, what, cfg.Alpha, cfg.Alpha/10, cfg.Dim, cfg.Window)
}
