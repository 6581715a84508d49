package evaluate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

// DownstreamConfig configures outcome prediction from patient-year vectors.
type DownstreamConfig struct {
	// TestFraction is the share of each outcome class held out for scoring.
	TestFraction float64
	// Bootstrap is the number of test-set resamples for the 95% interval of
	// the AUC; 0 skips the interval.
	Bootstrap int
	// MaxPatientYears caps the patient-years the classifiers see. When more
	// patient-years are joined to an outcome row, a seeded sample of this
	// many is kept, stratified by the joint class of the outcomes, before
	// the split; 0 keeps them all. The cap bounds the memory of Score,
	// which holds one vector per kept patient-year (see the package doc).
	MaxPatientYears int
	// Logistic configures the classifier.
	Logistic LogisticConfig
	// Seed drives the sample, the split and the bootstrap. They depend only
	// on the corpus, the outcomes and the seed, never on the vectors, so
	// every set is scored on the same patients.
	Seed uint64
}

// DefaultMaxPatientYears is DefaultDownstreamConfig's MaxPatientYears: a
// million patient-years keeps every patient-year of a cohort the size of
// Finch et al.'s (about 750,000) and leaves 300,000 in the test part, while
// the patient-year vectors take 4 bytes x dimension per kept patient-year
// (400 MB at dimension 100) whatever the size of the extract.
const DefaultMaxPatientYears = 1_000_000

// DefaultDownstreamConfig returns a stratified 70/30 split (TestFraction
// 0.3, a common choice that keeps enough positives of a rare outcome in the
// test part), 200 bootstrap resamples (enough for a 95% percentile
// interval to two decimals), MaxPatientYears = DefaultMaxPatientYears,
// DefaultLogisticConfig and Seed 1.
func DefaultDownstreamConfig() DownstreamConfig {
	return DownstreamConfig{TestFraction: 0.3, Bootstrap: 200, MaxPatientYears: DefaultMaxPatientYears,
		Logistic: DefaultLogisticConfig(), Seed: 1}
}

// Validate reports every problem at once.
func (c DownstreamConfig) Validate() error {
	var errs []error
	if !(c.TestFraction > 0 && c.TestFraction < 1) {
		errs = append(errs, fmt.Errorf("evaluate: downstream TestFraction = %v; need a value strictly between 0 and 1 (0.3 is the default)", c.TestFraction))
	}
	if c.Bootstrap < 0 {
		errs = append(errs, fmt.Errorf("evaluate: downstream Bootstrap = %d; need 0 or more resamples (200 is the default)", c.Bootstrap))
	}
	if c.MaxPatientYears < 0 {
		errs = append(errs, fmt.Errorf("evaluate: downstream MaxPatientYears = %d; need 0 (no cap) or more (%d is the default)", c.MaxPatientYears, DefaultMaxPatientYears))
	}
	errs = append(errs, c.Logistic.Validate())
	return errors.Join(errs...)
}

// Downstream predicts patient outcomes from the patient-year vectors of a
// corpus (the mean of their codes' vectors) and scores each set of vectors
// by test-set ROC AUC. Build it with NewDownstream. It keeps its own copy of
// the tokens of the patient-years it uses and their outcomes, not the
// corpus or the outcomes file it was built from, so a caller that drops
// those leaves only what the classifiers need in memory.
type Downstream struct {
	// Names lists the outcomes, as Outcomes.Names.
	Names  []string
	Config DownstreamConfig
	Join   JoinReport
	// Kept is the number of patient-years the classifiers use: the joined
	// ones (Join.Matched), or a sample of Config.MaxPatientYears of them.
	Kept int

	kept   *corpus.Corpus // the kept patient-years' tokens (Vocab shared)
	values [][]bool       // per outcome, per kept patient-year
	train  [][]bool       // per outcome, per kept patient-year: in the training part
}

