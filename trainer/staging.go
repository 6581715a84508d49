package trainer

import (
	"cmp"
	"slices"
	"sync"
)

// Hot-row staging: with two or more workers, each worker but the first
// keeps its own copy of the rows of In and Out of the most frequent words,
// trains on the copy, and every syncTokens raw tokens adds what it changed
// to the shared matrices and takes a fresh copy. The first worker trains
// the shared matrices directly (shared.direct). Config.PlainHogwild turns
// staging off.
//
// Why: Hogwild's lock-free writes are cheap only while two cores rarely
// write the same cache line. On patient-year corpora they do all the time:
// a few hundred codes carry most tokens, so the same Out rows are the
// centre or a negative of nearly every pair of every worker, and the same
// In rows are contexts of all of them. Each such write moves the line from
// one core's cache to another's.
//
// What changes: a worker sees the other workers' updates of a staged row
// after at most one write-back interval (and they see its updates as
// late), instead of whenever the cache line arrives. Every update is still
// applied: a write-back adds the difference between the copy and the
// snapshot taken with it (writeBack), so concurrent updates of the same
// row by other workers add up rather than overwrite each other. Within a
// worker nothing changes: it reads its own updates at once. This is the
// bounded staleness of asynchronous SGD. With one worker there is no
// staging at all, so a seeded single-worker run keeps its bit-identical
// vectors.
//
// Why the first worker does not stage: one writer of the shared rows
// between write-backs contends with nobody, and the others' write-backs
// add their changes to what it wrote as they would to another copy's (an
// update it makes between a write-back's load and store of that weight is
// lost: Hogwild's lost update, within the write-back's pass over a row).
// The staleness is the same, and one worker fewer copies, snapshots and
// writes back.
//
// The constants below were chosen by paired runs of speed and of quality
// (NMI and AMI of k-means clusters against the CCSR categories, several
// seeds, against one worker and gensim); benchmarks/RESULTS.md has the
// figures and the commands.

// The staging memory, four copies (In, Out and their snapshots) of the
// staged rows per staging worker, is bounded by stageBudget for all
// workers together and by stageBytes for one: each of n staging workers
// stages the most frequent rows that fit in min(stageBytes,
// stageBudget/n). 16 MiB holds whole replicas for a 6,000-word vocabulary
// at dimension 100 (the paper's codes and categories co-trained), 2,600
// words at dimension 400; up to four staging workers keep that, and more
// share the budget: at 64 workers, dimension 100, each stages the 600 or
// so hottest rows, which carry most of a patient-year corpus's tokens.
// The budget bounds what the copies take, padding included
// (EstimateMemory).
const (
	stageBudget = 64 << 20
	stageBytes  = 16 << 20
)

// The write-back interval, in a worker's raw tokens. A write-back costs
// about six float operations per staged weight, so the interval is
// syncRowsFactor tokens per staged row, which keeps write-backs near 1% of
// training: a Skip-Gram pair is about 18 row operations and a token has 29
// pairs at window 100, so one token per row; CBOW's centres are ten times
// cheaper, so eight (longer intervals let the workers' copies drift apart:
// the training loss rises). The interval is at least minSyncTokens, and on
// a small corpus at most 1/syncsPerEpoch of a worker's share of an epoch,
// so that the workers see each other's updates many times an epoch (never
// below floorSyncTokens).
const (
	syncRowsFactorSG   = 1
	syncRowsFactorCBOW = 8
	minSyncTokens      = 4096
	syncsPerEpoch      = 32
	floorSyncTokens    = 256
)

