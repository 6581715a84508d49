package reproduce

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/release"
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
	// Word2Vec is the setting of every Skip-Gram and CBOW run
	// (trainer.PaperConfig: window 100, 10 epochs, gensim's defaults
	// otherwise, alpha 0.025 for both models); each run sets its own Model
	// and Dim. Its Workers and Seed also drive Med2Vec and the evaluation.
	Word2Vec trainer.Config

	// MinPatients is the small-cell threshold: a vector is written (and
	// scored) only for a token seen in at least this many distinct patients
	// (release.DefaultMinPatients, 11).
	MinPatients int

	// Med2Vec adds the Med2Vec baseline (200 dimensions, Med2VecEpochs).
	Med2Vec       bool
	Med2VecEpochs int

	// Ks are the k-means cluster counts (the paper's 200 and 400).
	Ks []int

	// Repeats trains every variant with this many seeds (Word2Vec.Seed,
	// +1, ...) and reports each score's mean and standard deviation over
	// them; the first seed's vectors are the ones released. 1 by default:
	// the default run stays a few minutes on two cores, and each repeat
	// costs as much as the first (training and evaluation); use 3 or more
	// to tell differences between variants from seed-to-seed noise.
	Repeats int

	// Study, when set, names a study to run instead of the paper's
	// experiment (RunStudy): "hierarchy" (StudyHierarchy).
	Study string
	// HoldoutCodes is the share of codes with a category that the
	// hierarchy study hides from training (0.1).
	HoldoutCodes float64
	// StudyLevels are the hierarchy levels of the study's multi-level CO,
	// composition and retrofitting (hierarchy.ParseLevels; ccsr,icd3 by
	// default).
	StudyLevels string
	// Methods selects the study's methods (ParseMethods; empty: all).
	Methods []string
	// StudyFullRuns also trains every method on every code (by default
	// only SEP is), for the neighbour overlap of a hidden code with the
	// same method where it was seen; it doubles the study's training.
	StudyFullRuns bool
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
		Word2Vec:      trainer.PaperConfig(trainer.SkipGram),
		MinPatients:   release.DefaultMinPatients,
		Med2VecEpochs: 10,
		Ks:            []int{200, 400},
		Repeats:       1,
		HoldoutCodes:  0.1,
		StudyLevels:   "ccsr,icd3",
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
		if d < 1 || d > trainer.MaxDim {
			bad("dimension %d: want 1 to %d", d, trainer.MaxDim)
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
	if c.Med2Vec && c.Med2VecEpochs <= 0 {
		bad("Med2VecEpochs is %d; want at least 1", c.Med2VecEpochs)
	}
	if c.MinPatients < 1 {
		bad("MinPatients is %d; want 1 or more", c.MinPatients)
	}
	if len(c.Ks) == 0 {
		bad("no k-means k (Ks)")
	}
	if c.Repeats < 1 {
		bad("Repeats is %d; want 1 or more (1 is the default)", c.Repeats)
	}
	for _, k := range c.Ks {
		if k < 2 {
			bad("k-means k %d is below 2", k)
		}
	}
	if c.Study != "" {
		if c.Study != StudyHierarchy {
			bad("unknown study %q (want %s)", c.Study, StudyHierarchy)
		}
		if !(c.HoldoutCodes > 0 && c.HoldoutCodes < 1) {
			bad("HoldoutCodes is %v; want a share above 0 and below 1 (0.1 is the default)", c.HoldoutCodes)
		}
		if _, err := ParseMethods(strings.Join(c.Methods, ",")); err != nil {
			errs = append(errs, err)
		}
		if len(c.Models) == 0 {
			bad("the study trains Word2Vec: select sg, cbow or both (Models)")
		}
	}
	if err := c.word2vecCheck().Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Read.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// word2vecCheck is the Word2Vec setting to validate before any run: the
// first model's, with a valid dimension (Dims are checked on their own).
func (c Config) word2vecCheck() trainer.Config {
	w := c.Word2Vec
	if len(c.Models) > 0 {
		w.Model = c.Models[0]
	}
	w.Dim = 1
	for _, m := range c.Models {
		if m == trainer.CBOW {
			w.SharedNegatives = false // a Skip-Gram option; CBOW runs ignore it
		}
	}
	return w
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
	w := c.Word2Vec
	s := map[string]any{
		"input": corpus.InputName(c.Input), "input_format": fmt.Sprint(c.InputFormat), "ccsr": c.CCSR, "policy": c.Policy,
		"models": models, "dims": slices.Clone(c.Dims), "variants": slices.Clone(c.Variants),
		"epochs": w.Epochs, "window": w.Window, "negative": w.Negative, "sample": w.Subsample,
		"alpha": w.Alpha, "min_alpha": w.MinAlpha, "seed": w.Seed, "med2vec": c.Med2Vec, "shared_negatives": w.SharedNegatives,
		"shrink_window": w.ShrinkWindow, "min_patients": c.MinPatients,
		"dedupe": c.Read.Dedupe, "min_count": c.Read.MinCount, "skip_bad": c.Read.SkipBad,
		"patient_col": c.Read.PatientCol, "date_col": c.Read.DateCol, "code_col": c.Read.CodeCol,
	}
	if c.Med2Vec {
		s["med2vec_epochs"] = c.Med2VecEpochs
	}
	if w.PlainHogwild {
		s["plain_hogwild"] = true
	}
	if d := c.Read.Database; d != (corpus.DatabaseOptions{}) {
		s["omop_schema"], s["vocab_schema"], s["query"] = d.OMOPSchema, d.VocabSchema, d.Query
	}
	if cs := c.Read.CodeSystem; cs != nil && cs != corpus.ICD10CM {
		s["code_system"] = cs.String()
	}
	if c.Input == "" {
		s["synthetic_patients"] = c.Patients
		s["synthetic_seed"] = c.SynthSeed
	}
	return s
}
