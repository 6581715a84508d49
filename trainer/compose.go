package trainer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

// Ancestor composition (fastText's subword units, with a hierarchy's
// ancestors instead of character n-grams; Bojanowski et al., "Enriching
// word vectors with subword information", TACL 2017): a word's input
// vector is composed from its own row of In and the rows of its units,
// extra rows appended after the vocabulary's. The trainer knows nothing of
// where the units come from: a Composition lists, per vocabulary word, the
// units it is composed with (hierarchy.NewComposition builds one from a
// code's ancestors). Output rows stay one per vocabulary word: the centre
// and the noise words are words, as in fastText. The mechanism is in
// compose_seq.go.

// ComposeOp says how a word's rows are combined into its input vector.
type ComposeOp int

const (
	// ComposeMean takes the mean of the word's own row and its units'
	// rows (fastText's hidden layer).
	ComposeMean ComposeOp = iota
	// ComposeSum takes their sum.
	ComposeSum
)

// ParseComposeOp reads "mean" or "sum", in any case.
func ParseComposeOp(s string) (ComposeOp, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "mean":
		return ComposeMean, nil
	case "sum":
		return ComposeSum, nil
	}
	return 0, fmt.Errorf("trainer: unknown composition %q: want mean or sum", s)
}

// String returns "mean" or "sum".
func (op ComposeOp) String() string {
	switch op {
	case ComposeMean:
		return "mean"
	case ComposeSum:
		return "sum"
	}
	return fmt.Sprintf("ComposeOp(%d)", int(op))
}

// Composition is the table of a composed run: for each vocabulary word,
// the units whose rows its input vector is composed from besides its own.
// Unit u is row V+u of In (V the vocabulary's size), trained like a word's
// input row and shared by every word that lists it.
type Composition struct {
	// Op combines a word's rows: ComposeMean (the default) or ComposeSum.
	Op ComposeOp
	// Units names the units in row order (the ancestor tokens, such as
	// "E11*" or "END002"), and Kinds gives their kinds; both name the rows
	// of Composed.Units.
	Units []string
	Kinds []corpus.Kind
	// Start has one entry per vocabulary word and one more: word w's units
	// are Rows[Start[w]:Start[w+1]], indices into Units, each at most once.
	// A word without units is trained exactly as in a plain run.
	Start []int32
	Rows  []int32
}

// UnitsOf returns word w's units.
func (c *Composition) UnitsOf(w int) []int32 { return c.Rows[c.Start[w]:c.Start[w+1]] }

// MaxUnits returns the largest number of units of one word.
func (c *Composition) MaxUnits() int {
	m := 0
	for w := 0; w+1 < len(c.Start); w++ {
		m = max(m, int(c.Start[w+1]-c.Start[w]))
	}
	return m
}

// Memory returns what c adds to EstimateMemory's figures for a run of
// cfg: a row of In per unit and, for Skip-Gram, each worker's local
// composed rows (at most composeMaxDistinct words).
func (c *Composition) Memory(cfg Config) int64 {
	row := int64(rowStride(cfg)) * 4
	m := int64(len(c.Units)) * row
	if cfg.Model == SkipGram {
		m += int64(cfg.Workers) * 2 * composeMaxDistinct * row
	}
	return m
}

// Validate reports every problem of c as the table of a vocabulary of
// vocab words at once.
func (c *Composition) Validate(vocab int) error {
	if c == nil {
		return errors.New("trainer: no composition")
	}
	var errs []error
	if c.Op != ComposeMean && c.Op != ComposeSum {
		errs = append(errs, fmt.Errorf("trainer: composition Op is %d; want ComposeMean or ComposeSum", int(c.Op)))
	}
	if len(c.Kinds) != len(c.Units) {
		errs = append(errs, fmt.Errorf("trainer: composition has %d unit kinds for %d units", len(c.Kinds), len(c.Units)))
	}
	if len(c.Start) != vocab+1 || c.Start[0] != 0 || int(c.Start[vocab]) != len(c.Rows) {
		errs = append(errs, fmt.Errorf("trainer: composition Start has %d entries for a vocabulary of %d words; want %d, from 0 to len(Rows) = %d",
			len(c.Start), vocab, vocab+1, len(c.Rows)))
		return errors.Join(errs...)
	}
	seen := make([]int32, len(c.Units)) // the last word (+1) that listed each unit
	for w := range vocab {
		lo, hi := c.Start[w], c.Start[w+1]
		if hi < lo {
			errs = append(errs, fmt.Errorf("trainer: composition Start decreases at word %d", w))
			break
		}
		bad := false
		for _, u := range c.Rows[lo:hi] {
			switch {
			case u < 0 || int(u) >= len(c.Units):
				errs = append(errs, fmt.Errorf("trainer: composition word %d has unit %d; want 0 to %d", w, u, len(c.Units)-1))
				bad = true
			case seen[u] == int32(w)+1:
				errs = append(errs, fmt.Errorf("trainer: composition word %d lists unit %d twice", w, u))
				bad = true
			default:
				seen[u] = int32(w) + 1
			}
			if bad {
				break
			}
		}
		if bad {
			break
		}
	}
	return errors.Join(errs...)
}

