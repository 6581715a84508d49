package evaluate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

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
	// Logistic configures the classifier.
	Logistic LogisticConfig
	// Seed drives the split and the bootstrap. The split depends only on the
	// corpus, the outcomes and the seed, never on the vectors, so every set
	// is scored on the same patients.
	Seed uint64
}

// DefaultDownstreamConfig returns a stratified 70/30 split (TestFraction
// 0.3, a common choice that keeps enough positives of a rare outcome in the
// test part), 200 bootstrap resamples (enough for a 95% percentile
// interval to two decimals), DefaultLogisticConfig and Seed 1.
func DefaultDownstreamConfig() DownstreamConfig {
	return DownstreamConfig{TestFraction: 0.3, Bootstrap: 200, Logistic: DefaultLogisticConfig(), Seed: 1}
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
	errs = append(errs, c.Logistic.Validate())
	return errors.Join(errs...)
}

// Downstream predicts patient outcomes from the patient-year vectors of a
// corpus (the mean of their codes' vectors) and scores each set of vectors
// by test-set ROC AUC. Build it with NewDownstream.
type Downstream struct {
	Corpus   *corpus.Corpus
	Outcomes *Outcomes
	Config   DownstreamConfig
	Join     JoinReport

	rows  []int    // outcome row per sequence, -1 when none
	train [][]bool // per outcome, per sequence: in the training part
}

// NewDownstream joins outcomes to the corpus's sequences by (patient id,
// year) and draws, per outcome, a stratified split of the joined sequences.
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
	d := &Downstream{Corpus: c, Outcomes: o, Config: cfg, Join: rep, rows: rows}
	for k := range o.Names {
		rng := rand.New(rand.NewPCG(cfg.Seed, uint64(k)+0x73706c6974)) // "split"
		var pos, neg []int
		for i, r := range rows {
			if r < 0 {
				continue
			}
			if o.Values[k][r] {
				pos = append(pos, i)
			} else {
				neg = append(neg, i)
			}
		}
		train := make([]bool, len(rows))
		for _, class := range [][]int{pos, neg} {
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

// Score fits one classifier per outcome on the training patient-years of s
// and returns the test AUC of each. Patient-years none of whose codes have a
// vector in s are left out of both parts. An outcome that cannot be scored
// (one class missing in a part) is left out of the map and explained in the
// returned notes. Outcomes run in parallel.
func (d *Downstream) Score(ctx context.Context, s *embedding.Set) (map[string]AUCResult, []string, error) {
	vecs, has := PatientYearVectors(d.Corpus, s)
	dim := s.Dim
	names := d.Outcomes.Names
	results := make([]*AUCResult, len(names))
	notes := make([]string, len(names))
	g, ctx := errgroup.WithContext(ctx)
	for k := range names {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			// Row lists, not copies: the vectors are held once.
			var tr, te []int
			var ytr, yte []bool
			for i, r := range d.rows {
				if r < 0 || !has[i] {
					continue
				}
				v := d.Outcomes.Values[k][r]
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