// Each model also writes back the rows of its most frequent staged words
// more often than the rest (hotTiers): the first tier In and Out of the
// first 256 slots, the second Out of the first 1,024. These rows take
// hundreds of updates from every worker within one write-back interval,
// each computed from a copy that lacks the others' updates, and adding
// the workers' differences then overshoots: in the clusters this showed
// for Skip-Gram at dimension 10 and over five epochs at the paper's scale,
// and for CBOW on the co-trained corpus, whose category tokens are the
// most frequent rows and in nearly every context. Out rows take most of
// the updates (a Skip-Gram pair's centre and five noise words, a CBOW
// centre's too), so beyond the hottest words only Out is written back
// early; CBOW's In rows matter as much (Out alone did not recover its
// clusters). The intervals are in tokens: a Skip-Gram token trains about
// 29 pairs at window 100, a CBOW token one centre, so CBOW's rows take
// far fewer updates per token and its tiers are eight times longer, which
// also keeps their cost small against CBOW's cheap tokens.
var hotTiers = [...][2]hotTier{
	SkipGram: {{rows: 256, tokens: 256, in: true}, {rows: 1024, tokens: 1024}},
	CBOW:     {{rows: 256, tokens: 2048, in: true}, {rows: 1024, tokens: 8192}},
}

// hotTier is one of the extra write-backs: the Out rows (and the In rows
// when in) of the first rows staged slots, every tokens raw tokens. Tiers
// are in order of rows and of tokens.
type hotTier struct {
	rows   int
	tokens int64
	in     bool
}

// syncStripes is the number of row ranges write-backs lock separately.
const syncStripes = 64

// staging is a worker's view of the matrices: those it trains, and its
// copies of the staged rows.
type staging struct {
	// in and out are the matrices the worker trains: the shared ones, or
	// its whole replicas of them.
	in, out []float32
	// hIn and hOut are the worker's copies of the staged rows (in and out
	// themselves when it has whole replicas; nil when it stages nothing),
	// hIn0 and hOut0 their snapshots as of the last write-back. partial:
	// only some words are staged, so a row is looked up by its slot.
	hIn, hIn0   []float32
	hOut, hOut0 []float32
	partial     bool
	// hotCtx and coldCtx split a CBOW context into staged slots and shared
	// rows (partial only).
	hotCtx, coldCtx []int32
	// Raw tokens since the last write-back of every staged row, since
	// syncHot last ran, and since each tier's last write-back as of then.
	sinceSync int64
	sinceHot  int64
	sinceTier [2]int64
}

// stagingWorkers is the number of workers of a run of cfg that stage:
// none with plain Hogwild or fewer than tune.stageMinWorkers workers, all
// but the first otherwise (shared.direct).
func stagingWorkers(cfg Config, tune tuning) int {
	switch {
	case cfg.PlainHogwild || cfg.Workers < tune.stageMinWorkers:
		return 0
	case firstTrainsShared(cfg):
		return cfg.Workers - 1
	}
	return cfg.Workers
}

// hotRows chooses the staged words of a run with stagers staging workers
// and rows of rowBytes bytes: the most frequent (ties to the lower id), as
// many as the budget gives each worker (four copies of a row each). It
// returns the slot of every word (-1 for words not staged; nil when every
// word is staged, each in the row of its id) and the word of every slot,
// or nil, nil when there is nothing to stage: no staging worker, or room
// for no row.
func hotRows(counts []int64, rowBytes, stagers int, tune tuning) (slot, ids []int32) {
	if stagers == 0 {
		return nil, nil
	}
	v := len(counts)
	h := min(v, min(tune.stageBytes, tune.stageBudget/stagers)/(4*rowBytes))
	if h == 0 {
		return nil, nil
	}
	ids = make([]int32, v)
	for i := range ids {
		ids[i] = int32(i)
	}
	if h == v {
		return nil, ids
	}
	slices.SortStableFunc(ids, func(a, b int32) int { return cmp.Compare(counts[b], counts[a]) })
	ids = ids[:h:h]
	slot = make([]int32, v)
	for i := range slot {
		slot[i] = -1
	}
	for s, t := range ids {
		slot[t] = int32(s)
	}
	return slot, ids
}

