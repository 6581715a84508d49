package trainer

import "github.com/hiervec/hiervec/corpus"

// ExpectedPairs returns the nominal number of (centre, context) pairs of one
// epoch over c under the reduced window b ~ U[1, window] that word2vec.c,
// gensim, fastText and hiervec all draw: a centre at position i of a
// sequence of n tokens sees min(b, i) + min(b, n-1-i) context tokens, and the
// figure is the mean over b = 1..window, summed over every position of every
// sequence. It is counted before subsampling (which drops frequent tokens at
// random), so it is the same figure for every tool, and pairs/s compares
// tools on the work their settings ask for, not on what each happened to do.
func ExpectedPairs(c *corpus.Corpus, window int) float64 {
	perLen := map[int64]float64{}
	total := 0.0
	for s := 0; s+1 < len(c.Seqs); s++ {
		n := c.Seqs[s+1] - c.Seqs[s]
		p, ok := perLen[n]
		if !ok {
			p = pairsForLength(int(n), window)
			perLen[n] = p
		}
		total += p
	}
	return total
}

// pairsForLength is the mean over b = 1..window of the pairs of a sequence of
// n tokens: sum over i of min(b, i) + min(b, n-1-i).
func pairsForLength(n, window int) float64 {
	if n < 2 || window < 1 {
		return 0
	}
	var sum int64
	for b := 1; b <= window; b++ {
		for i := 0; i < n; i++ {
			sum += int64(min(b, i) + min(b, n-1-i))
		}
	}
	return float64(sum) / float64(window)
}