// composeFactors returns, for op and a word with k units, the scale s of
// its composed vector h = s·(own + Σ units) and the share γ of a change of
// h that each of its 1+k rows takes: s·(1+k)·γ = 1, so the rows' updates
// move h by exactly that change (compose_seq.go).
func composeFactors(op ComposeOp, k int) (s, gamma float32) {
	if op == ComposeSum {
		return 1, 1 / float32(1+k)
	}
	return 1 / float32(1+k), 1
}

// Composed is what a composed run returns.
type Composed struct {
	// Set holds the composed input vector of every vocabulary word (the
	// mean or sum of its own row and its units' rows), one row per word as
	// Train returns for a plain run: the vectors a composed run exports.
	// Tokens and Kinds are copied from the vocabulary; Name is left for
	// the caller.
	Set *embedding.Set
	// Own holds each vocabulary word's own row of In alone, in Set's order.
	Own *embedding.Set
	// Units holds the trained rows of the units, named and kinded as the
	// Composition's Units, in its order.
	Units *embedding.Set
	// Op is the Composition's.
	Op ComposeOp
}

// Compose sets dst (Dim values) to the composition of word own's row of
// Own (own < 0: no own row) and the rows units of Units: their mean or sum,
// by Op, the arithmetic of Set's rows. It returns false, leaving dst
// unchanged, when there is no row to compose. With own < 0 it gives any
// code, seen or not, a vector from its ancestors alone: the units that
// hierarchy.Composition.Of finds for it.
func (m *Composed) Compose(dst []float32, own int, units []int32) bool {
	dim := m.Set.Dim
	dst = dst[:dim]
	k := len(units)
	switch {
	case own >= 0:
		copy(dst, m.Own.Vector(own))
	case k == 0:
		return false
	default:
		copy(dst, m.Units.Vector(int(units[0])))
		units = units[1:]
		k--
	}
	for _, u := range units {
		axpy(1, m.Units.Vector(int(u)), dst)
	}
	if s, _ := composeFactors(m.Op, k); s != 1 {
		scale(dst, s)
	}
	return true
}

// TrainComposed trains cfg.Model on c as Train does, every word's input
// vector composed as comp says (compose_seq.go), and returns the composed
// vectors with the rows they are composed from. comp must be a table of
// c's vocabulary (Composition.Validate); cfg.SharedNegatives is refused.
// Errors are Train's.
func TrainComposed(ctx context.Context, c *corpus.Corpus, cfg Config, comp *Composition, progress func(Progress)) (*Composed, error) {
	return trainComposed(ctx, c, cfg, comp, defaultTuning(), progress)
}

func trainComposed(ctx context.Context, c *corpus.Corpus, cfg Config, comp *Composition, tune tuning, progress func(Progress)) (*Composed, error) {
	if comp == nil {
		return nil, errors.New("trainer: TrainComposed needs a composition")
	}
	sh, err := run(ctx, c, cfg, tune, comp, progress)
	if err != nil {
		return nil, err
	}
	return composedResult(sh, c.Vocab, comp), nil
}

// checkComposition reports the problems of a composed run that check does
// not: a table that does not fit c's vocabulary, and settings the composed
// path does not have.
func checkComposition(c *corpus.Corpus, cfg Config, comp *Composition) error {
	var errs []error
	if cfg.SharedNegatives {
		errs = append(errs, &FieldError{Field: "SharedNegatives", Value: "true", Want: "false with a composition (the composed path is the per-pair one)"})
	}
	if c != nil && c.Vocab != nil {
		errs = append(errs, comp.Validate(c.Vocab.Len()))
	}
	return errors.Join(errs...)
}

// composedResult packs the trained rows of In (the vocabulary's, then the
// units') and composes every word's vector.
func composedResult(sh *shared, vocab *corpus.Vocab, comp *Composition) *Composed {
	v, nu, dim := vocab.Len(), len(comp.Units), sh.dim
	rows := packRows(sh.in, v+nu, dim, sh.stride)
	m := &Composed{
		Own: &embedding.Set{
			Tokens:  append([]string(nil), vocab.Words...),
			Kinds:   append([]corpus.Kind(nil), vocab.Kinds...),
			Dim:     dim,
			Vectors: rows[: v*dim : v*dim],
		},
		Units: &embedding.Set{
			Tokens:  append([]string(nil), comp.Units...),
			Kinds:   append([]corpus.Kind(nil), comp.Kinds...),
			Dim:     dim,
			Vectors: rows[v*dim:],
		},
		Op: comp.Op,
	}
	m.Set = &embedding.Set{
		Tokens:  append([]string(nil), vocab.Words...),
		Kinds:   append([]corpus.Kind(nil), vocab.Kinds...),
		Dim:     dim,
		Vectors: make([]float32, v*dim),
	}
	for w := range v {
		m.Compose(m.Set.Vectors[w*dim:(w+1)*dim], w, comp.UnitsOf(w))
	}
	return m
}