// syncInterval is the write-back interval, in raw tokens, for model m,
// h staged rows, a corpus of epochTokens tokens and the given workers.
func syncInterval(m Model, h int, epochTokens int64, workers int, tune tuning) int64 {
	if tune.syncTokens > 0 {
		return tune.syncTokens
	}
	factor := int64(syncRowsFactorSG)
	if m == CBOW {
		factor = syncRowsFactorCBOW
	}
	iv := max(tune.minSyncTokens, factor*int64(h))
	return max(min(iv, epochTokens/int64(syncsPerEpoch*max(workers, 1))), min(floorSyncTokens, tune.minSyncTokens))
}

// newStaging sets the matrices worker id trains and allocates its copies
// of the staged rows (when the run stages any and the worker is not the
// one training the shared matrices directly): whole replicas of In and Out
// that it trains instead of the shared ones, or, when only some words are
// staged, copies of their rows beside the shared matrices.
func newStaging(sh *shared, id int) staging {
	st := staging{in: sh.in, out: sh.out}
	h := len(sh.hotIDs)
	if h == 0 || (id == 0 && sh.direct) {
		return st
	}
	n := h * sh.stride
	st.hIn, st.hIn0 = isolated[float32](n), isolated[float32](n)
	st.hOut, st.hOut0 = isolated[float32](n), isolated[float32](n)
	if sh.hotSlot == nil {
		st.in, st.out = st.hIn, st.hOut
		return st
	}
	st.partial = true
	st.hotCtx = isolated[int32](ctxCap(sh))[:0]
	st.coldCtx = isolated[int32](ctxCap(sh))[:0]
	return st
}

// advance counts n raw tokens trained since the write-backs.
func (st *staging) advance(n int64) {
	st.sinceSync += n
	st.sinceHot += n
}

// resetSince restarts the write-back intervals, after every staged row
// was written back or refreshed.
func (st *staging) resetSince() {
	st.sinceSync, st.sinceHot = 0, 0
	st.sinceTier = [2]int64{}
}

// writeBackDue runs the write-backs whose interval has passed: all staged
// rows every syncTokens, the hottest tiers more often.
func (w *worker) writeBackDue() {
	sh, st := w.sh, &w.stage
	if st.sinceSync >= sh.syncTokens {
		w.sync()
	} else if sh.hotIDs != nil && st.sinceHot >= sh.tiers[0].tokens {
		w.syncHot()
	}
}

// refresh copies the staged rows of the shared matrices into the worker's
// copies and snapshots.
func (w *worker) refresh() {
	st := &w.stage
	if st.hIn == nil {
		return
	}
	dim, stride := w.sh.dim, w.sh.stride
	for s, t := range w.sh.hotIDs {
		o, r := s*stride, int(t)*stride
		copy(st.hIn[o:o+dim], w.sh.in[r:r+dim])
		copy(st.hOut[o:o+dim], w.sh.out[r:r+dim])
	}
	copy(st.hIn0, st.hIn)
	copy(st.hOut0, st.hOut)
	st.resetSince()
}

// stripeLock is one write-back lock on a cache line of its own.
type stripeLock struct {
	sync.Mutex
	_ cacheLinePad
}

// sync adds what the worker changed in its staged rows since the last
// refresh to the shared matrices, and refreshes them. The staged rows are
// split into syncStripes ranges, each written back under its own lock:
// a write-back reads, adds and stores every weight, so two workers
// writing back the same row at once would lose one's changes. Workers
// reach their intervals at about the same time (they run at the same
// speed and start every epoch together), so without the locks they would
// walk the same rows in step. Each worker starts at a different stripe,
// so they rarely wait for each other.
func (w *worker) sync() {
	if w.stage.hIn != nil {
		h := len(w.sh.hotIDs)
		w.writeBackSlots(h, h, w.id)
	}
	w.stage.resetSince() // also without copies, so that the interval restarts
}

