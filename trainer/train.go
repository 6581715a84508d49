package trainer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

// Train trains cfg.Model on c and returns the input vectors, one row per
// vocabulary entry (Tokens and Kinds copied from c.Vocab; Name is left for
// the caller). progress may be nil. Configuration and corpus problems are
// reported together before any work starts; an empty corpus gives
// ErrEmptyCorpus. Cancelling ctx stops the workers within a chunk and
// Train returns the context's error, wrapped. A loss or weight that is not
// finite stops training with ErrDiverged.
func Train(ctx context.Context, c *corpus.Corpus, cfg Config, progress func(Progress)) (*embedding.Set, error) {
	return train(ctx, c, cfg, defaultTuning(), progress)
}

// tuning holds a run's internal settings that tests change; Train runs
// with defaultTuning.
type tuning struct {
	stageBudget     int   // staging memory of all workers (staging.go)
	stageBytes      int   // staging memory per worker
	stageMinWorkers int   // the fewest workers that stage
	minSyncTokens   int64 // the usual shortest write-back interval
	syncTokens      int64 // when positive, the write-back interval
	localRows       bool  // CBOW trains long sequences on local rows (cbow_whole.go)
	// hook, when set, sees every window a worker trains, in order: the
	// centre kept[i] and the context kept[lo:hi] but i.
	hook func(kept []int32, i, lo, hi int)
}

func defaultTuning() tuning {
	return tuning{
		stageBudget:     stageBudget,
		stageBytes:      stageBytes,
		stageMinWorkers: 2,
		minSyncTokens:   minSyncTokens,
		localRows:       true,
	}
}

func train(ctx context.Context, c *corpus.Corpus, cfg Config, tune tuning, progress func(Progress)) (*embedding.Set, error) {
	sh, err := run(ctx, c, cfg, tune, nil, progress)
	if err != nil {
		return nil, err
	}
	vocab := c.Vocab
	return &embedding.Set{
		Tokens:  append([]string(nil), vocab.Words...),
		Kinds:   append([]corpus.Kind(nil), vocab.Kinds...),
		Dim:     cfg.Dim,
		Vectors: packRows(sh.in, vocab.Len(), sh.dim, sh.stride),
	}, nil
}

// run checks the configuration, the corpus and the composition (nil for a
// plain run), trains, and returns the run's trained state.
func run(ctx context.Context, c *corpus.Corpus, cfg Config, tune tuning, comp *Composition, progress func(Progress)) (*shared, error) {
	maxSeq, err := check(c, cfg)
	if comp != nil {
		err = errors.Join(err, checkComposition(c, cfg, comp))
	}
	if err != nil {
		return nil, err
	}
	if cfg.ProgressInterval == 0 {
		cfg.ProgressInterval = time.Second
	}
	sh := newShared(c, cfg, maxSeq, tune)
	if comp != nil {
		sh.setComposition(comp)
	}
	sh.probe = newProbe(sh, c)
	sh.scoreProbe()
	untrained := sh.probeLossNow()
	workers := make([]*worker, cfg.Workers)
	for i := range workers {
		workers[i] = newWorker(sh, i)
	}
	stopWatch := context.AfterFunc(ctx, func() { sh.stop.Store(true) })
	defer stopWatch()

	mon := &monitor{sh: sh, workers: workers, start: time.Now()}
	finish := make(chan struct{})
	monDone := make(chan struct{})
	go func() {
		defer close(monDone)
		mon.run(progress, cfg.ProgressInterval, finish)
	}()
	err = runEpochs(ctx, sh, workers, c)
	close(finish)
	<-monDone
	if err != nil {
		return nil, err
	}
	// Finite weights can still have diverged: a model whose loss on the
	// probe's predictions ends at more than twice the untrained model's
	// has learnt nothing that holds (CBOW with a window of 100 and -alpha 0.05 on
	// a co-trained corpus of 10 million patients ends near 2,300 against
	// 4.15, with vectors 10,000 long). The loss may rise for a while and
	// come back down (the same setting at 600,000 patients peaks at
	// four times the start and ends at half of it), so only the end is
	// judged.
	if end := sh.probeLossNow(); end > 2*untrained {
		return nil, divergedError(cfg, cfg.Epochs, fmt.Sprintf("the probe loss ended at %.4g, more than twice the untrained model's %.4g", end, untrained))
	}
	return sh, nil
}

