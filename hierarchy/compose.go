package hierarchy

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/hiervec/hiervec/corpus"
)

// Composition is the table of ancestor composition (trainer.Composition):
// for every word of a vocabulary, the units — ancestors at an Ancestry's
// levels — whose rows its input vector is composed from besides its own,
// and, for any code seen or not, the same ancestors among those units, so
// that a code absent from training gets a vector from its ancestors' rows
// alone. Only ancestors of at least one code of the vocabulary are units:
// no other ancestor has a trained row.
//
// Units are ordered by level (canonical order) and then token; a word's
// units come in its ancestors' canonical order. Only code tokens
// (corpus.KindCode) have units: the category tokens of a co-trained
// vocabulary, for instance, have none and train as in a plain run.
type Composition struct {
	// Units are the units' tokens ("END002", "E11*", "CH:04") and Kinds
	// their kinds, in row order.
	Units []string
	Kinds []corpus.Kind
	// Start and Rows list each vocabulary word's units: word w's are
	// Rows[Start[w]:Start[w+1]], indices into Units. len(Start) is the
	// vocabulary's size plus one.
	Start []int32
	Rows  []int32

	anc   *Ancestry
	index map[string]int32
}

// NewComposition returns the composition table of vocabulary v with the
// ancestors a gives at its levels. The trainer takes its fields:
//
//	tab := hierarchy.NewComposition(c.Vocab, a)
//	comp := &trainer.Composition{Op: op, Units: tab.Units, Kinds: tab.Kinds, Start: tab.Start, Rows: tab.Rows}
func NewComposition(v *corpus.Vocab, a *Ancestry) *Composition {
	n := v.Len()
	t := &Composition{anc: a, index: make(map[string]int32), Start: make([]int32, n+1)}
	// Each code's ancestors, interned in order of first appearance, then
	// renumbered in the units' order.
	var anc []Ancestor
	var level []Level
	var rows []int32
	for id := range n {
		if v.Kinds[id] == corpus.KindCode {
			anc = a.Of(v.Words[id], anc[:0])
			for _, x := range anc {
				u, ok := t.index[x.Token]
				if !ok {
					u = int32(len(t.Units))
					t.index[x.Token] = u
					t.Units = append(t.Units, x.Token)
					level = append(level, x.Level)
				}
				if !slices.Contains(rows[t.Start[id]:], u) {
					rows = append(rows, u)
				}
			}
		}
		t.Start[id+1] = int32(len(rows))
	}
	order := make([]int32, len(t.Units))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int {
		return cmp.Or(cmp.Compare(level[x], level[y]), cmp.Compare(t.Units[x], t.Units[y]))
	})
	renum := make([]int32, len(order))
	units := make([]string, len(order))
	t.Kinds = make([]corpus.Kind, len(order))
	for r, old := range order {
		renum[old] = int32(r)
		units[r] = t.Units[old]
		t.Kinds[r] = level[old].Kind()
		t.index[units[r]] = int32(r)
	}
	t.Units = units
	for i, u := range rows {
		rows[i] = renum[u]
	}
	t.Rows = rows
	return t
}

// Levels returns the levels of the ancestry the table was built from.
func (t *Composition) Levels() Levels { return t.anc.Levels() }

// Unit returns the unit of an ancestor token and whether it is one.
func (t *Composition) Unit(token string) (int32, bool) {
	u, ok := t.index[token]
	return u, ok
}

// Of appends to dst the units of a code token (as given or normalised),
// seen in the vocabulary or not: its ancestors that are units, in
// canonical order, and returns it. For a code of the vocabulary it gives
// the table's own list; an empty result means the code has no ancestor
// with a trained row.
func (t *Composition) Of(code string, dst []int32) []int32 {
	var buf [8]Ancestor
	start := len(dst)
	for _, x := range t.anc.Of(code, buf[:0]) {
		if u, ok := t.index[x.Token]; ok && !slices.Contains(dst[start:], u) {
			dst = append(dst, u)
		}
	}
	return dst
}

// Patients returns, for every unit, the number of distinct patients whose
// sequences in c hold a code listing it: the patients behind the unit's
// row, counted as the release package counts a category token (a sequence
// file without patient identity counts each sequence as a patient). c must
// hold the vocabulary the table was built from. A unit's row may be
// written, or composed into the vector of a code under the small-cell
// threshold, only when its count passes the threshold.
func (t *Composition) Patients(c *corpus.Corpus) []int64 {
	if c.Vocab.Len()+1 != len(t.Start) {
		panic(fmt.Sprintf("hierarchy: composition of %d words asked about a corpus of %d", len(t.Start)-1, c.Vocab.Len()))
	}
	n := c.NumSeqs()
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	patient := func(s int32) int32 { return s }
	if c.Patients != nil {
		patient = func(s int32) int32 { return c.Patients[s] }
		slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(patient(a), patient(b)) })
	}
	per := make([]int64, len(t.Units))
	last := make([]int32, len(t.Units))
	for i := range last {
		last[i] = -1
	}
	for _, s := range order {
		p := patient(s)
		for _, w := range c.Seq(int(s)).All() {
			for _, u := range t.Rows[t.Start[w]:t.Start[w+1]] {
				if last[u] != p {
					last[u] = p
					per[u]++
				}
			}
		}
	}
	return per
}
