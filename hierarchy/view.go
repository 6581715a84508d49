package hierarchy

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/hiervec/hiervec/corpus"
)

// ViewReport says what building a view did. Codes without a category are
// never lost silently: they are counted here.
type ViewReport struct {
	Tokens         int64 // tokens in the input corpus
	OutTokens      int64 // tokens in the view
	UnmappedTokens int64 // input code tokens (corpus.KindCode) whose code has no category
	UnmappedCodes  int64 // distinct codes among UnmappedTokens
	// TopUnmapped lists the (at most) 10 most frequent unmapped codes, by
	// count descending then code.
	TopUnmapped []CodeCount
	// EmptySequencesDropped counts sequences left with no token (only
	// CategoryView drops tokens); Years and Patients are dropped with them.
	EmptySequencesDropped int64
	// EmptyVisitsDropped counts visits left with no token inside sequences
	// that were kept (CategoryView only).
	EmptyVisitsDropped int64
}

// topUnmapped is the length of ViewReport.TopUnmapped.
const topUnmapped = 10

// CoTrain returns the co-trained (CO) view of c: every code token is
// followed, in the same visit, by its category token under policy p (all
// of its categories in order for PolicyAll): "E119 END002 I10 CIR007".
// Codes without a category stay, alone, and are counted in the report;
// tokens that already are categories (corpus.KindCategory) pass through.
// Category tokens get corpus.KindCategory, codes keep their kind. The
// vocabulary holds the view's tokens with their counts, sorted by count
// descending then token. c is not modified.
func CoTrain(c *corpus.Corpus, m *Map, p Policy) (*corpus.Corpus, *ViewReport) {
	a := &Ancestry{levels: NewLevels(LevelCCSR), lab: NewLabeler(m, p)}
	return CoTrainLevels(c, a)
}

// CoTrainLevels returns the multi-level co-trained view of c: every code
// token is followed, in the same visit, by the tokens of its ancestors at
// a's levels, in canonical order ("E1165 END002 BS:END E116* E11* CH:04"
// for -levels ccsr,body,icd4,icd3,chapter). With the ccsr level alone it
// is CoTrain. Ancestor tokens get their levels' kinds; tokens that are not
// codes pass through. The report counts the codes a's labeler gives no
// CCSR category (zero when it has no map); a code with no ancestor at all
// stays alone.
func CoTrainLevels(c *corpus.Corpus, a *Ancestry) (*corpus.Corpus, *ViewReport) {
	return buildView(c, a.Of, a.lab, true)
}

// CategoryView returns the category-only (SEP) view of c: every code token
// is replaced by its category under policy p (by all of its categories in
// order for PolicyAll). Unmapped codes are dropped and counted; visits and
// sequences left empty are dropped and counted, and Years and Patients
// stay aligned with the sequences that remain. Tokens that already are
// categories pass through. The vocabulary is sorted as in CoTrain.
func CategoryView(c *corpus.Corpus, m *Map, p Policy) (*corpus.Corpus, *ViewReport) {
	a := &Ancestry{levels: NewLevels(LevelCCSR), lab: NewLabeler(m, p)}
	return buildView(c, a.Of, a.lab, false)
}

