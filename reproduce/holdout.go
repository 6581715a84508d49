package reproduce

import (
	"math/rand/v2"
	"slices"

	"github.com/hiervec/hiervec/corpus"
)

// pickHidden returns a seeded random share of the codes for which eligible
// is true, sorted: round(share × eligible codes), drawn by shuffling the
// eligible codes in sorted order with a PCG seeded from seed, so the draw
// depends on the seed and the set of codes only.
func pickHidden(codes []string, eligible func(string) bool, share float64, seed uint64) []string {
	var pool []string
	for _, c := range codes {
		if eligible(c) {
			pool = append(pool, c)
		}
	}
	slices.Sort(pool)
	rng := rand.New(rand.NewPCG(seed, 0x686964652d636f64)) // "hide-cod"
	rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	n := int(share*float64(len(pool)) + 0.5)
	out := slices.Clone(pool[:n])
	slices.Sort(out)
	return out
}

// withoutWords returns a copy of c without the tokens of the words whose
// id drop marks: their rows leave the training data as if the extract had
// never held them. Visits and sequences left empty are dropped, with their
// Years and Patients; the vocabulary keeps the other words in their order,
// with counts recounted. c is not modified.
func withoutWords(c *corpus.Corpus, drop []bool) *corpus.Corpus {
	v := c.Vocab
	newID := make([]int32, v.Len())
	vocab := corpus.NewVocab()
	for id, w := range v.Words {
		newID[id] = -1
		if !drop[id] {
			newID[id] = vocab.Add(w, v.Kinds[id])
		}
	}
	total := 0
	for _, t := range c.Tokens.All() {
		if !drop[t] {
			total++
		}
	}
	out := &corpus.Corpus{
		Vocab:     vocab,
		Tokens:    corpus.MakeTokens(total, vocab.Len()),
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
	n := 0
	for i := range c.NumSeqs() {
		seqStart, visitStart := n, len(out.Visits)
		lo, hi, bounds := i, i+1, c.Seqs
		if len(c.Visits) > 0 {
			lo, hi, bounds = int(c.FirstVisit(i)), int(c.FirstVisit(i+1)), c.Visits
		}
		for j := lo; j < hi; j++ {
			start := n
			for k := bounds[j]; k < bounds[j+1]; k++ {
				if t := c.Tokens.At(int(k)); !drop[t] {
					out.Tokens.Set(n, newID[t])
					n++
				}
			}
			if n > start {
				out.Visits = append(out.Visits, int64(n))
			}
		}
		if n == seqStart {
			out.Visits = out.Visits[:visitStart]
			continue
		}
		out.EndSeq(c, i, n)
	}
	out.Recount()
	return out
}
