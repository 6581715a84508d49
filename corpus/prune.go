package corpus

import (
	"slices"
	"strings"
)

// finish applies Dedupe and MinCount, drops emptied sequences, sorts the
// vocabulary and fills the corpus totals of rep.
func finish(c *Corpus, opt ReadOptions, rep *ReadReport) {
	if opt.Dedupe {
		last := make([]int32, c.Vocab.Len())
		for i := range last {
			last[i] = -1
		}
		before := int64(c.Tokens.Len())
		rep.EmptySequencesDropped += c.compact(func(s int, t int32) bool {
			if last[t] == int32(s) {
				return false
			}
			last[t] = int32(s)
			return true
		})
		rep.DedupedTokens += before - int64(c.Tokens.Len())
	}
	c.Recount()
	if opt.MinCount > 1 {
		keep := make([]bool, c.Vocab.Len())
		for id, n := range c.Vocab.Counts {
			if n >= int64(opt.MinCount) {
				keep[id] = true
			} else if n > 0 {
				rep.DroppedMinCountCodes++
				rep.DroppedMinCountTokens += n
			}
		}
		rep.EmptySequencesDropped += c.compact(func(_ int, t int32) bool { return keep[t] })
		c.Recount()
	}
	c.sortVocab()
	fillTotals(c, rep)
}

// fillTotals sets the corpus totals of rep.
func fillTotals(c *Corpus, rep *ReadReport) {
	rep.PatientYears = int64(c.NumSeqs())
	rep.Tokens = int64(c.Tokens.Len())
	rep.Patients = countPatients(c)
}

// countPatients returns the number of distinct patients among the
// sequences, or 0 when patients are not known.
func countPatients(c *Corpus) int64 {
	if c.Patients == nil {
		return 0
	}
	var n, maxP int32 = 0, -1
	for _, p := range c.Patients {
		maxP = max(maxP, p)
	}
	seen := make([]bool, maxP+1)
	for _, p := range c.Patients {
		if !seen[p] {
			seen[p] = true
			n++
		}
	}
	return int64(n)
}

// compact keeps the tokens for which keep(sequence, token) is true, in
// place, removing visits and sequences left empty (with their Years and
// Patients entries). It returns the number of sequences removed. keep is
// called once per token in corpus order.
func (c *Corpus) compact(keep func(seq int, tok int32) bool) int64 {
	n := c.NumSeqs()
	var w, nv, ns int64
	var tokEnd, svEnd int64 // old token offset and old visit index reached so far
	var dropped int64
	for s := 0; s < n; s++ {
		seqStart := w
		oldSV := c.FirstVisit(s + 1)
		for v := svEnd; v < oldSV; v++ {
			oldEnd := c.Visits[v+1]
			visitStart := w
			for i := tokEnd; i < oldEnd; i++ {
				t := c.Tokens.At(int(i))
				if keep(s, t) {
					c.Tokens.Set(int(w), t)
					w++
				}
			}
			tokEnd = oldEnd
			if w > visitStart {
				nv++
				c.Visits[nv] = w
			}
		}
		svEnd = oldSV
		if w == seqStart {
			dropped++
			continue
		}
		ns++
		c.Seqs[ns] = w
		if c.SeqVisits != nil {
			c.SeqVisits[ns] = nv
		}
		if c.Years != nil {
			c.Years[ns-1] = c.Years[s]
		}
		if c.Patients != nil {
			c.Patients[ns-1] = c.Patients[s]
		}
	}
	c.Tokens.Truncate(int(w))
	c.Visits = c.Visits[:nv+1]
	c.Seqs = c.Seqs[:ns+1]
	if c.SeqVisits != nil {
		c.SeqVisits = c.SeqVisits[:ns+1]
	}
	if c.Years != nil {
		c.Years = c.Years[:ns]
	}
	if c.Patients != nil {
		c.Patients = c.Patients[:ns]
	}
	return dropped
}

// Recount sets Vocab.Counts to the number of times each token occurs in
// Tokens.
func (c *Corpus) Recount() {
	counts := c.Vocab.Counts
	if len(counts) != c.Vocab.Len() {
		counts = make([]int64, c.Vocab.Len())
	}
	clear(counts)
	c.Tokens.Count(counts)
	c.Vocab.Counts = counts
}

// sortVocab orders the vocabulary like word2vec (Vocab.sorted) and remaps
// the token ids. Counts must be current.
func (c *Corpus) sortVocab() {
	newID, v := c.Vocab.sorted()
	for i, t := range c.Tokens.All() {
		c.Tokens.Set(i, newID[t])
	}
	c.Vocab = v
}

// sorted returns v ordered like word2vec: by count descending, ties by
// token ascending, tokens with a zero count removed; and the new id of
// every id of v.
func (v *Vocab) sorted() (newID []int32, sorted *Vocab) {
	ids := make([]int32, 0, v.Len())
	for id, n := range v.Counts {
		if n > 0 {
			ids = append(ids, int32(id))
		}
	}
	slices.SortFunc(ids, func(a, b int32) int {
		if v.Counts[a] != v.Counts[b] {
			if v.Counts[a] > v.Counts[b] {
				return -1
			}
			return 1
		}
		return strings.Compare(v.Words[a], v.Words[b])
	})
	newID = make([]int32, v.Len())
	words := make([]string, len(ids))
	kinds := make([]Kind, len(ids))
	counts := make([]int64, len(ids))
	for nid, old := range ids {
		newID[old] = int32(nid)
		words[nid], kinds[nid], counts[nid] = v.Words[old], v.Kinds[old], v.Counts[old]
	}
	sorted = &Vocab{Words: words, Kinds: kinds, Counts: counts}
	sorted.reindex()
	return newID, sorted
}
