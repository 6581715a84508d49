// Package benchmarks measures hiervec against its peers, gensim 4.2's
// Word2Vec and fastText 0.9.2 (Debian's python3-gensim and fasttext
// packages), on the same corpus with the same settings, in one run, and
// records speed, memory and embedding quality side by side.
//
// # What is compared
//
// Run generates a synthetic EHR extract (package synth: patients with latent
// conditions drawn from a CCSR-shaped hierarchy) into a work directory, reads
// it as hiervec does (one sequence per patient-year, codes in date order) and
// writes the codes-only sequence file, one patient-year per line, that every
// tool trains on. Each tool gets the same model (Skip-Gram or CBOW with
// negative sampling), dimension, window, negatives, subsampling threshold,
// epochs, threads and starting learning rate (passed explicitly, so that no
// tool's own default applies), with min-count 1. fastText runs with its
// subword and n-gram features off (-minn 0 -maxn 0 -wordNgrams 1 -bucket 0),
// which leaves plain word2vec. Known differences remain and are the tools'
// own: fastText draws negatives from unigram^0.5 (word2vec.c, gensim and
// hiervec use ^0.75), adds an end-of-line token "</s>" to every sequence,
// starts input vectors at U(-1/dim, 1/dim) and decays the rate to 0; gensim
// reads the corpus in one Python thread that feeds its workers.
//
// # What is measured
//
// Every run is a separate process, timed whole (reading the corpus, training,
// writing the vectors), with its CPU time (rusage) and its peak resident set:
// the VmHWM of its own address space, polled from /proc (ru_maxrss cannot be
// used: through vfork and exec it inherits the harness's own peak). Within a cell (model, dim, threads)
// the tools alternate, hiervec, gensim, fastText, hiervec, ..., once per
// training seed, so that load from elsewhere falls on all of them alike; the
// table gives the median wall time. Throughput is given in tokens per second
// (corpus tokens x epochs / wall) and in pairs per second, where the pair
// count is the nominal number of (centre, context) pairs under the reduced
// window b ~ U[1, window] of word2vec.c (Mikolov et al. 2013), before
// subsampling (ExpectedPairs): the same figure for every tool, so it measures
// the work the settings ask for. At window 100 a patient-year is all-pairs,
// so pairs, not tokens, are what the time is spent on.
//
// Quality is the evaluation of Finch et al., "Exploiting hierarchy in medical
// concept embedding", JAMIA Open 2021;4(1):ooab022, Table 2: k-means with
// k = 200 (fixed seed) on the code vectors each run wrote, and the Normalized
// Mutual Information of the clusters against the codes' CCSR categories
// (package evaluate), next to the Adjusted Mutual Information (Vinh et al.
// 2010), which subtracts the agreement expected by chance. Both are printed
// with the score of random vectors for the same codes: with ~5,000 codes,
// 400 categories and k = 200, NMI rewards any even partition, so random
// vectors already score about 0.45 while AMI puts them at 0. With several
// training seeds the scores are the mean and standard deviation over seeds,
// which is how "hiervec matches gensim's quality" is judged: the Hogwild runs
// of every tool differ from run to run.
//
// The harness is driven by "hiervec bench"; benchmarks/RESULTS.md holds the
// latest results and benchmarks/install-peers.sh installs the peers.
package benchmarks
