package hierarchy

import (
	"fmt"
	"slices"

	"github.com/hiervec/hiervec/corpus"
)

// Ancestor is one ancestor of a code at one level, as the token a corpus
// or an export spells it ("END002", "BS:END", "E116*", "E11*", "CH:04").
type Ancestor struct {
	Level Level
	Token string
}

// Kind returns the corpus kind of the ancestor's token.
func (a Ancestor) Kind() corpus.Kind { return a.Level.Kind() }

// Edge links a child (a code's token or an ancestor's) to its parent in
// the hierarchy graph of an Ancestry.
type Edge struct {
	Child, Parent string
}

// Ancestry gives any code its ancestors at a chosen set of levels, from the
// code alone, a CCSR map (for ccsr and body) and a code system (for icd4 to
// icd6), so that it works as well for codes no extract holds.
//
//   - ccsr: the code's CCSR categories under the labeler's policy.
//   - body: the body systems of those categories (their 3-letter prefix),
//     each once.
//   - icd3: the 3-character category, for every code that starts with a
//     letter and a digit (a 3-character code such as I10 is its own
//     category node: "I10*").
//   - icd4, icd5, icd6: the code's prefix of that length when it is shorter
//     than the code and a node of the code system (a header of the order
//     file, or without one a code of the map or the corpus).
//   - chapter: the code's chapter by the 22 ranges of Chapters.
//
// Ancestors come in the levels' canonical order (see Level).
type Ancestry struct {
	levels Levels
	lab    Labeler
	sys    *CodeSystem
}

// NewAncestry returns the ancestry of the given levels. lab supplies the
// CCSR categories (its map may be nil when levels has neither ccsr nor
// body); sys supplies the nodes of the icd4 to icd6 levels (nil: none).
func NewAncestry(levels Levels, lab Labeler, sys *CodeSystem) (*Ancestry, error) {
	if levels.NeedsMap() && lab.Map() == nil {
		return nil, fmt.Errorf("hierarchy: levels %s: %w; the ccsr and body levels need one", levels, ErrNoMap)
	}
	return &Ancestry{levels: levels, lab: lab, sys: sys}, nil
}

// Levels returns the ancestry's levels.
func (a *Ancestry) Levels() Levels { return a.levels }

// Labeler returns the labeler of the ccsr and body levels.
func (a *Ancestry) Labeler() Labeler { return a.lab }

// icdCode returns the normalised code when it has ICD-10-CM's start (a
// letter, a digit) and at least three characters.
func icdCode(tok string) (string, bool) {
	code := corpus.NormalizeCode(tok)
	if len(code) < 3 || code[0] < 'A' || code[0] > 'Z' || code[1] < '0' || code[1] > '9' {
		return "", false
	}
	return code, true
}

// Of appends the ancestors of a code token (as given or normalised) to dst
// and returns it.
func (a *Ancestry) Of(code string, dst []Ancestor) []Ancestor {
	if a.levels.NeedsMap() {
		cats := a.lab.Categories(code)
		if a.levels.Has(LevelCCSR) {
			for _, c := range cats {
				dst = append(dst, Ancestor{LevelCCSR, c})
			}
		}
		if a.levels.Has(LevelBody) {
			start := len(dst)
			for _, c := range cats {
				if t, ok := bodySystemToken(c); ok && !slices.ContainsFunc(dst[start:], func(x Ancestor) bool { return x.Token == t }) {
					dst = append(dst, Ancestor{LevelBody, t})
				}
			}
		}
	}
	if a.levels&^NewLevels(LevelCCSR, LevelBody) == 0 {
		return dst
	}
	norm, ok := icdCode(code)
	if !ok {
		return dst
	}
	for l := LevelICD6; l <= LevelICD3; l++ {
		if !a.levels.Has(l) {
			continue
		}
		n := l.prefixLen()
		switch {
		case n == 3:
			dst = append(dst, Ancestor{l, corpus.PrefixToken(norm[:3])})
		case n < len(norm) && a.sys != nil && a.sys.Has(norm[:n]):
			dst = append(dst, Ancestor{l, corpus.PrefixToken(norm[:n])})
		}
	}
	if a.levels.Has(LevelChapter) {
		if ch, ok := Chapter(norm); ok {
			dst = append(dst, Ancestor{LevelChapter, corpus.ChapterToken(ch.Number)})
		}
	}
	return dst
}

// Edges appends to dst the edges of the hierarchy graph on the path from a
// code token up through its chosen ancestors, and returns it. The graph is
// a tree in each of the two hierarchies: in ICD-10-CM each node links to
// its nearest chosen ancestor (code -> E116* -> E11* -> CH:04 for icd4,
// icd3, chapter); in CCSR the code links to each category and each category
// to its body system (to the body systems directly when ccsr is not
// chosen). No edge appears twice for one code.
func (a *Ancestry) Edges(code string, dst []Edge) []Edge {
	start := len(dst)
	add := func(child, parent string) {
		e := Edge{child, parent}
		if !slices.Contains(dst[start:], e) {
			dst = append(dst, e)
		}
	}
	if a.levels.NeedsMap() {
		for _, c := range a.lab.Categories(code) {
			child := code
			if a.levels.Has(LevelCCSR) {
				add(code, c)
				child = c
			}
			if a.levels.Has(LevelBody) {
				if t, ok := bodySystemToken(c); ok {
					add(child, t)
				}
			}
		}
	}
	var buf [8]Ancestor
	prev := code
	for _, x := range a.Of(code, buf[:0]) {
		if x.Level == LevelCCSR || x.Level == LevelBody {
			continue
		}
		add(prev, x.Token)
		prev = x.Token
	}
	return dst
}
