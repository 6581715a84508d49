package hierarchy

import (
	"cmp"
	"slices"

	"github.com/hiervec/hiervec/corpus"
)

// Labeler gives code tokens their CCSR categories under one policy. Views,
// evaluation and the commands all label codes through it, so that a code
// has the same category wherever it is looked at.
type Labeler struct {
	m *Map
	p Policy
}

// NewLabeler returns the labeler of m under policy p.
func NewLabeler(m *Map, p Policy) Labeler { return Labeler{m: m, p: p} }

// Map returns the labeler's map.
func (l Labeler) Map() *Map { return l.m }

// Policy returns the labeler's policy.
func (l Labeler) Policy() Policy { return l.p }

// Categories returns the categories of a code token under the policy (see
// Map.Categories), nil when it has none or the labeler has no map. The token is looked up as given
// and, failing that, normalised as corpus.NormalizeCode does ("E11.9" and
// "e119" find E119). The slice is shared: do not modify it.
func (l Labeler) Categories(tok string) []string {
	if l.m == nil {
		return nil
	}
	if cats := l.m.Categories(tok, l.p); cats != nil {
		return cats
	}
	return l.m.Categories(corpus.NormalizeCode(tok), l.p)
}

// Label returns the first of the token's categories and whether it has
// one; its method value fits evaluate.Labeler.
func (l Labeler) Label(tok string) (string, bool) {
	cats := l.Categories(tok)
	if len(cats) == 0 {
		return "", false
	}
	return cats[0], true
}

// CodeCount is a code and how many times it occurs.
type CodeCount struct {
	Code  string
	Count int64
}

// Coverage says how much of a corpus's codes a map categorises under a
// policy. Only code words (corpus.KindCode) that occur are counted.
type Coverage struct {
	Codes          int64 // distinct codes that occur
	Tokens         int64 // their occurrences
	UnmappedCodes  int64 // distinct codes without a category
	UnmappedTokens int64 // their occurrences
	// TopUnmapped lists the most frequent unmapped codes, by count
	// descending then code.
	TopUnmapped []CodeCount
}

// Coverage counts the codes of vocabulary v that l gives no category, and
// lists the top most frequent of them. counts holds each word's
// occurrences; nil means v.Counts.
func (l Labeler) Coverage(v *corpus.Vocab, counts []int64, top int) Coverage {
	if counts == nil {
		counts = v.Counts
	}
	var cov Coverage
	var unmapped []CodeCount
	for id, w := range v.Words {
		n := counts[id]
		if v.Kinds[id] != corpus.KindCode || n == 0 {
			continue
		}
		cov.Codes++
		cov.Tokens += n
		if l.Categories(w) != nil {
			continue
		}
		cov.UnmappedCodes++
		cov.UnmappedTokens += n
		unmapped = append(unmapped, CodeCount{w, n})
	}
	slices.SortFunc(unmapped, func(a, b CodeCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Code, b.Code))
	})
	cov.TopUnmapped = unmapped[:min(len(unmapped), max(top, 0))]
	return cov
}