// syncHot writes back the rows of the run's tiers (hotTiers) whose interval
// has passed: the first slots are the most frequent words' (slots are in
// order of frequency). A write-back covers every tier whose rows it
// includes. The worker that trains the shared matrices directly has
// nothing to write back.
func (w *worker) syncHot() {
	st := &w.stage
	if st.hIn == nil {
		st.resetSince()
		return
	}
	inRows, outRows := 0, 0
	for i, t := range w.sh.tiers {
		st.sinceTier[i] += st.sinceHot
		if st.sinceTier[i] >= t.tokens {
			outRows = max(outRows, t.rows)
			if t.in {
				inRows = max(inRows, t.rows)
			}
		}
	}
	st.sinceHot = 0
	if outRows == 0 {
		return
	}
	h := len(w.sh.hotIDs)
	w.writeBackSlots(min(inRows, h), min(outRows, h), 0)
	for i, t := range w.sh.tiers {
		if t.rows <= outRows && (!t.in || t.rows <= inRows) {
			st.sinceTier[i] = 0
		}
	}
}

// writeBackSlots writes back staged slots [0, inUpto) of In and [0,
// outUpto) of Out, stripe by stripe under the stripes' locks, starting at
// stripe first.
func (w *worker) writeBackSlots(inUpto, outUpto, first int) {
	sh, st := w.sh, &w.stage
	dim, stride := sh.dim, sh.stride
	h := len(sh.hotIDs)
	n := len(sh.syncLocks)
	for k := range n {
		stripe := (first + k) % n
		lo, hi := stripe*h/n, (stripe+1)*h/n
		inHi, outHi := min(hi, inUpto), min(hi, outUpto)
		if lo >= max(inHi, outHi) {
			continue
		}
		sh.syncLocks[stripe].Lock()
		if sh.hotSlot == nil {
			// Whole replicas: slot s is word s, the stripe one block.
			if lo < inHi {
				a, b := lo*stride, inHi*stride
				writeBack(sh.in[a:b], st.hIn[a:b], st.hIn0[a:b])
			}
			if lo < outHi {
				a, b := lo*stride, outHi*stride
				writeBack(sh.out[a:b], st.hOut[a:b], st.hOut0[a:b])
			}
		} else {
			for s := lo; s < inHi; s++ {
				o, r := s*stride, int(sh.hotIDs[s])*stride
				writeBack(sh.in[r:r+dim], st.hIn[o:o+dim], st.hIn0[o:o+dim])
			}
			for s := lo; s < outHi; s++ {
				o, r := s*stride, int(sh.hotIDs[s])*stride
				writeBack(sh.out[r:r+dim], st.hOut[o:o+dim], st.hOut0[o:o+dim])
			}
		}
		sh.syncLocks[stripe].Unlock()
	}
}

// inRow and outRow return word t's row of In and Out as the worker trains
// it: its copy when t is staged, the shared row otherwise.
func (w *worker) inRow(t int32) []float32  { return w.row(t, w.stage.hIn, w.stage.in) }
func (w *worker) outRow(t int32) []float32 { return w.row(t, w.stage.hOut, w.stage.out) }

// row is word t's row of the staged copy when t has a slot in it, of m
// otherwise.
func (w *worker) row(t int32, staged, m []float32) []float32 {
	dim, stride := w.sh.dim, w.sh.stride
	if w.stage.partial {
		if s := w.sh.hotSlot[t]; s >= 0 {
			return staged[int(s)*stride : int(s)*stride+dim]
		}
	}
	return m[int(t)*stride : int(t)*stride+dim]
}

// splitCtx splits a context list into the staged words (as slots of the
// worker's In copy) and the others (as rows of the shared In), keeping
// their order.
func (w *worker) splitCtx(ctx []int32) (hot, cold []int32) {
	st := &w.stage
	hot, cold = st.hotCtx[:0], st.coldCtx[:0]
	for _, t := range ctx {
		if s := w.sh.hotSlot[t]; s >= 0 {
			hot = append(hot, s)
		} else {
			cold = append(cold, t)
		}
	}
	st.hotCtx, st.coldCtx = hot, cold
	return hot, cold
}
