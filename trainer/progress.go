package trainer

import (
	"math"
	"runtime"
	"time"
)

// Progress is one report on a running Train call, delivered to the
// progress callback by a single monitor goroutine (never by a worker)
// every Config.ProgressInterval, and once more with Done set at the end.
type Progress struct {
	Epoch, Epochs int   // current epoch (1-based) and the number of epochs
	TokensDone    int64 // raw corpus tokens processed, over all epochs so far
	TokensTotal   int64 // Epochs × corpus tokens
	Pairs         int64 // (centre, context) pairs trained so far

	TokensPerSec float64 // mean rate since the start
	PairsPerSec  float64 // mean rate since the start
	Alpha        float64 // learning rate at TokensDone
	// Loss is the probe loss: the mean negative-sampling loss (-log σ of
	// the positive plus -log σ(-x) of each negative) per prediction of a
	// fixed sample of 4,096 predictions drawn from the corpus before
	// training (probe.go), scored at the start and at the end of every
	// epoch with the vectors as they are. It starts near (1+Negative)·ln 2
	// and falls when training works; during an epoch it is the previous
	// epoch's.
	Loss float64
	// TrainLoss is the mean loss of the predictions trained since the
	// previous report (gensim's compute_loss): per pair for SkipGram (one
	// pair in lossSample, 16, an estimate of the same mean), per centre
	// word for CBOW. It need not fall (later epochs train other pairs with
	// a smaller learning rate); NaN when nothing was trained in the
	// interval.
	TrainLoss float64

	Elapsed time.Duration
	ETA     time.Duration // estimated time left at the mean rate
	Done    bool          // the final report
}

// monitor accumulates what it needs to turn workers' published counters
// into Progress reports.
type monitor struct {
	sh        *shared
	workers   []*worker
	start     time.Time
	lastLoss  float64
	lastPreds int64
}

// run calls progress (when not nil) with a report every interval until
// finish is closed, then once more with the final report.
func (m *monitor) run(progress func(Progress), interval time.Duration, finish <-chan struct{}) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			if progress != nil {
				progress(m.report(false))
			}
		case <-finish:
			if progress != nil {
				progress(m.report(true))
			}
			return
		}
	}
}

// report turns the workers' published counters into a Progress report.
func (m *monitor) report(done bool) Progress {
	sh := m.sh
	var loss float64
	var pairs, preds int64
	for _, w := range m.workers {
		l, pa, pr := w.published()
		loss += l
		pairs += pa
		preds += pr
	}
	tokens := sh.done.Load()
	elapsed := time.Since(m.start)
	p := Progress{
		Epoch:       int(sh.epoch.Load()),
		Epochs:      sh.cfg.Epochs,
		TokensDone:  tokens,
		TokensTotal: sh.total,
		Pairs:       pairs,
		Alpha:       learningRate(sh.alpha, sh.minAlpha, tokens, sh.total),
		Loss:        math.Float64frombits(sh.probeLoss.Load()),
		TrainLoss:   math.NaN(),
		Elapsed:     elapsed,
		Done:        done,
	}
	if n := preds - m.lastPreds; n > 0 {
		p.TrainLoss = (loss - m.lastLoss) / float64(n)
	}
	m.lastLoss, m.lastPreds = loss, preds
	if s := elapsed.Seconds(); s > 0 {
		p.TokensPerSec = float64(tokens) / s
		p.PairsPerSec = float64(pairs) / s
		if p.TokensPerSec > 0 && !done {
			p.ETA = time.Duration(float64(sh.total-tokens) / p.TokensPerSec * float64(time.Second))
		}
	}
	return p
}

// published returns the worker's last published loss, pairs and
// predictions, all from one publish (retrying while one is under way).
func (w *worker) published() (loss float64, pairs, preds int64) {
	for {
		seq := w.pubSeq.Load()
		if seq&1 == 0 {
			loss = math.Float64frombits(w.pubLoss.Load())
			pairs, preds = w.pubPairs.Load(), w.pubPreds.Load()
			if w.pubSeq.Load() == seq {
				return loss, pairs, preds
			}
		}
		runtime.Gosched()
	}
}
