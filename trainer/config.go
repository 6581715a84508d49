package trainer

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"time"
)

// Config holds every training setting. The hiervec command's flags map one
// to one onto its fields: -model, -dim, -window, -negative, -sample,
// -alpha, -min-alpha, -epochs, -threads (Workers), -seed,
// -no-shrink-window (ShrinkWindow false), -shared-negatives and
// -plain-hogwild.
type Config struct {
	// Model is SkipGram or CBOW.
	Model Model
	// Dim is the vector dimension.
	Dim int
	// Window is the maximum distance between a centre word and a context
	// word, counted in (kept) tokens of the same sequence.
	Window int
	// Negative is the number of noise words drawn per prediction (at least
	// 1: without hierarchical softmax, which hiervec does not have, 0 would
	// train the positive pairs only).
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
	// SharedNegatives (Skip-Gram only; Validate refuses it with CBOW)
	// draws one set of Negative noise words per centre word, shared by its
	// whole window (Ji et al. 2016), and trains the window's pairs in
	// word2vec.c's order against those rows held in L1
	// (shared_negatives.go): faster at long windows, a different
	// estimator, measured close in quality to per-pair and to gensim
	// (benchmarks/RESULTS.md). false draws them per (centre, context)
	// pair, as word2vec.c and gensim do: the reference.
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

// PaperConfig returns the setting of Finch et al. 2021 for model m: gensim's
// defaults (DefaultConfig) with the window and epochs the paper set —
// Window 100, so that every code of a patient-year is in every other's
// context, and Epochs 10 — and gensim's Alpha 0.025 for both models (the
// paper did not change it; DefaultConfig's 0.05 for CBOW is word2vec.c's).
func PaperConfig(m Model) Config {
	c := DefaultConfig(m)
	c.Window = PaperWindow
	c.Epochs = PaperEpochs
	c.Alpha = 0.025
	return c
}

// The paper's window and epochs (Finch et al. 2021, Methods).
const (
	PaperWindow = 100
	PaperEpochs = 10
)

// Upper bounds Validate enforces. They are far above any useful setting and
// keep a typing slip (-dim 3000000) from reaching the allocator.
const (
	MaxDim      = 10000
	MaxWindow   = 100000
	MaxNegative = 100
	MaxEpochs   = 100000
	MaxWorkers  = 4096
)

// FieldError is one problem Validate found: the Config field, its value and
// the values it accepts. Callers that expose fields under other names (the
// command line's flags) rename Field.
type FieldError struct {
	Field string // the Config field, "Dim"
	Value string // the value given, formatted
	Want  string // what is accepted, "an integer from 1 to 10000"
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("trainer: %s is %s; want %s", e.Field, e.Value, e.Want)
}

// Validate reports every problem with c at once (errors.Join of
// *FieldError), each naming the field, the value and what is accepted. No
// value is replaced by a default: a zero is an error wherever it would not
// mean what it says.
func (c Config) Validate() error {
	var errs []error
	bad := func(field string, value any, want string) {
		errs = append(errs, &FieldError{Field: field, Value: fmt.Sprint(value), Want: want})
	}
	intRange := func(field string, v, lo, hi int) {
		if v < lo || v > hi {
			bad(field, v, fmt.Sprintf("an integer from %d to %d", lo, hi))
		}
	}
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	if c.Model != SkipGram && c.Model != CBOW {
		bad("Model", int(c.Model), "SkipGram (sg) or CBOW (cbow)")
	}
	intRange("Dim", c.Dim, 1, MaxDim)
	intRange("Window", c.Window, 1, MaxWindow)
	intRange("Negative", c.Negative, 1, MaxNegative)
	intRange("Epochs", c.Epochs, 1, MaxEpochs)
	intRange("Workers", c.Workers, 1, MaxWorkers)
	if !(c.Subsample >= 0 && c.Subsample < 1) {
		bad("Subsample", c.Subsample, "0 (off) or a threshold below 1 (e.g. 1e-3)")
	}
	if !(c.MinAlpha >= 0) || !finite(c.MinAlpha) {
		bad("MinAlpha", c.MinAlpha, "0 or more, below Alpha (e.g. 0.0001)")
	}
	switch {
	case !(c.Alpha > 0) || !finite(c.Alpha):
		bad("Alpha", c.Alpha, "a finite learning rate above 0 (e.g. 0.025)")
	case !(c.Alpha > c.MinAlpha):
		bad("Alpha", c.Alpha, fmt.Sprintf("a learning rate above MinAlpha %g", c.MinAlpha))
	}
	if c.SharedNegatives && c.Model == CBOW {
		bad("SharedNegatives", true, "false with CBOW (shared negatives are a Skip-Gram option)")
	}
	if c.ProgressInterval < 0 {
		bad("ProgressInterval", c.ProgressInterval, "0 (one second) or a positive duration")
	}
	return errors.Join(errs...)
}
