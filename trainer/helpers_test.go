package trainer

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/hiervec/hiervec/corpus"
)

// newTestCorpus builds a corpus of vocabSize words "w0".."wN" and the given
// sequences of word ids, with counts filled in.
func newTestCorpus(vocabSize int, seqs [][]int32) *corpus.Corpus {
	v := corpus.NewVocab()
	for i := 0; i < vocabSize; i++ {
		v.Add(fmt.Sprintf("w%d", i), corpus.KindCode)
	}
	c := &corpus.Corpus{Vocab: v, Seqs: []int64{0}, Visits: []int64{0}, SeqVisits: []int64{0}}
	for _, s := range seqs {
		for _, t := range s {
			if int(t) < len(v.Counts) {
				v.Counts[t]++
			}
		}
		c.Tokens.Append(s...)
		c.Seqs = append(c.Seqs, int64(c.Tokens.Len()))
		c.Visits = append(c.Visits, int64(c.Tokens.Len()))
		c.SeqVisits = append(c.SeqVisits, int64(len(c.Visits)-1))
	}
	return c
}

// plantedCorpus draws sequences over groups×size codes: each sequence
// picks a group and draws its codes from that group, except that each code
// is replaced by a uniformly random code with probability noise. Code id
// g*size+k belongs to group g.
func plantedCorpus(seed uint64, groups, size, nseq int, noise float64) *corpus.Corpus {
	r := rand.New(rand.NewPCG(seed, 99))
	seqs := make([][]int32, nseq)
	for i := range seqs {
		g := r.IntN(groups)
		n := 4 + r.IntN(12)
		s := make([]int32, n)
		for j := range s {
			if r.Float64() < noise {
				s[j] = int32(r.IntN(groups * size))
			} else {
				s[j] = int32(g*size + r.IntN(size))
			}
		}
		seqs[i] = s
	}
	return newTestCorpus(groups*size, seqs)
}

// zipfCorpus is the benchmark corpus: a Zipf vocabulary of vocab codes and
// nseq sequences whose lengths are heavy-tailed (log-normal: median 8,
// mean about 14, capped at 300).
func zipfCorpus(seed uint64, vocab, nseq int) *corpus.Corpus {
	r := rand.New(rand.NewPCG(seed, 7))
	z := rand.NewZipf(r, 1.1, 2, uint64(vocab-1))
	seqs := make([][]int32, nseq)
	for i := range seqs {
		// exp(N(ln 8, 1.06)): median 8, mean 8·e^(1.06²/2) ≈ 14.
		n := int(8*expNorm(r, 1.06) + 0.5)
		n = min(max(n, 1), 300)
		s := make([]int32, n)
		for j := range s {
			s[j] = int32(z.Uint64())
		}
		seqs[i] = s
	}
	return newTestCorpus(vocab, seqs)
}

func expNorm(r *rand.Rand, sigma float64) float64 {
	return math.Exp(r.NormFloat64() * sigma)
}
