package release

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

// DefaultMinPatients is the default minimum number of distinct patients a
// token must occur in for its vector to be written: 11, the cell-size
// threshold of the CMS data release policy.
const DefaultMinPatients = 11

// Counts gives, for each token of a corpus, the number of distinct
// patients it occurs in and its number of occurrences.
type Counts struct {
	patients map[string]int64
	tokens   map[string]int64
	// Exact is false when the corpus had no patient index (a sequence
	// file): each sequence was then counted as one patient.
	Exact bool
}

// Patients returns the number of distinct patients token occurs in (0 for a
// token the corpus does not hold).
func (c *Counts) Patients(token string) int64 { return c.patients[token] }

// Tokens returns the number of occurrences of token.
func (c *Counts) Tokens(token string) int64 { return c.tokens[token] }

// Count counts, for every word of c's vocabulary, the distinct patients
// whose sequences hold it. Sequences of one patient need not be adjacent.
func Count(c *corpus.Corpus) *Counts {
	n := c.Vocab.Len()
	ns := c.NumSeqs()
	order := make([]int32, ns)
	for i := range order {
		order[i] = int32(i)
	}
	patient := func(s int32) int32 { return s } // one patient per sequence
	exact := c.Patients != nil
	if exact {
		patient = func(s int32) int32 { return c.Patients[s] }
		if !slices.IsSortedFunc(order, func(a, b int32) int { return cmp.Compare(patient(a), patient(b)) }) {
			slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(patient(a), patient(b)) })
		}
	}
	per := make([]int64, n)
	last := make([]int32, n)
	for i := range last {
		last[i] = -1
	}
	for _, s := range order {
		p := patient(s)
		for _, t := range c.Seq(int(s)).All() {
			if last[t] != p {
				last[t] = p
				per[t]++
			}
		}
	}
	out := &Counts{patients: make(map[string]int64, n), tokens: make(map[string]int64, n), Exact: exact}
	for i, w := range c.Vocab.Words {
		out.patients[w] = per[i]
		out.tokens[w] = c.Vocab.Counts[i]
	}
	return out
}

// Report says what a suppression removed, without naming any token.
type Report struct {
	MinPatients int `json:"min_patients"`
	// Per kind of token: how many the set held, and how many were
	// suppressed.
	Codes                int `json:"codes"`
	SuppressedCodes      int `json:"suppressed_codes"`
	Categories           int `json:"categories"`
	SuppressedCategories int `json:"suppressed_categories"`
	// Others counts tokens of any other kind (hierarchy levels).
	Others           int `json:"other_tokens,omitempty"`
	SuppressedOthers int `json:"suppressed_other_tokens,omitempty"`
	// CodeOccurrences is the number of occurrences of the set's codes in
	// the corpus, SuppressedCodeOccurrences those of the suppressed codes.
	CodeOccurrences           int64 `json:"code_occurrences"`
	SuppressedCodeOccurrences int64 `json:"suppressed_code_occurrences"`
	// Exact is false when patients were approximated by sequences.
	Exact bool `json:"exact_patients"`
}

// SuppressedShare returns the share of code occurrences whose code was
// suppressed (0 when there were none).
func (r Report) SuppressedShare() float64 {
	if r.CodeOccurrences == 0 {
		return 0
	}
	return float64(r.SuppressedCodeOccurrences) / float64(r.CodeOccurrences)
}

// Add accumulates another report (of another set) into r.
func (r *Report) Add(o Report) {
	r.Codes += o.Codes
	r.SuppressedCodes += o.SuppressedCodes
	r.Categories += o.Categories
	r.SuppressedCategories += o.SuppressedCategories
	r.Others += o.Others
	r.SuppressedOthers += o.SuppressedOthers
	r.CodeOccurrences += o.CodeOccurrences
	r.SuppressedCodeOccurrences += o.SuppressedCodeOccurrences
}

// String summarises the report in one line, naming no token.
func (r Report) String() string {
	s := fmt.Sprintf("small-cell suppression (fewer than %d patients): %d of %d codes not written (%.2f%% of code occurrences)",
		r.MinPatients, r.SuppressedCodes, r.Codes, 100*r.SuppressedShare())
	if r.Categories > 0 {
		s += fmt.Sprintf(", %d of %d categories", r.SuppressedCategories, r.Categories)
	}
	if r.Others > 0 {
		s += fmt.Sprintf(", %d of %d hierarchy tokens", r.SuppressedOthers, r.Others)
	}
	if !r.Exact {
		s += "; the input has no patient identity, so each sequence counted as a patient"
	}
	return s
}

// Apply returns the rows of set whose token occurs in at least minPatients
// distinct patients according to counts, and a report of what it removed.
// With minPatients <= 1 every row is kept (and set itself is returned).
func Apply(set *embedding.Set, counts *Counts, minPatients int) (*embedding.Set, Report) {
	rep := Report{MinPatients: minPatients, Exact: counts.Exact}
	keep := make([]bool, set.Len())
	for i, tok := range set.Tokens {
		ok := minPatients <= 1 || counts.Patients(tok) >= int64(minPatients)
		keep[i] = ok
		switch set.Kinds[i] {
		case corpus.KindCode:
			rep.Codes++
			rep.CodeOccurrences += counts.Tokens(tok)
			if !ok {
				rep.SuppressedCodes++
				rep.SuppressedCodeOccurrences += counts.Tokens(tok)
			}
		case corpus.KindCategory:
			rep.Categories++
			if !ok {
				rep.SuppressedCategories++
			}
		default:
			rep.Others++
			if !ok {
				rep.SuppressedOthers++
			}
		}
	}
	if minPatients <= 1 {
		return set, rep
	}
	return set.Subset(func(i int) bool { return keep[i] }), rep
}

// Check reports whether every row of set passes the rule, returning an
// error that counts (never names) the rows that do not. Writers call it as
// a last guard.
func Check(set *embedding.Set, counts *Counts, minPatients int) error {
	if minPatients <= 1 {
		return nil
	}
	bad := 0
	for _, tok := range set.Tokens {
		if counts.Patients(tok) < int64(minPatients) {
			bad++
		}
	}
	if bad > 0 {
		return fmt.Errorf("release: set %s holds %d tokens seen in fewer than %d patients", set.Name, bad, minPatients)
	}
	return nil
}
