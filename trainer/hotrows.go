package trainer

import (
	"cmp"
	"slices"
	"sync"
)

// Hot-row staging: each worker of a multi-worker run but the first keeps
// its own copy of the rows of In and Out of the most frequent words,
// trains on the copy, and every syncTokens raw tokens adds what it changed
// to the shared matrices and takes a fresh copy. The first worker trains
// the shared matrices directly (sh.direct).
//
// Why: Hogwild's lock-free writes are cheap only while two cores rarely
// write the same cache line. On patient-year corpora they do all the time:
// a few hundred codes carry most tokens, so the same Out rows are the
// centre or a negative of nearly every pair of both workers, and the same
// In rows are contexts of both. Each such write moves the line from one
// core's cache to the other's (measured: package documentation and
// benchmarks/RESULTS.md).
//
// What changes: a worker sees the other workers' updates of a hot row
// after at most syncTokens of its own tokens (and they see its updates as
// late), instead of whenever the cache line arrives. Updates are still
// all applied: the write-back adds the difference between the copy and
// the snapshot taken with it, so concurrent updates of the same row by
// other workers add up rather than overwrite each other. Within a worker
// nothing changes: it reads its own updates at once. This is the bounded
// staleness of asynchronous SGD, and it is not free: Skip-Gram at small
// dimensions and on small corpora scores a little lower than with plain
// Hogwild (package documentation; Config.PlainHogwild keeps the latter).
// With one worker there is no staging at all (nothing to contend with),
// so a seeded single-worker run keeps its bit-identical vectors.
//
// Why the first worker does not stage: one writer of the shared rows
// between write-backs contends with nobody, and the others' write-backs
// add their changes to what it wrote as they would to another copy's (an
// update it makes between a write-back's load and store of that weight is
// lost: Hogwild's lost update, within the write-back's pass over a row).
// The staleness is the same (each of two workers sees the other's updates
// of a hot row after at most one write-back interval of the staging one),
// but one worker fewer copies, snapshots and writes back: 600,000
// patients, dim 100, 2 workers, hiervec train, alternating runs: 1 epoch
// 12.76-13.02 s against 13.15-13.36 s, 5 epochs 64.06-64.49 s against
// 64.46-66.12 s, 9.2 MiB less peak memory; NMI@200 over 5 epochs, ten
// runs (seeds 1-6, then 1-4 again) 0.533 against 0.530 (seeds 1-6).

// hotRowBytes bounds the staging memory of one worker: four copies (In,
// Out and their snapshots) of the staged rows. 16 MiB holds whole
// replicas for a 6,000-word vocabulary at dimension 100 (the paper's
// codes and categories co-trained), 2,600 words at dimension 400.
var hotRowBytes = 16 << 20

// The write-back interval. A worker's updates of a hot row are computed
// from a copy that misses the other workers' updates since the last
// write-back. Shorter intervals help Skip-Gram at dimension 10 (AMI@200
// 0.050 at this interval, 0.054 every 1,024 tokens, 0.058 every 64, at
// 60,000 patients, 3 seeds; one worker 0.059) but cost time in proportion to the
// staged rows, hence the extra write-back of the hottest rows below, which
// gets most of that gain for little. A write-back costs
// about six float operations per staged weight, so the interval is
// syncRowsFactor tokens per staged row, which keeps write-backs near 1% of
// training: Skip-Gram does about 18 dimension-long operations per pair
// and 29 pairs per token at window 100, so one token per row; CBOW's
// pairs are ten times cheaper, so eight. (32 was measured too: 0-5% faster
// at 600k patients, dimension 100, but the two-worker training loss of one
// epoch rose from 1.87-1.91 to 2.11-2.49, one worker's being 1.85-1.88: the
// workers' replicas drift apart between write-backs.) It is at least
// minSyncTokens, and on a small corpus
// at most 1/syncsPerEpoch of a worker's share of an epoch, so that the
// workers see each other's updates many times an epoch (never below
// floorSyncTokens).
const (
	syncRowsFactorSG   = 1
	syncRowsFactorCBOW = 8
	syncsPerEpoch      = 32
	floorSyncTokens    = 256
)

