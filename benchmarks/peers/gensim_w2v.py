#!/usr/bin/python3
"""Train gensim Word2Vec on a hiervec sequence file, for side-by-side benchmarks.

Used by `hiervec bench -peers` (which embeds this file and writes it into its
work directory). Reads one sequence per line (tokens separated by white space),
trains with exactly the settings given (min_count 1, negative sampling, no
hierarchical softmax, cbow_mean 1, shrink_windows on: gensim's defaults), writes
the input vectors in word2vec text format, and prints one JSON line: the gensim
version, the seconds spent building the vocabulary and training, and the corpus
word count gensim saw.

Run it with Debian's python3 (python3-gensim 4.2); see benchmarks/install-peers.sh.
"""
import argparse
import json
import sys
import time


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--input", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--model", choices=["sg", "cbow"], default="sg")
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--window", type=int, default=100)
    p.add_argument("--negative", type=int, default=5)
    p.add_argument("--sample", type=float, default=1e-3)
    p.add_argument("--alpha", type=float, default=0.025)
    p.add_argument("--min-alpha", type=float, default=0.0001)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    import gensim
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence
    from gensim.models.word2vec_inner import FAST_VERSION, MAX_WORDS_IN_BATCH

    if FAST_VERSION < 0:
        # Without the compiled routines gensim trains in pure Python, orders
        # of magnitude slower: a benchmark of that would mislead.
        print("gensim_w2v: gensim's compiled word2vec routines are missing", file=sys.stderr)
        return 1

    # A line longer than MAX_WORDS_IN_BATCH (10,000) tokens is cut by gensim's
    # compiled loop anyway; splitting it here says so explicitly. Patient-years
    # are far shorter.
    sentences = LineSentence(a.input, max_sentence_length=MAX_WORDS_IN_BATCH)
    start = time.time()
    model = Word2Vec(
        sentences=sentences,
        vector_size=a.dim, window=a.window, negative=a.negative, hs=0,
        sample=a.sample, alpha=a.alpha, min_alpha=a.min_alpha,
        epochs=a.epochs, workers=a.threads, seed=a.seed, min_count=1,
        sg=1 if a.model == "sg" else 0, cbow_mean=1, shrink_windows=True,
    )
    train_s = time.time() - start
    model.wv.save_word2vec_format(a.out, binary=False)
    print(json.dumps({"gensim": gensim.__version__, "seconds": train_s,
                      "corpus_words": model.corpus_total_words}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
