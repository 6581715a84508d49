package trainer

// learningRate is the one linear schedule of the whole run, as word2vec.c
// and gensim: alpha at the start, minAlpha at the end, in between linear in
// global progress done/total (raw tokens processed by all workers over all
// epochs, against epochs × corpus tokens), never below minAlpha.
func learningRate(alpha, minAlpha float64, done, total int64) float64 {
	if total <= 0 {
		return alpha
	}
	a := alpha - (alpha-minAlpha)*float64(done)/float64(total)
	return max(a, minAlpha)
}
