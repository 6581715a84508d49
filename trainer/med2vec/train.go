package med2vec

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

// Train fits Med2Vec to c and returns one vector per vocabulary token
// (Tokens, Kinds, Dim = cfg.CodeDim, vectors chosen by cfg.Export; Name is
// left for the caller to set, e.g. "Med2Vec_embeddings_200").
//
// Each epoch visits the corpus' minibatches (contiguous slices of
// cfg.BatchSize visits) in an order drawn from cfg.Seed; each minibatch is
// split across cfg.Workers goroutines whose gradients are summed in a fixed
// order, then one Adadelta step updates every parameter. progress, if not
// nil, is called from Train's own goroutine at most every
// cfg.ProgressInterval and once at the end with Done set. Train returns
// ctx's error, wrapped, soon after ctx is cancelled (between minibatches).
func Train(ctx context.Context, c *corpus.Corpus, cfg Config, progress func(Progress)) (*embedding.Set, error) {
	p, err := train(ctx, c, cfg, progress)
	if err != nil {
		return nil, err
	}
	return p.export(c.Vocab, cfg.Export), nil
}

// train runs Train's optimisation and returns the parameters.
func train(ctx context.Context, c *corpus.Corpus, cfg Config, progress func(Progress)) (*params, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := checkCorpus(c); err != nil {
		return nil, err
	}
	C, nv := c.Vocab.Len(), c.NumVisits()
	p := newParams(C, cfg.CodeDim, cfg.VisitDim)
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6d656432766563)) // "med2vec"
	p.initUniform(rng)
	opt := newAdadelta(C, cfg.CodeDim, cfg.VisitDim, cfg.Rho, cfg.Eps)
	g := newGradient(p, cfg.Workers, cfg.L2)
	visitSeq := visitSequences(c)
	b := &batch{}

	interval := cfg.ProgressInterval
	if interval == 0 {
		interval = time.Second
	}
	nb := (nv + cfg.BatchSize - 1) / cfg.BatchSize
	total := int64(nv) * int64(cfg.Epochs)
	start := time.Now()
	lastReport := start
	var done int64
	report := func(epoch int, loss float64, final bool) {
		if progress == nil {
			return
		}
		el := time.Since(start)
		var eta time.Duration
		if done > 0 && !final {
			eta = time.Duration(float64(el) * float64(total-done) / float64(done))
		}
		progress(Progress{Epoch: epoch, Epochs: cfg.Epochs, VisitsDone: done, VisitsTotal: total,
			Loss: loss, Elapsed: el, ETA: eta, Done: final})
	}
	var epochLoss float64
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		epochLoss = 0
		for n, bi := range rng.Perm(nb) {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("med2vec: training stopped in epoch %d: %w", epoch, err)
			}
			lo, hi := bi*cfg.BatchSize, min((bi+1)*cfg.BatchSize, nv)
			b.build(c, visitSeq, lo, hi, cfg.Window)
			loss := g.compute(b)
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return nil, fmt.Errorf("med2vec: loss %v in epoch %d: %w", loss, epoch, ErrDiverged)
			}
			opt.step(p, g.grad)
			epochLoss += loss
			done += int64(hi - lo)
			if now := time.Now(); now.Sub(lastReport) >= interval {
				lastReport = now
				report(epoch, epochLoss/float64(n+1), false)
			}
		}
		epochLoss /= float64(nb)
	}
	if !p.finite() {
		return nil, fmt.Errorf("med2vec: non-finite weights after training: %w", ErrDiverged)
	}
	report(cfg.Epochs, epochLoss, true)
	return p, nil
}

// checkCorpus verifies what Train relies on: a vocabulary, at least one
// visit, consistent offsets and token ids inside the vocabulary.
func checkCorpus(c *corpus.Corpus) error {
	if c == nil || c.Vocab == nil || c.Vocab.Len() == 0 || c.NumVisits() == 0 {
		return ErrEmptyCorpus
	}
	ns, nv := c.NumSeqs(), c.NumVisits()
	if c.SeqVisits == nil {
		if ns != nv {
			return fmt.Errorf("%w: %d sequences of one visit each (SeqVisits nil) but %d visits", ErrBadCorpus, ns, nv)
		}
	} else if len(c.SeqVisits) != ns+1 || c.SeqVisits[0] != 0 || c.SeqVisits[ns] != int64(nv) {
		return fmt.Errorf("%w: SeqVisits has %d entries ending at %d, want %d ending at %d visits",
			ErrBadCorpus, len(c.SeqVisits), last(c.SeqVisits), ns+1, nv)
	}
	for i := range ns {
		if c.FirstVisit(i) > c.FirstVisit(i+1) {
			return fmt.Errorf("%w: SeqVisits decreases at sequence %d", ErrBadCorpus, i)
		}
	}
	if c.Visits[0] != 0 || c.Visits[nv] > int64(c.Tokens.Len()) {
		return fmt.Errorf("%w: visit offsets run past the %d tokens", ErrBadCorpus, c.Tokens.Len())
	}
	for j := range nv {
		if c.Visits[j] > c.Visits[j+1] {
			return fmt.Errorf("%w: Visits decreases at visit %d", ErrBadCorpus, j)
		}
	}
	V := int32(c.Vocab.Len())
	for i, t := range c.Tokens.All() {
		if t < 0 || t >= V {
			return fmt.Errorf("%w: token %d has id %d outside the vocabulary of %d", ErrBadCorpus, i, t, V)
		}
	}
	return nil
}

func last(s []int64) int64 {
	if len(s) == 0 {
		return -1
	}
	return s[len(s)-1]
}

// visitSequences returns the sequence index of every visit: the patient
// boundary of the visit objective (see the package documentation).
func visitSequences(c *corpus.Corpus) []int32 {
	out := make([]int32, c.NumVisits())
	for i := range c.NumSeqs() {
		for j := c.FirstVisit(i); j < c.FirstVisit(i+1); j++ {
			out[j] = int32(i)
		}
	}
	return out
}