// probeLossNow is the probe's last score.
func (sh *shared) probeLossNow() float64 { return math.Float64frombits(sh.probeLoss.Load()) }

// shared is the state all workers of one run read; In and Out are written
// by all of them without locks (Hogwild).
type shared struct {
	cfg  Config
	tune tuning
	dim  int
	// stride is the distance between rows of in, out and the workers'
	// copies of them (rowStride, layout.go).
	stride   int
	in, out  []float32 // row-major, vocab × stride, 64-byte aligned
	noise    *noiseTable
	keep     []uint32 // subsampling thresholds per word id
	c        *chunks
	total    int64 // epochs × corpus tokens
	maxSeq   int
	alpha    float64
	minAlpha float64
	// hotIDs: the words whose rows the workers stage (staging.go), nil
	// when nothing is staged; hotSlot: each word's row in a worker's
	// copies, or -1, nil when every word is staged (the copies are whole
	// replicas and a word's row is its id).
	hotSlot, hotIDs []int32
	// direct: worker 0 trains the shared matrices and stages nothing
	// (staging.go); set with several workers, not for one (staging forced
	// on for a single worker in tests). Its writes race with the others'
	// write-backs by design (Hogwild's race, doc.go), so a build with the
	// race detector stages every worker instead, and the multi-worker runs
	// of tests outside the !race files stay free of it.
	direct     bool
	syncTokens int64        // raw tokens between write-backs
	tiers      [2]hotTier   // the hottest rows' extra write-backs
	syncLocks  []stripeLock // write-back locks, one per stripe of hotIDs
	// comp is a composed run's table (compose_seq.go), nil for a plain run.
	comp *composer
	// probe is the fixed sample of predictions whose loss Progress reports
	// (probe.go); probeLoss holds its last score, as float64 bits, written
	// between epochs and read by the monitor.
	probe     *probe
	probeLoss atomic.Uint64

	// The counters workers write live on cache lines of their own, away
	// from the fields above that every worker reads for every centre.
	_     cacheLinePad
	done  atomic.Int64
	next  atomic.Int64 // next chunk of the current epoch
	epoch atomic.Int64 // 1-based current epoch
	stop  atomic.Bool
	_     cacheLinePad
}

// newShared builds the model matrices and sampling tables of a run on a
// checked corpus.
func newShared(c *corpus.Corpus, cfg Config, maxSeq int, tune tuning) *shared {
	v := c.Vocab.Len()
	counts := make([]int64, v)
	c.Tokens.Count(counts)
	total := int64(c.Tokens.Len())
	stride := rowStride(cfg)
	hotSlot, hotIDs := hotRows(counts, 4*stride, stagingWorkers(cfg, tune), tune)
	return &shared{
		cfg:      cfg,
		tune:     tune,
		dim:      cfg.Dim,
		stride:   stride,
		in:       initInput(v, cfg.Dim, stride, cfg.Seed),
		out:      isolated[float32](v * stride),
		noise:    newNoiseTable(counts, negativePower),
		keep:     keepThresholds(counts, total, cfg.Subsample),
		c:        newChunks(c.Seqs),
		total:    total * int64(cfg.Epochs),
		maxSeq:   maxSeq,
		alpha:    cfg.Alpha,
		minAlpha: cfg.MinAlpha,

		hotSlot:    hotSlot,
		hotIDs:     hotIDs,
		direct:     firstTrainsShared(cfg),
		syncTokens: syncInterval(cfg.Model, len(hotIDs), total, cfg.Workers, tune),
		tiers:      hotTiers[cfg.Model],
		syncLocks:  make([]stripeLock, min(syncStripes, len(hotIDs))),
	}
}

// firstTrainsShared reports whether the first worker of a run trains the
// shared matrices directly instead of staging (shared.direct).
func firstTrainsShared(cfg Config) bool { return cfg.Workers > 1 && !raceEnabled }

// Memory is what a run allocates for its model besides the corpus: In and
// Out, their rows padded to the kernels' stride, and the copies of the
// staged rows (four per row: In, Out and their snapshots) that each worker
// but the first keeps when several train, within one budget for all of
// them. The workers' scratch (a few sequences' worth) is left out.
type Memory struct {
	Model   int64 // In and Out
	Staging int64 // every staging worker's copies
}