// NewDownstream joins outcomes to the corpus's sequences by (patient id,
// year), keeps the joined patient-years (a stratified sample of
// cfg.MaxPatientYears of them when there are more) and draws, per outcome,
// a stratified split of the kept ones.
func NewDownstream(c *corpus.Corpus, patientIDs []string, o *Outcomes, cfg DownstreamConfig) (*Downstream, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rows, rep, err := JoinOutcomes(c, patientIDs, o)
	if err != nil {
		return nil, err
	}
	if rep.Matched == 0 {
		return nil, fmt.Errorf("evaluate: downstream: none of %d patient-years has an outcome row (%d rows in the outcomes file); check that the outcomes file belongs to this extract", rep.Sequences, rep.OutcomeRows)
	}
	keep := sampleStratified(rows, o, cfg.MaxPatientYears, cfg.Seed)
	d := &Downstream{Names: slices.Clone(o.Names), Config: cfg, Join: rep, Kept: len(keep), kept: subCorpus(c, keep)}
	d.values = make([][]bool, len(o.Names))
	for k := range o.Names {
		v := make([]bool, len(keep))
		for i, s := range keep {
			v[i] = o.Values[k][rows[s]]
		}
		d.values[k] = v
	}
	for k := range o.Names {
		rng := rand.New(rand.NewPCG(cfg.Seed, uint64(k)+0x73706c6974)) // "split"
		var pos, neg []int32
		for i, v := range d.values[k] {
			if v {
				pos = append(pos, int32(i))
			} else {
				neg = append(neg, int32(i))
			}
		}
		train := make([]bool, len(keep))
		for _, class := range [][]int32{pos, neg} {
			rng.Shuffle(len(class), func(a, b int) { class[a], class[b] = class[b], class[a] })
			nTest := int(math.Round(cfg.TestFraction * float64(len(class))))
			for _, i := range class[nTest:] {
				train[i] = true
			}
		}
		d.train = append(d.train, train)
	}
	return d, nil
}

// sampleStratified returns, in sequence order, the sequences that have an
// outcome row (rows[i] >= 0): all of them when there are at most max (or
// max is 0), otherwise a seeded sample of max of them, stratified by the
// joint class of the outcomes (the first 64 outcomes' values as bits). Each
// stratum keeps its share of max rounded by largest remainder (ties to the
// earlier stratum), so every outcome's prevalence in the sample is that of
// the joined patient-years to within one patient-year per stratum; within a
// stratum the kept ones are a uniform draw.
func sampleStratified(rows []int, o *Outcomes, max int, seed uint64) []int32 {
	var matched int
	for _, r := range rows {
		if r >= 0 {
			matched++
		}
	}
	if max == 0 || matched <= max {
		keep := make([]int32, 0, matched)
		for i, r := range rows {
			if r >= 0 {
				keep = append(keep, int32(i))
			}
		}
		return keep
	}
	class := func(r int) uint64 {
		var c uint64
		for k := range min(len(o.Values), 64) {
			if o.Values[k][r] {
				c |= 1 << k
			}
		}
		return c
	}
	// Strata in order of first appearance, so the result does not depend
	// on map iteration.
	index := map[uint64]int{}
	var strata [][]int32
	for i, r := range rows {
		if r < 0 {
			continue
		}
		c := class(r)
		s, ok := index[c]
		if !ok {
			s = len(strata)
			index[c] = s
			strata = append(strata, nil)
		}
		strata[s] = append(strata[s], int32(i))
	}
	quota := make([]int, len(strata))
	rem := make([]float64, len(strata))
	given := 0
	for s, members := range strata {
		q := float64(max) * float64(len(members)) / float64(matched)
		quota[s] = int(q)
		rem[s] = q - float64(quota[s])
		given += quota[s]
	}
	order := make([]int, len(strata))
	for s := range order {
		order[s] = s
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case rem[a] > rem[b]:
			return -1
		case rem[a] < rem[b]:
			return 1
		}
		return 0
	})
	for _, s := range order[:max-given] {
		quota[s]++
	}
	rng := rand.New(rand.NewPCG(seed, 0x73616d706c65)) // "sample"
	chosen := make([]bool, len(rows))
	for s, members := range strata {
		// A partial Fisher-Yates shuffle draws quota[s] members uniformly.
		for j := range quota[s] {
			m := j + rng.IntN(len(members)-j)
			members[j], members[m] = members[m], members[j]
			chosen[members[j]] = true
		}
		strata[s] = nil
	}
	keep := make([]int32, 0, max)
	for i, c := range chosen {
		if c {
			keep = append(keep, int32(i))
		}
	}
	return keep
}

