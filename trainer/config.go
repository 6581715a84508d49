package trainer

import (
	"errors"
	"fmt"
	"runtime"
	"time"
)

// Config holds every training setting. hiervec train's flags map one to
// one onto its fields (-model, -dim, -window, -negative, -sample, -alpha,
// -min-alpha, -epochs, -threads, -seed, -no-shrink-window,
// -shared-negatives, -plain-hogwild).
type Config struct {
	// Model is SkipGram or CBOW.
	Model Model
	// Dim is the vector dimension.
	Dim int
	// Window is the maximum distance between a centre word and a context
	// word, counted in (kept) tokens of the same sequence.
	Window int
	// Negative is the number of noise words drawn per prediction. 0 trains
	// only the positive pair (rarely useful, allowed as in gensim).
	Negative int
	// Subsample is the frequent-token downsampling threshold s (gensim's
	// sample); 0 disables downsampling.
	Subsample float64
	// Alpha is the starting learning rate; it decays linearly to MinAlpha
	// over all epochs.
	Alpha float64
	// MinAlpha is the learning rate reached at the very end of training.
	MinAlpha float64
	// Epochs is the number of passes over the corpus.
	Epochs int
	// Workers is the number of Hogwild goroutines.
	Workers int
	// Seed makes initialisation and sampling reproducible: with Workers 1,
	// the same Seed gives bit-identical vectors.
	Seed uint64
	// ShrinkWindow draws, for each centre word, an effective window
	// uniformly from 1..Window (word2vec.c and gensim always do); false uses
	// Window for every centre.
	ShrinkWindow bool
	// SharedNegatives (Skip-Gram only; CBOW ignores it) draws one set of
	// Negative noise words per centre word, shared by its whole window
	// (Ji et al. 2016), and trains the window's pairs in word2vec.c's
	// order against those rows held in L1 (shared_negatives.go): faster
	// at long windows, a different estimator, measured close in quality
	// to per-pair and to gensim (benchmarks/RESULTS.md). false draws them
	// per (centre, context) pair, as word2vec.c and gensim do: the
	// reference.
	SharedNegatives bool
	// PlainHogwild turns hot-row staging off: every worker writes the
	// shared matrices directly, as word2vec.c and gensim do, and sees the
	// other workers' updates as soon as the cache line arrives. Staging
	// (the default with two or more workers; staging.go) keeps a copy of
	// the frequent rows per worker and writes back differences: faster
	// (benchmarks/RESULTS.md), but each worker sees the others' updates
	// of those rows only at write-backs. It has no effect with one worker.
	PlainHogwild bool
	// ProgressInterval is how often the progress callback is called; 0
	// means one second.
	ProgressInterval time.Duration
}

// DefaultConfig returns gensim's Word2Vec defaults for model m, which the
// paper used apart from the window (100) and epochs (10) it sets itself:
//
//   - Dim 100: gensim vector_size=100.
//   - Window 5: gensim window=5.
//   - Negative 5: gensim negative=5.
//   - Subsample 1e-3: gensim sample=1e-3.
//   - Alpha 0.025 for SkipGram, 0.05 for CBOW. gensim uses alpha=0.025 for
//     both architectures; word2vec.c uses 0.05 for CBOW and 0.025 for
//     skip-gram, and we follow word2vec.c here, because averaged CBOW
//     gradients are smaller and learn slowly at 0.025.
//     Set Alpha to 0.025 to reproduce gensim (and the paper) exactly.
//   - MinAlpha 0.0001: gensim min_alpha=0.0001.
//   - Epochs 5: gensim epochs=5.
//   - Workers runtime.NumCPU(): gensim's default is 3 threads; Hogwild
//     scales with cores, so use them all.
//   - Seed 1: gensim seed=1.
//   - ShrinkWindow true: gensim shrink_windows=True (and word2vec.c).
//   - SharedNegatives false: word2vec.c's and gensim's per-pair
//     negatives, the estimator the paper used. Sharing them is faster at
//     long windows and measured close in quality (benchmarks/RESULTS.md),
//     but changes what is computed, so it is asked for.
//   - PlainHogwild false: hot-row staging with two or more workers.
//   - ProgressInterval one second.
func DefaultConfig(m Model) Config {
	alpha := 0.025
	if m == CBOW {
		alpha = 0.05
	}
	return Config{
		Model:            m,
		Dim:              100,
		Window:           5,
		Negative:         5,
		Subsample:        1e-3,
		Alpha:            alpha,
		MinAlpha:         0.0001,
		Epochs:           5,
		Workers:          runtime.NumCPU(),
		Seed:             1,
		ShrinkWindow:     true,
		ProgressInterval: time.Second,
	}
}

// Validate reports every problem with c at once (errors.Join), each saying
// what is wrong and what would be accepted.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("trainer: "+format, args...))
	}
	if c.Model != SkipGram && c.Model != CBOW {
		bad("unknown model %d: use SkipGram (sg) or CBOW (cbow)", int(c.Model))
	}
	if c.Dim <= 0 {
		bad("dimension %d must be positive (e.g. 100)", c.Dim)
	}
	if c.Window <= 0 {
		bad("window %d must be positive (e.g. 5, or 100 for whole patient-years)", c.Window)
	}
	if c.Negative < 0 {
		bad("negative %d must be 0 or more (e.g. 5)", c.Negative)
	}
	if c.Subsample < 0 || c.Subsample != c.Subsample {
		bad("subsample %g must be 0 (off) or positive (e.g. 1e-3)", c.Subsample)
	}
	if c.MinAlpha < 0 || c.MinAlpha != c.MinAlpha {
		bad("min alpha %g must be 0 or more (e.g. 0.0001)", c.MinAlpha)
	}
	if !(c.Alpha > c.MinAlpha) {
		bad("alpha %g must be greater than min alpha %g (e.g. 0.025)", c.Alpha, c.MinAlpha)
	}
	if c.Epochs <= 0 {
		bad("epochs %d must be positive (e.g. 5)", c.Epochs)
	}
	if c.Workers <= 0 {
		bad("workers %d must be positive (e.g. %d, the number of CPUs)", c.Workers, runtime.NumCPU())
	}
	if c.ProgressInterval < 0 {
		bad("progress interval %v must be 0 (default, one second) or positive", c.ProgressInterval)
	}
	return errors.Join(errs...)
}
