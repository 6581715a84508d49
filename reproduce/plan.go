package reproduce

import (
	"fmt"
	"slices"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/trainer"
)

// View is the corpus one training run reads.
type View int

const (
	// ViewCodes is the codes-only corpus: SEP's code vectors.
	ViewCodes View = iota
	// ViewCO is the co-trained corpus, each code followed by its category
	// token: CO's code and category vectors.
	ViewCO
	// ViewCategories is the corpus with every code replaced by its category:
	// SEP's category vectors.
	ViewCategories
)

// Algorithm names a model as the released keys spell it.
type Algorithm string

const (
	AlgoCBOW    Algorithm = "CBOW"
	AlgoSG      Algorithm = "SG"
	AlgoMed2Vec Algorithm = "Med2Vec"
)

// AlgorithmOf returns the released name of a Word2Vec model.
func AlgorithmOf(m trainer.Model) Algorithm {
	if m == trainer.CBOW {
		return AlgoCBOW
	}
	return AlgoSG
}

// Job is one training run of the experiment.
type Job struct {
	Algo Algorithm
	Dim  int
	View View // ignored for Med2Vec, which trains on the codes' visits
	// Repeat numbers the training seeds: repeat r trains with the
	// configured seed + r. Repeat 0 is the released run.
	Repeat int
}

// Variant returns "CO" or "SEP" ("" for Med2Vec).
func (r Job) Variant() string {
	switch {
	case r.Algo == AlgoMed2Vec:
		return ""
	case r.View == ViewCO:
		return "CO"
	}
	return "SEP"
}

// ID names the run's file in the variants folder, e.g. "SG_CO_100",
// "SG_SEP_100", "SG_SEP_cat_100", "Med2Vec_200"; a later repeat adds its
// number, "SG_CO_100_r2".
func (r Job) ID() string {
	var id string
	switch {
	case r.Algo == AlgoMed2Vec:
		id = fmt.Sprintf("Med2Vec_%d", r.Dim)
	case r.View == ViewCategories:
		id = fmt.Sprintf("%s_SEP_cat_%d", r.Algo, r.Dim)
	default:
		id = fmt.Sprintf("%s_%s_%d", r.Algo, r.Variant(), r.Dim)
	}
	if r.Repeat > 0 {
		id += fmt.Sprintf("_r%d", r.Repeat+1)
	}
	return id
}

// Keys returns the released-layout keys the run produces
// (export.ReleasedKey): a code set and, for CO, a category set; a category
// set for SEP's category run.
func (r Job) Keys() []string {
	a := string(r.Algo)
	switch {
	case r.Algo == AlgoMed2Vec:
		return []string{export.ReleasedKey(a, false, false, r.Dim)}
	case r.View == ViewCO:
		return []string{export.ReleasedKey(a, true, false, r.Dim), export.ReleasedKey(a, true, true, r.Dim)}
	case r.View == ViewCategories:
		return []string{export.ReleasedKey(a, false, true, r.Dim)}
	}
	return []string{export.ReleasedKey(a, false, false, r.Dim)}
}

// Plan lists the runs for the requested models, dimensions and variants
// ("co", "sep"), in the order the paper's Table 2 reads (CBOW then SG, by
// dimension, SEP then CO), with Med2Vec (200 dimensions) last when asked.
func Plan(models []trainer.Model, dims []int, variants []string, med2vec bool, med2vecDim int) []Job {
	return PlanRepeats(models, dims, variants, med2vec, med2vecDim, 1)
}

// PlanRepeats lists Plan's runs repeats times, repeat 0 first, each repeat
// numbered in its jobs.
func PlanRepeats(models []trainer.Model, dims []int, variants []string, med2vec bool, med2vecDim, repeats int) []Job {
	var all []Job
	for rep := range max(repeats, 1) {
		for _, j := range plan(models, dims, variants, med2vec, med2vecDim) {
			j.Repeat = rep
			all = append(all, j)
		}
	}
	return all
}

func plan(models []trainer.Model, dims []int, variants []string, med2vec bool, med2vecDim int) []Job {
	var runs []Job
	for _, algo := range []Algorithm{AlgoCBOW, AlgoSG} {
		if !hasModel(models, algo) {
			continue
		}
		for _, dim := range dims {
			if has(variants, "sep") {
				runs = append(runs, Job{Algo: algo, Dim: dim, View: ViewCodes}, Job{Algo: algo, Dim: dim, View: ViewCategories})
			}
			if has(variants, "co") {
				runs = append(runs, Job{Algo: algo, Dim: dim, View: ViewCO})
			}
		}
	}
	if med2vec {
		runs = append(runs, Job{Algo: AlgoMed2Vec, Dim: med2vecDim})
	}
	return runs
}

func hasModel(models []trainer.Model, a Algorithm) bool {
	for _, m := range models {
		if AlgorithmOf(m) == a {
			return true
		}
	}
	return false
}

func has(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// cost estimates the time of a run, in multiply-add units, for the
// overall progress and ETA of a reproduction: Skip-Gram trains
// (1+negative) output rows per (centre, context) pair; CBOW one averaged
// context per centre; Med2Vec a softmax over the vocabulary per visit and
// per code pair. A pair also costs a fixed amount whatever the dimension
// (sampling, the logistic, loop and call overhead), counted as
// sgFixedDims and cbowFixedDims extra dimensions: without it a
// dimension-10 run looked ten times cheaper than a dimension-100 one
// where it is about three times, and the ETA during the dimension-10 runs
// was five times too long. The constants fit the trainer benchmarks
// (Skip-Gram 145, 210 and 280 CPU-ns per pair at dimensions 10, 50 and
// 100; CBOW 12, 24 and 36).
func cost(r Job, c *corpus.Corpus, window, negative int) float64 {
	d := float64(r.Dim)
	switch r.Algo {
	case AlgoSG:
		return trainer.ExpectedPairs(c, window) * float64(1+negative) * (d + sgFixedDims) * 2
	case AlgoCBOW:
		d += cbowFixedDims
		return float64(c.Tokens.Len())*float64(1+negative)*d*2 + trainer.ExpectedPairs(c, window)*d
	}
	return float64(c.NumVisits())*float64(c.Vocab.Len())*d*2 + float64(c.Tokens.Len())*float64(c.Vocab.Len())*d
}

// sgFixedDims and cbowFixedDims: a pair's dimension-independent cost, in
// dimensions (cost).
const (
	sgFixedDims   = 72
	cbowFixedDims = 35
)

// Sets names a run's trained set in the released layout: a CO run splits
// into its code vectors and its category vectors (every token that is not a
// code: the ancestor tokens of a multi-level run too); the other runs give one
// set. The returned sets share trained's vectors where they can.
func (r Job) Sets(trained *embedding.Set) []*embedding.Set {
	keys := r.Keys()
	switch {
	case r.Algo == AlgoMed2Vec || r.View == ViewCategories ||
		r.View == ViewCodes && !slices.Contains(trained.Kinds, corpus.KindCategory): // nothing to split off
		s := *trained
		s.Name = keys[0]
		return []*embedding.Set{&s}
	case r.View == ViewCO:
		codes := trained.Subset(func(i int) bool { return trained.Kinds[i] == corpus.KindCode })
		cats := trained.Subset(func(i int) bool { return trained.Kinds[i] != corpus.KindCode }) // with a multi-level run's other ancestor tokens
		codes.Name, cats.Name = keys[0], keys[1]
		return []*embedding.Set{codes, cats}
	}
	codes := trained.Subset(func(i int) bool { return trained.Kinds[i] == corpus.KindCode })
	codes.Name = keys[0]
	return []*embedding.Set{codes}
}