// subCorpus returns a corpus of the sequences keep of c, in that order, one
// visit each, with c's vocabulary (shared) and its own copy of the tokens.
func subCorpus(c *corpus.Corpus, keep []int32) *corpus.Corpus {
	n := 0
	for _, s := range keep {
		n += c.Seq(int(s)).Len()
	}
	sub := &corpus.Corpus{Vocab: c.Vocab, Tokens: corpus.MakeTokens(n, c.Vocab.Len()), Seqs: make([]int64, 1, len(keep)+1)}
	pos := 0
	for _, s := range keep {
		for _, tok := range c.Seq(int(s)).All() {
			sub.Tokens.Set(pos, tok)
			pos++
		}
		sub.Seqs = append(sub.Seqs, int64(pos))
	}
	sub.Visits = sub.Seqs
	return sub
}

// Score fits one classifier per outcome on the training patient-years of s
// and returns the test AUC of each. Patient-years none of whose codes have a
// vector in s are left out of both parts. An outcome that cannot be scored
// (one class missing in a part) is left out of the map and explained in the
// returned notes. Outcomes run in parallel.
func (d *Downstream) Score(ctx context.Context, s *embedding.Set) (map[string]AUCResult, []string, error) {
	vecs, has := PatientYearVectors(d.kept, s)
	dim := s.Dim
	names := d.Names
	results := make([]*AUCResult, len(names))
	notes := make([]string, len(names))
	g, ctx := errgroup.WithContext(ctx)
	for k := range names {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			// Row lists, not copies: the vectors are held once.
			nTrain, nTest := 0, 0
			for i, in := range d.train[k] {
				if !has[i] {
					continue
				}
				if in {
					nTrain++
				} else {
					nTest++
				}
			}
			tr, te := make([]int, 0, nTrain), make([]int, 0, nTest)
			ytr, yte := make([]bool, 0, nTrain), make([]bool, 0, nTest)
			for i, v := range d.values[k] {
				if !has[i] {
					continue
				}
				if d.train[k][i] {
					tr, ytr = append(tr, i), append(ytr, v)
				} else {
					te, yte = append(te, i), append(yte, v)
				}
			}
			m, err := fitLogistic(vecs, dim, tr, ytr, d.Config.Logistic)
			if errors.Is(err, ErrOneClass) {
				notes[k] = fmt.Sprintf("outcome %q not scored: training part has one class", names[k])
				return nil
			}
			if err != nil {
				return fmt.Errorf("evaluate: set %q: outcome %q: %w", s.Name, names[k], err)
			}
			res, err := BootstrapAUC(m.predictRows(vecs, 0, te), yte, d.Config.Bootstrap, d.Config.Seed+uint64(k))
			if errors.Is(err, ErrOneClass) {
				notes[k] = fmt.Sprintf("outcome %q not scored: test part has one class", names[k])
				return nil
			}
			if err != nil {
				return fmt.Errorf("evaluate: set %q: outcome %q: %w", s.Name, names[k], err)
			}
			if !m.Converged {
				notes[k] = fmt.Sprintf("outcome %q: logistic regression stopped after %d iterations without converging", names[k], m.Iter)
			}
			results[k] = &res
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	out := make(map[string]AUCResult, len(names))
	var ns []string
	for k, r := range results {
		if r != nil {
			out[names[k]] = *r
		}
		if notes[k] != "" {
			ns = append(ns, notes[k])
		}
	}
	return out, ns, nil
}
