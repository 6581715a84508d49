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
// Hogwild alone does not scale on patient-year corpora: a few hundred
// codes carry most tokens, so both cores write the same rows of In and
// Out for nearly every pair and the cache lines bounce between them (two
// workers needed 2.1-2.3 times the CPU per pair of one). With two or more
// workers, each but the first therefore trains its own copy of the rows of
// the most frequent words (whole replicas of In and Out when they fit in
// 16 MiB per worker, otherwise the most frequent rows that do; the first
// worker trains the shared matrices, which nobody else writes between
// write-backs) and, every one
// (Skip-Gram) or eight (CBOW) tokens per staged row (at least 4,096; on a
// small corpus at least 32 times per epoch), adds what it changed to the
// shared matrices and takes a fresh copy (hotrows.go); Skip-Gram also
// writes back the In and Out rows of its 256 most frequent words every 256
// tokens and the Out rows of its 1,024 most frequent every 1,024. Every
// update is kept (write-backs add differences, so concurrent updates of a
// row add up); what changes is when the other workers see it: after at
// most one write-back interval, the bounded staleness of asynchronous
// SGD, instead of whenever the cache line arrives. On the paper-scale
// synthetic corpus (benchmarks/RESULTS.md) 1 -> 2 threads went from slower
// to 1.91x for Skip-Gram (dim 100, whole process, 5 epochs; 1.84x before
// the first worker trained the shared matrices directly; 1.87x with shared
// negatives) and 1.94-1.99x for CBOW (5 epochs; 1.78x for one epoch,
// whose corpus read and output take the same time with one thread or
// two), at the cost of four copies of the staged rows
// per staging worker (9.6 MB each at 5,400 words and dimension 100).
// Quality: NMI@200 and AMI@200 equal to plain Hogwild's and gensim's at
// dimensions 50 and 100 (3 seeds). At dimension 10 the staleness shows in
// Skip-Gram's AMI@200: 0.050 with the regular write-backs alone, against
// 0.059 with one worker and 0.055 for gensim; the most frequent rows take
// hundreds of updates from each worker within any interval, each computed
// from a copy lacking the other's, and the extra write-backs of those rows
// bring it to 0.053-0.054 (the tables in hotrows.go). Over the issue's
// five epochs at 600,000 patients the moderately frequent rows matter too:
// with only the 256 hottest rows written back often, Skip-Gram at
// dimension 100 ended 0.010-0.011 NMI@200 below gensim and a one-worker
// run; with the two tiers it is within 0.005 (ten runs), for 4% of the
// two-worker run time. At dimension 10 two workers still score about 0.01
// AMI@200 below one (NMI@200 0.514 against 0.521, gensim 0.516), and four
// times more frequent write-backs do not recover it (benchmarks/RESULTS.md).
// CBOW shows no such loss.
// Config.PlainHogwild (hiervec train and reproduce -plain-hogwild) turns
// staging off.
//
// With Workers = 1 a Seed gives bit-identical vectors on every run (and
// staging, forced on in a test, changes none of their bits). With more,
// thread interleaving changes the result from run to run, not its
// quality. Cancelling the context stops training within one chunk (long
// sequences check every 256 centres). A NaN or Inf loss (checked after
// every chunk) or weight (scanned after every epoch) stops training with
// ErrDiverged and advice on which setting to lower.
//
// # Shared negatives
//
// Config.SharedNegatives chooses the Skip-Gram estimator. false (the
// default) is word2vec.c's and gensim's: Negative noise words per
// (centre, context) pair (sgPair); it is the reference every other path
// is tested against. true draws one set of noise words per centre word,
// shared by all the context words of its window (Ji et al.,
// "Parallelizing Word2Vec in shared and distributed memory", 2016), and
// then trains the context words one after another exactly as sgPair does
// (sgSeqShared). The K+1 target rows are the same for the whole window,
// so they are copied once into a contiguous block that stays in L1, and a
// context costs two kernel calls (dotBlock, updateRows) instead of 18: at
// window 100, 2.2 times less CPU per pair at dimension 100, 1.5 times at
// 10. With AVX-512 its rows are padded to whole 16-lane chunks
// (rowStride), so the block kernels store no masked chunk that the next
// context's loads would wait for: the same bits, and 1.8x less CPU per
// pair at dimension 10, 1.1x at 50 and 100 (trainer benchmark). Its own
// tests: a float64 replay of the formulas, planted groups, its own golden
// checksums.
//
// pWord2Vec's block form goes further: the whole window as three dense
// products from the weights as they were when the centre began (logits
// In[c]·Out[t]ᵀ, then Out[t] += Gᵀ·In[c], In[c] += G·Out[t];
// sgSeqSharedBlock, with dotBlock and addBlock). It is 3-5 times faster
// than per-pair but lost quality, growing with the dimension; it stays
// in the package, tested, for the benchmarks and for that comparison, but
// no Config reaches it. On a synth extract of 60,000 patients
// (75,080 patient-years, 1.03M tokens, 4,797 codes in 400 CCSR
// categories), Skip-Gram, window 100, 10 epochs, 2 workers, NMI of
// k-means (k = 200) clusters of the code vectors against their
// categories, mean of seeds 1-3 (TestSharedNegativesQuality):
//
//	dim  per-pair  shared (sequential)  shared (block)
//	 10  0.5099    0.5078 (-0.002)      0.5074 (-0.003)
//	 50  0.5223    0.5167 (-0.006)      0.5124 (-0.010)
//	100  0.5002    0.5006 (+0.000)      0.4769 (-0.023)
//
// Correlated negatives are therefore not what costs quality (capping the
// contexts that share one block's negatives at 8 or 16 did not help the
// block form either: 0.5118 at dimension 50); the block form's summed,
// unordered updates are. The per-pair estimator stays the default: the
// sequential form is within the project's 0.01 at every dimension on three
// seeds, but below per-pair at 10 and 50, which is evidence for an option,
// not yet for changing what every run computes. Against gensim itself
// (benchmarks/RESULTS.md): at the paper's scale (600,000 patients,
// dimension 100, 5 epochs, 3 seeds) NMI@200 0.534 against gensim's 0.538
// at 5.8 times its speed; at 60,000 patients, one epoch, within 0.007 at
// every dimension. On the planted-groups corpus every form
// reaches precision@5 of 1.000 at windows 5 and 100 over 20 seeds
// (TestPlantedCalibration), a test too easy to separate them.
//
// # CBOW on local rows
//
// At window 100 most CBOW centres see their whole patient-year, and
// word2vec.c's step sums all n-1 context rows and then adds the error to
// each of them: 2(n-1) row operations per centre. A sequence of 8 kept
// tokens or more is therefore trained on a small local copy of its
// distinct words' input rows (cbow_whole.go): a centre whose window holds
// the whole sequence costs a constant number of row operations (a running
// sum of the sequence's rows and one accumulated error that every
// position shares, corrected by each word's multiplicity), a partial
// window sums and updates the local rows as before, and at the end of the
// sequence each row's change is added to In. It is word2vec.c's
// arithmetic step for step (a test holds it to the direct path within
// float32 rounding, and catches each of five deliberate mistakes); what
// other workers see is the sequence's input-row updates at its end rather
// than centre by centre. On the paper-scale corpus it cut CBOW's CPU time
// by about a fifth (600k patients, dimension 100, one epoch: 6.1 to 4.9
// CPU-seconds, two workers).
//
// # Kernels
//
// The per-pair path's inner products and updates go through dot, axpy
// and axpy2 (kernels.go, kernels_rows.go), CBOW's context sums through
// sumRows and addRows, the shared-negatives path through dotBlock and
// updateRows (and the block form through addBlock). Each has its plain reference loop, the specification and test
// oracle (with guard-band tests: NaN-padded slices stay untouched outside
// the range); the fast variants are AVX2+FMA (dot, axpy) and AVX-512
// (the rest) assembly chosen at start-up, and were chosen by paired
// benchmarks. sumRows, addRows and axpy2 give the bits of the loops they
// replace (the same additions and fused multiply-adds in the same order),
// so the per-pair and CBOW results did not change when they came in.
//
// With AVX-512 a whole Skip-Gram pair (its K+1 logits, steps, loss and
// updates) is one assembly call, sgPairAVX512, with the bits of sgPairRef
// (dot, logistic, axpy2 and axpy): the same sums in dotAVX2's order, the
// logistic through tables extended by two saturated entries instead of
// branches. On that path the matrices' rows are padded with zeros to a
// whole number of 16-lane chunks (rowStride), and the kernel runs over the
// padding, which stays zero: every row is read and written in the same
// whole chunks, never under a mask, so a load finds the store before it
// in the store buffer instead of waiting for it to reach the cache, and
// the logits' sums are grouped by lane rather than finished element by
// element. The call took the trainer benchmark's per-pair CPU time down by
// about a fifth at dimensions 10, 50 and 100, the padding another 12% at
// dimension 100. The model is the same; float32 rounding of the logits
// can differ from the unpadded path, though the sigmoid table's steps
// hide it in nearly every prediction (the golden checksums of both are
// equal). For rows of up to 128 floats (dimension 128) the call is
// sgPairRegAVX512, which holds the input row and its gradient in 16
// vector registers for the whole pair, so that a target costs only its
// own row's loads and stores (same bits; 8-9% less time at dimension
// 100). The pair's loss, which is reported and never trained on, is
// computed for one pair in 16 (lossSample): computing it for every pair
// took 12-18% of the pair's time.
package trainer
