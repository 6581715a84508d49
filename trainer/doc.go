// Package trainer trains Word2Vec embeddings, Skip-Gram and CBOW with
// negative sampling (Mikolov et al., "Efficient estimation of word
// representations in vector space", 2013, and "Distributed representations
// of words and phrases and their compositionality", NIPS 2013), over a
// corpus.Corpus of patient-year sequences of diagnosis codes, as Finch et
// al. ("Exploiting hierarchy in medical concept embedding", JAMIA Open
// 2021) did with gensim.
//
// The semantics are word2vec.c's and gensim's. Each sequence is trained
// whole (gensim cuts at 10,000 tokens; we do not), and a context window
// never crosses a sequence boundary. Per epoch, each token of word w is
// first kept with probability (sqrt(f/(sT)) + 1)·sT/f (frequent-token
// downsampling, f = count of w, T = corpus tokens, s = Subsample, drawn
// against a precomputed 32-bit threshold per word as gensim's sample_int);
// the window then runs over the kept tokens, with an effective width drawn
// per centre from 1..Window when ShrinkWindow is on. Skip-Gram trains every
// (centre, context) pair: the context word's input vector predicts the
// centre word and Negative noise words, drawn from count^0.75 (an exact
// alias table), through their output vectors; CBOW predicts the centre from
// the mean of the context's input vectors (cbow_mean=1) and adds the whole
// error to each context word, as gensim and word2vec.c do. The logistic
// function and the loss come from 1000-entry tables over [-6, 6], as in
// both; outside that range σ saturates to 0 or 1 (word2vec.c). Input
// vectors start uniform in [-0.5/dim, 0.5/dim), output vectors at zero, and
// the exported vectors are the input vectors. The learning rate falls
// linearly from Alpha to MinAlpha over all epochs together, driven by the
// global count of processed tokens.
//
// Parallelism is Hogwild (Recht et al., "Hogwild!: a lock-free approach to
// parallelizing stochastic gradient descent", NIPS 2011), as in word2vec.c
// and gensim: Workers goroutines (under errgroup) update the shared In and
// Out matrices WITHOUT LOCKS. This is a deliberate data race on float32
// weights: updates are sparse, a lost or torn update is SGD noise, and
// locking would cost more than the whole update. The race detector rightly
// reports it, so tests running several workers carry a `//go:build !race`
// constraint; everything else (work distribution, counters, progress) is
// race-free. Sequences are grouped into chunks of about 10,000 tokens handed
// out through an atomic index; each worker owns its random generator
// (xorshift64*, seeded from Seed and its id), scratch vectors and
// counters, allocated once, so training a sequence allocates nothing.
// Workers publish their token count every 1,024 tokens, which moves the
// shared learning rate. One monitor goroutine turns the published counters
// into Progress reports; workers never call back.
//
// With Workers = 1 a Seed gives bit-identical vectors on every run. With
// more, thread interleaving changes the result from run to run, not its
// quality. Cancelling the context stops training within one chunk (long
// sequences check every 256 centres). A NaN or Inf loss (checked after
// every chunk) or weight (scanned after every epoch) stops training with
// ErrDiverged and advice on which setting to lower.
//
// The inner products and updates go through two kernels, dot and axpy
// (kernels.go), each with its plain reference loop; which implementation
// they use was settled by a paired benchmark.
package trainer