// Skip-Gram also writes back the rows of its most frequent staged words
// more often than the rest (hotTiersSG): In and Out of the first 256 slots
// every 256 tokens, Out of the first 1,024 every 1,024. These rows take
// hundreds of updates from every worker within one write-back interval,
// each worker's computed from a copy that lacks the others'. Out rows
// take six of a pair's seven row updates (the centre's and five noise
// words', drawn by frequency), In rows one (the context's), so beyond the
// hottest words only Out is written back early. AMI@200 measured a single
// tier of both matrices at 60,000 patients (1 epoch, 2 workers, 6 seeds
// at dim 10, 3 at 50 and 100; one worker scores 0.059 at dim 10, gensim
// 0.055):
//
//	                         dim 10         dim 50         dim 100
//	no extra write-back      0.050 ± 0.003  0.098 ± 0.001  0.100 ± 0.002
//	256 rows every 256       0.053 ± 0.001
//	256 rows every 64        0.054 ± 0.002  0.100 ± 0.002  0.103 ± 0.000
//	256 rows every 16        0.054 ± 0.002
//	64 rows every 64         0.051 ± 0.003
//	64 rows every 16         0.052 ± 0.002
//	all rows every 64        0.055 ± 0.003  (13% slower at dim 10)
//
// and NMI@200 / AMI@200 at 600,000 patients, dim 100, 5 epochs (the
// issue's Skip-Gram cell; one run per seed; one worker 0.543 / 0.224,
// gensim 0.540 / 0.223 and 0.535 / 0.221 at seeds 1 and 2):
//
//	                         seed 1         seed 2         wall s
//	256 rows every 256       0.530 / 0.216  0.524 / 0.210  117, 123
//	256 rows every 64        0.526 / 0.213                 130
//	512 rows every 128       0.533 / 0.220                 136
//	1024 rows every 256      0.534 / 0.221  0.534 / 0.217  140, 135
//	all rows every 1024      0.537 / 0.216                 138
//
// Over five epochs the staleness of the moderately frequent rows (beyond
// the first 256) shows too, which 1,024 rows of both matrices every 256
// tokens cured. With the pair kernel (which made the rest of a run 1.6x
// faster) those write-backs cost the two-worker run 12-14%. Measured
// against tiers, NMI@200 at 600,000 patients, dim 100, 2 workers (5
// epochs, seeds 1 / 2 / 3; 1 epoch for the time, two alternating runs):
//
//	                                       5 epochs             1 epoch
//	1,024 In and Out every 256             0.534  0.531  0.535  17.25-17.76 s
//	Out: 256 every 256, 1,024 every 1,024  0.534  0.531  0.538  15.69-15.92 s
//	the same plus In's 256 every 256       0.531  0.531  0.533  15.98-16.06 s
//	  (as committed, rerun)                0.534  0.533  0.535
//	no extra write-back                                         15.36-15.39 s
//
// (gensim 0.540 / 0.540 / 0.539; one worker 30.2 s; benchmarks/RESULTS.md
// has the later runs, side by side with gensim.) At 60,000 patients,
// 1 epoch, the In rows matter (NMI@200, 6 seeds at dim 10, 3 at 50, 100;
// gensim 0.477, 0.458, 0.445):
//
//	                                       dim 10  dim 50  dim 100
//	1,024 In and Out every 256             0.474   0.460   0.451
//	Out only, two tiers                    0.466           0.443
//	Out two tiers plus In's 256            0.474   0.461   0.451
//
// hence the last, which costs the two-worker run 4%. Once the first
// worker trained the shared matrices directly (one writer of write-backs
// instead of two, so twice the write-backs cost what they did), more
// frequent ones bought nothing measurable (600,000 patients, dim 100, 5
// epochs, seeds 1-4, alternating; NMI@200, wall s):
//
//	                                              NMI@200  wall s
//	as committed                                  0.535    62.3-64.7
//	regular write-back every 2,700 tokens         0.533    64.0-65.0
//	tiers every 128 and 512 tokens                0.536    64.6-65.6
//
// CBOW has no such
// loss, and its centres are so cheap that 256 rows every 64 tokens made it
// 50% slower at dimension 100, so it has none.
var hotTiersSG = [...]hotTier{{rows: 256, tokens: 256, in: true}, {rows: 1024, tokens: 1024}}

