// Package trainer trains Word2Vec embeddings, Skip-Gram and CBOW with
// negative sampling (Mikolov et al., "Efficient estimation of word
// representations in vector space", 2013; "Distributed representations of
// words and phrases and their compositionality", NIPS 2013), over a
// corpus.Corpus of patient-year sequences of diagnosis codes, as Finch et
// al. ("Exploiting hierarchy in medical concept embedding", JAMIA Open
// 2021) did with gensim. It computes what word2vec.c and gensim compute,
// several times faster on patient-year corpora.
//
// # Use
//
// Start from DefaultConfig (gensim's defaults, each documented), set what
// the experiment needs (the paper used Window 100 and 10 epochs), and call
// Train:
//
//	cfg := trainer.DefaultConfig(trainer.SkipGram)
//	cfg.Window, cfg.Epochs = 100, 10
//	set, err := trainer.Train(ctx, c, cfg, func(p trainer.Progress) { ... })
//
// Train checks the configuration and the corpus first and reports every
// problem at once (Config.Validate, ErrEmptyCorpus). It returns the input
// vectors as an embedding.Set, one row per vocabulary entry. The progress
// callback, if any, is called from one goroutine every
// Config.ProgressInterval and once more at the end (Progress.Done). Its
// Loss is the probe loss: the negative-sampling loss of a fixed sample of
// 4,096 predictions drawn from the corpus before training and scored
// between epochs, so that it falls when training works (the loss of the
// pairs being trained, Progress.TrainLoss, need not).
// Cancelling ctx stops training within a chunk of sequences. A loss or
// weight that stops being finite ends it with ErrDiverged, whose message
// names the setting to lower, and so does a probe loss that ends at more
// than twice the untrained model's (weights that stay finite but grew
// without bound: CBOW with window 100 at -alpha 0.05 on a co-trained
// corpus of 10 million patients). EstimateMemory says what a run will allocate
// besides the corpus; ExpectedPairs counts an epoch's nominal (centre,
// context) pairs, the unit in which tools are compared.
//
// # What is computed
//
// The semantics are word2vec.c's and gensim's. Each sequence is trained
// whole (gensim cuts at 10,000 tokens; we do not), and a context window
// never crosses a sequence boundary. Per epoch, each token of word w is
// first kept with probability (sqrt(f/(sT)) + 1)·sT/f (frequent-token
// downsampling, f = count of w, T = corpus tokens, s = Subsample; gensim's
// sample_int); the window then runs over the kept tokens, with a width
// drawn per centre from 1..Window when ShrinkWindow is on. Skip-Gram
// trains every (centre, context) pair: the context word's input vector
// predicts the centre word and Negative noise words, drawn from
// count^0.75 (an exact alias table), through their output vectors. CBOW
// predicts the centre from the mean of the context's input vectors
// (cbow_mean=1) and adds the whole error to each context word. The
// logistic function and the loss come from tables over [-6, 6], as in
// both; outside that range σ saturates to 0 or 1 (word2vec.c). Input
// vectors start uniform in [-0.5/dim, 0.5/dim), output vectors at zero, and
// the exported vectors are the input vectors. The learning rate falls
// linearly from Alpha to MinAlpha over all epochs together, driven by the
// global count of processed tokens.
//
// The update itself is in sgns.go, written as its equations; a reader can
// follow the whole path from there: worker.go (the loop over chunks,
// subsampling, the window iterator), sgns.go (Skip-Gram), cbow.go and
// cbow_whole.go (CBOW), shared_negatives.go, staging.go (the frequent rows
// of a multi-worker run), compose.go and compose_seq.go (ancestor
// composition), and the kernels*.go files, where every row operation lives
// beside its plain-loop reference.
//
// # Parallelism
//
// Parallelism is Hogwild (Recht et al., "Hogwild!: a lock-free approach to
// parallelizing stochastic gradient descent", NIPS 2011), as in word2vec.c
// and gensim: Workers goroutines (under errgroup) update the shared In and
// Out matrices WITHOUT LOCKS. This is a deliberate data race on float32
// weights: updates are sparse, a lost or torn update is SGD noise, and
// locking would cost more than the whole update. The race detector rightly
// reports it, so tests running several workers carry a `//go:build !race`
// constraint; everything else (work distribution, counters, progress) is
// race-free. Sequences are grouped into chunks of about 10,000 tokens
// handed out through an atomic index; each worker owns its random
// generator (xorshift64*, seeded from Seed and its id), scratch vectors
// and counters, allocated once, so training a sequence allocates nothing.
// Workers publish their token count every 1,024 tokens, which moves the
// shared learning rate. One monitor goroutine turns the published counters
// into Progress reports; workers never call back.
//
// Hogwild alone does not scale on patient-year corpora: a few hundred codes
// carry most tokens, so every core writes the same rows of In and Out for
// nearly every pair and the cache lines bounce between them. With two or
// more workers, each but the first therefore trains its own copy of the
// rows of the most frequent words (whole replicas of In and Out when they
// fit in the staging budget) and regularly adds what it changed to the
// shared matrices and takes a fresh copy (staging.go). Every update is
// kept; what changes is when the other workers see it: after at most one
// write-back interval, the bounded staleness of asynchronous SGD. The
// first worker trains the shared matrices directly. Config.PlainHogwild
// turns staging off, for the plain Hogwild of word2vec.c and gensim.
// benchmarks/RESULTS.md has the measured speed and quality of both.
//
// # Determinism
//
// With Workers = 1 a Seed gives bit-identical vectors on every run (and
// staging, forced on in a test, changes none of their bits). With more,
// thread interleaving changes the result from run to run, not its
// quality. The bits depend on the kernel path (below): each path has its
// own golden checksums in testdata.
//
// # Shared negatives
//
// Config.SharedNegatives chooses the Skip-Gram estimator. false (the
// default) is word2vec.c's and gensim's: Negative noise words per
// (centre, context) pair; it is the reference every other path is tested
// against. true draws one set of noise words per centre word, shared by
// all the context words of its window (Ji et al., "Parallelizing Word2Vec
// in shared and distributed memory", 2016), and then trains the context
// words one after another exactly as the per-pair path does. The target
// rows are the same for the whole window, so they stay in L1 and a context
// costs two kernel calls: faster at long windows, a different estimator,
// measured close in quality to per-pair and to gensim
// (benchmarks/RESULTS.md). It has its own tests: a float64 replay of the
// formulas, planted groups, its own golden checksums.
//
// # Ancestor composition
//
// TrainComposed trains with a Composition: fastText's subword units
// (Bojanowski et al., "Enriching word vectors with subword information",
// TACL 2017) with a hierarchy's ancestors in place of character n-grams.
// Each word may list units, extra rows of In after the vocabulary's, and
// its input vector is the mean (ComposeMean, the default) or the sum
// (ComposeSum) of its own row and its units' rows; output rows stay one
// per word, as the centre and the noise words are words. The trainer
// knows nothing of the hierarchy: hierarchy.NewComposition builds the
// table from a code's ancestors. A prediction's input-side change e of a
// composed vector is shared among its 1+k rows so that the vector moves by
// exactly e, as a plain row does: each row takes e for the mean (fastText's
// update) and e/(1+k) for the sum. Gathering and scattering 1+k rows per
// pair would multiply a pair's cost at window 100, so each sequence
// composes its distinct words' vectors once into local rows (at most
// composeMaxDistinct, 1,024, words; longer ones take the per-pair
// reference), the unchanged kernels train them, and the sequence's end adds
// each word's change to its rows (compose_seq.go). Other workers, and the
// other words of the sequence, see those changes when the sequence ends;
// unit rows are never staged, and every worker adds to them without locks.
// A word without units trains bit for bit as in a plain run. The exported
// vector of a word is its composed vector (Composed.Set); Composed.Compose
// gives any code, absent from the corpus or too rare for its own row to be
// written, a vector from its ancestors' rows alone. Composition runs on
// the per-pair path (SharedNegatives is refused). benchmarks/RESULTS.md has
// its measured cost.
//
// # Kernels and build tags
//
// Every row operation (inner products, updates, CBOW's gathers and
// scatters, staging's write-backs, a whole Skip-Gram pair) goes through
// the kernels*.go files. Each kernel documents the plain loop it computes
// and keeps it as the reference and test oracle, with guard-band tests.
// On amd64 the kernels are AVX2+FMA and AVX-512 assembly where the CPU has
// them (detected at start-up); built with -tags purego, or on another
// architecture, they are Go. The paths round differently (fused
// multiply-adds, sums grouped by lane), never by more than float32
// rounding of the same arithmetic. To test every path on one AVX-512
// machine:
//
//	go test ./trainer                              # avx512
//	GODEBUG=cpu.avx512f=off go test ./trainer      # avx2
//	go test -tags purego ./trainer                 # generic
package trainer
