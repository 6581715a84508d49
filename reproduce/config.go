package reproduce

import (
	"errors"
	"fmt"
	"runtime"
	"slices"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/trainer"
)

// Config holds every setting of a reproduction. Without Input the run
// generates the built-in synthetic extract (Patients patients, SynthSeed)
// with its hierarchy and outcomes, in Out.
type Config struct {
	// Input is the EHR extract (or sequence file or corpus cache); empty
	// means the built-in synthetic extract.
	Input string
	// InputFormat forces the input's format; FormatAuto detects it.
	InputFormat corpus.Format
	// Read controls extract reading (columns, dedupe, min-count, skip-bad).
	Read corpus.ReadOptions
	// CCSR is the hierarchy map; required with Input.
	CCSR string
	// Policy picks the category of codes with several ("" = the map's
	// default: default-op when the file has it, else first).
	Policy string
	// Outcomes is an optional CSV of patient id, year and 0/1 outcome
	// columns for the downstream AUCs; the synthetic run writes its own.
	Outcomes string
	// Out is the output folder.
	Out string

	// Patients is the size of the synthetic extract: 12,000 patients by
	// default, so that the 12 variants train and evaluate in about three
	// minutes on two cores. The paper had about 600,000.
	Patients int
	// SynthSeed seeds the synthetic extract (fixed by default, so every
	// run of the default command sees the same data).
	SynthSeed uint64

	// Models, Dims and Variants select the runs: the paper's CBOW and SG,
	// 10, 50 and 100 dimensions, CO and SEP.
	Models   []trainer.Model
	Dims     []int
	Variants []string
	// Epochs 10 and Window 100 are the paper's; Negative 5, Sample 1e-3,
	// Alpha 0.025 (for both models) and MinAlpha 0.0001 are gensim's
	// defaults, which the paper kept.
	Epochs   int
	Window   int
	Negative int
	Sample   float64
	Alpha    float64
	MinAlpha float64
	// SharedNegatives trains Skip-Gram with one set of negatives per centre
	// (trainer.Config.SharedNegatives): faster, off by default because the
	// paper's gensim draws them per pair.
	SharedNegatives bool
	// PlainHogwild turns the trainer's hot-row staging off
	// (trainer.Config.PlainHogwild): slower with two or more threads; on
	// the default synthetic run staging costs Skip-Gram 0.002-0.009 NMI@200.
	PlainHogwild bool
	// Threads is the number of training (and evaluation) goroutines.
	Threads int
	// Seed seeds training and k-means.
	Seed uint64

	// Med2Vec adds the Med2Vec baseline (200 dimensions, Med2VecEpochs).
	Med2Vec       bool
	Med2VecEpochs int

	// Ks are the k-means cluster counts (the paper's 200 and 400).
	Ks []int
}

// DefaultConfig returns the paper's settings on the built-in synthetic
// extract.
func DefaultConfig() Config {
	return Config{
		Read:          corpus.DefaultReadOptions(),
		Patients:      12000,
		SynthSeed:     2021,
		Models:        []trainer.Model{trainer.CBOW, trainer.SkipGram},
		Dims:          []int{10, 50, 100},
		Variants:      []string{"co", "sep"},
		Epochs:        10,
		Window:        100,
		Negative:      5,
		Sample:        1e-3,
		Alpha:         0.025,
		MinAlpha:      0.0001,
		Threads:       runtime.NumCPU(),
		Seed:          1,
		Med2VecEpochs: 10,
		Ks:            []int{200, 400},
	}
}

// Validate reports every problem of c at once.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf("reproduce: "+format, a...)) }
	if c.Out == "" {
		bad("no output folder (Out)")
	}
	if c.Input != "" && c.CCSR == "" {
		bad("an input extract needs a CCSR map (CCSR) to build the CO and SEP views")
	}
	if c.Input == "" && c.Patients <= 0 {
		bad("Patients is %d; the synthetic extract needs at least 1", c.Patients)
	}
	if len(c.Models) == 0 && !c.Med2Vec {
		bad("no model selected (Models empty and Med2Vec off)")
	}
	if len(c.Models) > 0 && len(c.Dims) == 0 {
		bad("no dimension selected (Dims)")
	}
	for _, d := range c.Dims {
		if d <= 0 {
			bad("dimension %d is not positive", d)
		}
	}
	if len(c.Models) > 0 && len(c.Variants) == 0 {
		bad("no variant selected (Variants: co, sep)")
	}
	for _, v := range c.Variants {
		if v != "co" && v != "sep" {
			bad("unknown variant %q (want co or sep)", v)
		}
	}
	if c.Epochs <= 0 {
		bad("Epochs is %d; want at least 1", c.Epochs)
	}
	if c.Med2Vec && c.Med2VecEpochs <= 0 {
		bad("Med2VecEpochs is %d; want at least 1", c.Med2VecEpochs)
	}
	if c.Threads <= 0 {
		bad("Threads is %d; want at least 1", c.Threads)
	}
	if len(c.Ks) == 0 {
		bad("no k-means k (Ks)")
	}
	for _, k := range c.Ks {
		if k < 2 {
			bad("k-means k %d is below 2", k)
		}
	}
	// Window, Negative, Sample and the learning rates are checked by the
	// trainer's own Validate before the first run starts.
	return errors.Join(errs...)
}

// settings returns what decides the vectors and scores of a run, for the
// resume manifest: not Threads, which changes speed only, nor Out, nor
// what only the evaluation reads (Ks, Outcomes), since every invocation
// evaluates the finished variants again.
func (c Config) settings() map[string]any {
	models := make([]string, len(c.Models))
	for i, m := range c.Models {
		models[i] = m.String()
	}
	s := map[string]any{
		"input": c.Input, "input_format": fmt.Sprint(c.InputFormat), "ccsr": c.CCSR, "policy": c.Policy,
		"models": models, "dims": slices.Clone(c.Dims), "variants": slices.Clone(c.Variants),
		"epochs": c.Epochs, "window": c.Window, "negative": c.Negative, "sample": c.Sample,
		"alpha": c.Alpha, "min_alpha": c.MinAlpha, "seed": c.Seed, "med2vec": c.Med2Vec, "shared_negatives": c.SharedNegatives,
		"dedupe": c.Read.Dedupe, "min_count": c.Read.MinCount, "skip_bad": c.Read.SkipBad,
		"patient_col": c.Read.PatientCol, "date_col": c.Read.DateCol, "code_col": c.Read.CodeCol,
	}
	if c.Med2Vec {
		s["med2vec_epochs"] = c.Med2VecEpochs
	}
	if c.PlainHogwild { // only when set, so earlier run folders still resume
		s["plain_hogwild"] = true
	}
	if c.Input == "" {
		s["synthetic_patients"] = c.Patients
		s["synthetic_seed"] = c.SynthSeed
	}
	return s
}