// hotTier is one of Skip-Gram's extra write-backs: the Out rows (and the
// In rows when in) of the first rows staged slots, every tokens raw
// tokens. Tiers are in order of rows and of tokens.
type hotTier struct {
	rows   int
	tokens int64
	in     bool
}

// minSyncTokens is the usual shortest write-back interval (a variable for
// tests); syncOverride, when positive, replaces the computed interval
// (quality experiments).
var (
	minSyncTokens int64 = 4096
	syncOverride  int64
)

// stageMinWorkers is the fewest workers that stage (1 in tests that
// compare staged and unstaged single-worker runs bit for bit).
var stageMinWorkers = 2

// hotRows chooses the staged words, the most frequent (ties to the lower
// id), as many as hotRowBytes allows at dimension dim, and returns the
// slot of every word (-1 for words not staged; nil when every word is
// staged, each in the row of its id) and the word of every slot. It
// returns nil, nil when there is nothing to stage.
func hotRows(counts []int64, dim, workers int) (slot, ids []int32) {
	v := len(counts)
	h := min(v, hotRowBytes/(4*4*dim))
	if workers < stageMinWorkers || h == 0 {
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
func syncInterval(m Model, h int, epochTokens int64, workers int) int64 {
	if syncOverride > 0 {
		return syncOverride
	}
	factor := int64(syncRowsFactorSG)
	if m == CBOW {
		factor = syncRowsFactorCBOW
	}
	iv := max(minSyncTokens, factor*int64(h))
	return max(min(iv, epochTokens/int64(syncsPerEpoch*max(workers, 1))), min(floorSyncTokens, minSyncTokens))
}

// hotSyncInterval is the shortest interval of the hottest rows' extra
// write-backs for model m with h staged rows, 0 for none.
func hotSyncInterval(m Model, h int) int64 {
	if m == SkipGram && h > 0 {
		return hotTiersSG[0].tokens
	}
	return 0
}

// stage sets the matrices the worker trains and allocates its copies of
// the staged rows (when the run stages any and the worker is not the one
// training the shared matrices directly): whole replicas of In and Out
// that it trains instead of the shared ones, or, when only some words are
// staged, copies of their rows beside the shared matrices.
func (w *worker) stage() {
	w.in, w.out = w.sh.in, w.sh.out
	h := len(w.sh.hotIDs)
	if h == 0 || (w.id == 0 && w.sh.direct) {
		return
	}
	n := h * w.sh.stride
	w.hIn, w.hIn0 = isolated[float32](n), isolated[float32](n)
	w.hOut, w.hOut0 = isolated[float32](n), isolated[float32](n)
	if w.sh.hotSlot == nil {
		w.in, w.out = w.hIn, w.hOut
		return
	}
	w.partial = true
	w.hotCtx = isolated[int32](cap(w.ctx))[:0]
	w.coldCtx = isolated[int32](cap(w.ctx))[:0]
}

// refresh copies the staged rows of the shared matrices into the worker's
// copies and snapshots.
func (w *worker) refresh() {
	if w.hIn == nil {
		return
	}
	dim, stride := w.sh.dim, w.sh.stride
	for s, t := range w.sh.hotIDs {
		o, r := s*stride, int(t)*stride
		copy(w.hIn[o:o+dim], w.sh.in[r:r+dim])
		copy(w.hOut[o:o+dim], w.sh.out[r:r+dim])
	}
	copy(w.hIn0, w.hIn)
	copy(w.hOut0, w.hOut)
	w.resetSince()
}

// resetSince restarts the worker's write-back intervals, after every
// staged row was written back or refreshed.
func (w *worker) resetSince() {
	w.sinceSync, w.sinceHot = 0, 0
	w.sinceTier = [len(hotTiersSG)]int64{}
}

// syncStripes is the number of row ranges write-backs lock separately.
const syncStripes = 64

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
	if w.hIn != nil {
		w.writeBackSlots(len(w.sh.hotIDs), len(w.sh.hotIDs), w.id)
	}
	w.resetSince() // also without copies, so that runEpoch does not call again at once
}

// syncHot writes back the rows of the tiers of hotTiersSG whose interval
// has passed: the first slots are the most frequent words' (slots are in
// order of frequency). A write-back covers every tier whose rows it
// includes.
// Runs only when something is staged (hotSyncInterval); the worker that
// trains the shared matrices directly has nothing to write back.
func (w *worker) syncHot() {
	if w.hIn == nil {
		w.resetSince()
		return
	}
	inRows, outRows := 0, 0
	for i, t := range hotTiersSG {
		w.sinceTier[i] += w.sinceHot
		if w.sinceTier[i] >= t.tokens {
			outRows = max(outRows, t.rows)
			if t.in {
				inRows = max(inRows, t.rows)
			}
		}
	}
	w.sinceHot = 0
	if outRows == 0 {
		return
	}
	h := len(w.sh.hotIDs)
	w.writeBackSlots(min(inRows, h), min(outRows, h), 0)
	for i, t := range hotTiersSG {
		if t.rows <= outRows && (!t.in || t.rows <= inRows) {
			w.sinceTier[i] = 0
		}
	}
}

// writeBackSlots writes back staged slots [0, inUpto) of In and [0,
// outUpto) of Out, stripe by stripe under the stripes' locks, starting at
// stripe first.
func (w *worker) writeBackSlots(inUpto, outUpto, first int) {
	sh := w.sh
	dim, stride := sh.dim, sh.stride
	h := len(sh.hotIDs)
	n := len(sh.syncLocks)
	for k := range n {
		st := (first + k) % n
		lo, hi := st*h/n, (st+1)*h/n
		inHi, outHi := min(hi, inUpto), min(hi, outUpto)
		if lo >= max(inHi, outHi) {
			continue
		}
		sh.syncLocks[st].Lock()
		if sh.hotSlot == nil {
			// Whole replicas: slot s is word s, the stripe one block.
			if lo < inHi {
				a, b := lo*stride, inHi*stride
				writeBack(sh.in[a:b], w.hIn[a:b], w.hIn0[a:b])
			}
			if lo < outHi {
				a, b := lo*stride, outHi*stride
				writeBack(sh.out[a:b], w.hOut[a:b], w.hOut0[a:b])
			}
		} else {
			for s := lo; s < inHi; s++ {
				o, r := s*stride, int(sh.hotIDs[s])*stride
				writeBack(sh.in[r:r+dim], w.hIn[o:o+dim], w.hIn0[o:o+dim])
			}
			for s := lo; s < outHi; s++ {
				o, r := s*stride, int(sh.hotIDs[s])*stride
				writeBack(sh.out[r:r+dim], w.hOut[o:o+dim], w.hOut0[o:o+dim])
			}
		}
		sh.syncLocks[st].Unlock()
	}
}

// writeBack adds cur - snap to shared, then sets cur and snap to the
// result. A weight no other worker changed (shared still equals snap)
// takes cur exactly, so nothing is lost to rounding and a staged
// single-worker run has the bits of an unstaged one.
func writeBack(shared, cur, snap []float32) {
	if n := len(shared); hasAVX512 && n > 0 {
		_, _ = cur[n-1], snap[n-1]
		writeBackAVX512(shared, cur, snap)
		return
	}
	writeBackRef(shared, cur, snap)
}

// writeBackRef is writeBack in Go, the reference of the assembly.
func writeBackRef(shared, cur, snap []float32) {
	cur = cur[:len(shared)]
	snap = snap[:len(shared)]
	for d, v := range cur {
		x := v
		if s := shared[d]; s != snap[d] {
			x = s + (v - snap[d])
		}
		shared[d] = x
		cur[d] = x
		snap[d] = x
	}
}

// inRow and outRow return word t's row of In and Out as the worker trains
// it: its copy when t is staged, the shared row otherwise.
func (w *worker) inRow(t int32) []float32  { return w.row(t, w.hIn, w.in) }
func (w *worker) outRow(t int32) []float32 { return w.row(t, w.hOut, w.out) }

// row is word t's row of the staged copy when t has a slot in it, of m
// otherwise.
func (w *worker) row(t int32, staged, m []float32) []float32 {
	dim, stride := w.sh.dim, w.sh.stride
	if w.partial {
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
	hot, cold = w.hotCtx[:0], w.coldCtx[:0]
	for _, t := range ctx {
		if s := w.sh.hotSlot[t]; s >= 0 {
			hot = append(hot, s)
		} else {
			cold = append(cold, t)
		}
	}
	w.hotCtx, w.coldCtx = hot, cold
	return hot, cold
}
