package trainer

import "math"

// keepThresholds returns, per word id, the frequent-token downsampling
// threshold as gensim's sample_int: a token of word w is kept when a
// uniform 32-bit random number is at most keep[w]. The keep probability is
// Mikolov et al.'s formula as word2vec.c and gensim implement it,
//
//	p(w) = (sqrt(f/(s·T)) + 1) · (s·T)/f, capped at 1,
//
// with f the word's count, T the total number of tokens and s the Subsample
// threshold. s = 0 keeps everything.
func keepThresholds(counts []int64, total int64, s float64) []uint32 {
	keep := make([]uint32, len(counts))
	for i, f := range counts {
		keep[i] = uint32(keepProbability(f, total, s) * math.MaxUint32)
	}
	return keep
}

// keepProbability is the formula keepThresholds tabulates: the
// probability of keeping a token of a word seen f times among total
// tokens at threshold s.
func keepProbability(f, total int64, s float64) float64 {
	if s == 0 || f == 0 {
		return 1
	}
	st := s * float64(total)
	return min((math.Sqrt(float64(f)/st)+1)*st/float64(f), 1)
}