// EstimateMemory returns the Memory of a run of cfg on a corpus whose
// words occur counts[id] times each (the staged rows are the most
// frequent ones).
func EstimateMemory(counts []int64, cfg Config) Memory {
	return estimateMemory(counts, cfg, defaultTuning())
}

func estimateMemory(counts []int64, cfg Config, tune tuning) Memory {
	stride := int64(rowStride(cfg))
	m := Memory{Model: 2 * int64(len(counts)) * stride * 4}
	stagers := stagingWorkers(cfg, tune)
	_, ids := hotRows(counts, int(4*stride), stagers, tune)
	m.Staging = int64(stagers) * int64(len(ids)) * 4 * stride * 4
	return m
}

// runEpochs runs the workers epoch by epoch, scanning the weights for NaN
// and Inf between epochs.
func runEpochs(ctx context.Context, sh *shared, workers []*worker, c *corpus.Corpus) error {
	for e := 1; e <= sh.cfg.Epochs; e++ {
		sh.epoch.Store(int64(e))
		sh.next.Store(0)
		var g errgroup.Group
		for _, w := range workers {
			g.Go(func() error { return w.runEpoch(ctx, c.Tokens, c.Seqs) })
		}
		err := g.Wait()
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("trainer: training stopped in epoch %d of %d: %w", e, sh.cfg.Epochs, ctxErr)
		}
		if err != nil {
			return err
		}
		if what := nonFinite(sh.in, sh.out, sh.dim, sh.stride); what != "" {
			return divergedError(sh.cfg, e, what)
		}
		sh.scoreProbe()
	}
	return nil
}

// scoreProbe scores the probe with the vectors as they are (no worker may
// be writing) and publishes the loss for the monitor.
func (sh *shared) scoreProbe() {
	sh.probeLoss.Store(math.Float64bits(sh.probe.loss(sh)))
}

// nonFinite describes the first NaN or Inf weight of the matrices (rows
// of dim weights every stride), numbered as in a packed vocab × dim
// matrix, or returns "".
func nonFinite(in, out []float32, dim, stride int) string {
	for _, m := range []struct {
		name string
		w    []float32
	}{{"input", in}, {"output", out}} {
		for i, v := range m.w {
			if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
				return fmt.Sprintf("%s weight %d became %v", m.name, i/stride*dim+i%stride, v)
			}
		}
	}
	return ""
}

// initInput returns vocab rows of dim input weights, stride apart (the
// padding zero), drawn uniformly from [-0.5/dim, 0.5/dim) (word2vec.c,
// gensim) by a generator seeded from seed, row after row.
func initInput(vocab, dim, stride int, seed uint64) []float32 {
	r := newRNG(seed, 0)
	in := isolated[float32](vocab * stride)
	for row := range vocab {
		w := in[row*stride : row*stride+dim]
		for i := range w {
			w[i] = float32((r.float() - 0.5) / float64(dim))
		}
	}
	return in
}

// check reports every configuration and corpus problem at once and returns
// the longest sequence's length.
func check(c *corpus.Corpus, cfg Config) (maxSeq int, err error) {
	errs := []error{cfg.Validate()}
	switch {
	case c == nil || c.Vocab == nil || c.Vocab.Len() == 0 || c.Tokens.Len() == 0:
		errs = append(errs, fmt.Errorf("%w: no tokens to train on", ErrEmptyCorpus))
	case len(c.Seqs) < 2 || c.Seqs[0] != 0 || c.Seqs[len(c.Seqs)-1] != int64(c.Tokens.Len()):
		errs = append(errs, fmt.Errorf("trainer: corpus sequence offsets do not cover its %d tokens", c.Tokens.Len()))
	default:
		for s := 0; s+1 < len(c.Seqs); s++ {
			n := c.Seqs[s+1] - c.Seqs[s]
			if n < 0 {
				errs = append(errs, fmt.Errorf("trainer: corpus sequence %d has negative length %d", s, n))
				break
			}
			maxSeq = max(maxSeq, int(n))
		}
		v := int32(c.Vocab.Len())
		for i, t := range c.Tokens.All() {
			if t < 0 || t >= v {
				errs = append(errs, fmt.Errorf("trainer: corpus token %d has id %d outside the vocabulary of %d", i, t, v))
				break
			}
		}
	}
	return maxSeq, errors.Join(errs...)
}