// buildView computes, once per input vocabulary id, the ids of the output
// tokens it expands to (emitOff/emit): the code itself when keepCodes, then
// the ancestors ancestors appends; then it makes one pass over the flat
// token array with no map look-ups. lab counts the unmapped codes.
func buildView(c *corpus.Corpus, ancestors func(string, []Ancestor) []Ancestor, lab Labeler, keepCodes bool) (*corpus.Corpus, *ViewReport) {
	rep := &ViewReport{Tokens: int64(c.Tokens.Len())}
	v := c.Vocab
	nv := v.Len()

	// Occurrences per input id, from the tokens themselves.
	occ := make([]int64, nv)
	c.Tokens.Count(occ)

	// Output words: interned once; per input id the list of output words.
	outIdx := make(map[string]int32)
	var outWords []string
	var outKinds []corpus.Kind
	intern := func(w string, k corpus.Kind) int32 {
		if i, ok := outIdx[w]; ok {
			return i
		}
		i := int32(len(outWords))
		outIdx[w] = i
		outWords = append(outWords, w)
		outKinds = append(outKinds, k)
		return i
	}
	emitOff := make([]int32, nv+1)
	emit := make([]int32, 0, nv*2)
	var anc []Ancestor
	for id := 0; id < nv; id++ {
		w := v.Words[id]
		if v.Kinds[id] != corpus.KindCode {
			emit = append(emit, intern(w, v.Kinds[id]))
		} else {
			if keepCodes {
				emit = append(emit, intern(w, corpus.KindCode))
			}
			anc = ancestors(w, anc[:0])
			for _, x := range anc {
				emit = append(emit, intern(x.Token, x.Kind()))
			}
		}
		emitOff[id+1] = int32(len(emit))
	}
	if lab.Map() != nil {
		cov := lab.Coverage(v, occ, topUnmapped)
		rep.UnmappedTokens, rep.UnmappedCodes, rep.TopUnmapped = cov.UnmappedTokens, cov.UnmappedCodes, cov.TopUnmapped
	}

	// Counts of the output words, and the sorted output vocabulary.
	cnt := make([]int64, len(outWords))
	var total int64
	for id := 0; id < nv; id++ {
		for _, o := range emit[emitOff[id]:emitOff[id+1]] {
			cnt[o] += occ[id]
		}
		total += occ[id] * int64(emitOff[id+1]-emitOff[id])
	}
	order := make([]int32, 0, len(outWords))
	for o := range outWords {
		if cnt[o] > 0 {
			order = append(order, int32(o))
		}
	}
	slices.SortFunc(order, func(a, b int32) int {
		return cmp.Or(cmp.Compare(cnt[b], cnt[a]), cmp.Compare(outWords[a], outWords[b]))
	})
	newID := make([]int32, len(outWords))
	vocab := corpus.NewVocab()
	for _, o := range order {
		newID[o] = vocab.Add(outWords[o], outKinds[o])
	}
	for _, o := range order {
		vocab.Counts[newID[o]] = cnt[o]
	}
	for i, o := range emit {
		emit[i] = newID[o]
	}

	// One pass over the tokens, visit by visit.
	out := &corpus.Corpus{
		Vocab:     vocab,
		Tokens:    corpus.MakeTokens(int(total), vocab.Len()),
		Seqs:      make([]int64, 1, c.NumSeqs()+1),
		Visits:    make([]int64, 1, max(c.NumVisits(), c.NumSeqs())+1),
		SeqVisits: make([]int64, 1, c.NumSeqs()+1),
	}
	if c.Years != nil {
		out.Years = make([]int32, 0, c.NumSeqs())
	}
	if c.Patients != nil {
		out.Patients = make([]int32, 0, c.NumSeqs())
	}
	toks, n := out.Tokens, 0 // tokens written so far: toks[:n]
	narrow, wide := toks.Narrow(), toks.Wide()
	inNarrow, inWide := c.Tokens.Narrow(), c.Tokens.Wide()
	for i := 0; i < c.NumSeqs(); i++ {
		seqStart, visitStart := n, len(out.Visits)
		// visit bounds of sequence i (the whole sequence when c has no visits)
		lo, hi := i, i+1
		bounds := c.Seqs
		if len(c.Visits) > 0 {
			lo, hi, bounds = int(c.FirstVisit(i)), int(c.FirstVisit(i+1)), c.Visits
		}
		for j := lo; j < hi; j++ {
			start := n
			for k := bounds[j]; k < bounds[j+1]; k++ {
				var t int32
				if inNarrow != nil {
					t = int32(inNarrow[k])
				} else {
					t = inWide[k]
				}
				for _, o := range emit[emitOff[t]:emitOff[t+1]] {
					if narrow != nil {
						narrow[n] = uint16(o) // o < vocab.Len() <= NarrowLimit
					} else {
						wide[n] = o
					}
					n++
				}
			}
			if n == start && !keepCodes {
				rep.EmptyVisitsDropped++
				continue
			}
			out.Visits = append(out.Visits, int64(n))
		}
		if n == seqStart && !keepCodes {
			rep.EmptySequencesDropped++
			rep.EmptyVisitsDropped -= int64(hi - lo) // counted as part of the sequence
			out.Visits = out.Visits[:visitStart]
			continue
		}
		out.EndSeq(c, i, n)
	}
	if n != toks.Len() { // total counts every token emitted, and nothing is dropped from a kept sequence
		panic(fmt.Sprintf("hierarchy: view wrote %d tokens, expected %d", n, toks.Len()))
	}
	rep.OutTokens = int64(n)
	return out, rep
}
