package benchmarks

import (
	_ "embed"
	"fmt"
	"path/filepath"
	"strconv"
)

// gensimScript is benchmarks/peers/gensim_w2v.py, embedded so that a hiervec
// binary can run the gensim peer from any directory: Run writes it into the
// work directory.
//
//go:embed peers/gensim_w2v.py
var gensimScript []byte

// gensimScriptFile is the name the script is written under in WorkDir.
const gensimScriptFile = "gensim_w2v.py"

// job is one training run of one tool.
type job struct {
	Tool    string
	Model   string // "sg" or "cbow"
	Dim     int
	Threads int
	Seed    int // training seed
	Alpha   float64
}

// command returns the program and arguments that train j on the sequence
// file seqs and write word2vec text vectors to the returned path.
func (j job) command(cfg Config, seqs, outDir string) (argv []string, vectors string) {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	i := strconv.Itoa
	base := filepath.Join(outDir, fmt.Sprintf("%s-%s-d%d-t%d-s%d", j.Tool, j.Model, j.Dim, j.Threads, j.Seed))
	switch j.Tool {
	case ToolHiervec, ToolHiervecShared:
		vectors = base + ".txt"
		argv = []string{cfg.Hiervec, "train",
			"-input", seqs, "-input-format", "sequences",
			"-model", j.Model, "-dim", i(j.Dim), "-window", i(cfg.Word2Vec.Window),
			"-negative", i(cfg.Word2Vec.Negative), "-sample", f(cfg.Word2Vec.Subsample),
			"-epochs", i(cfg.Word2Vec.Epochs), "-threads", i(j.Threads), "-seed", i(j.Seed),
			"-alpha", f(j.Alpha), "-min-alpha", f(cfg.Word2Vec.MinAlpha),
			"-out", vectors, "-format", "word2vec", "-quiet",
			// Every tool writes every vector: the peers have no small-cell
			// rule, and the harness's vectors stay in its work directory.
			"-min-patients", "1"}
		if j.Tool == ToolHiervecShared {
			argv = append(argv, "-shared-negatives")
		}
	case ToolGensim:
		vectors = base + ".txt"
		argv = []string{cfg.Python, filepath.Join(cfg.WorkDir, gensimScriptFile),
			"--input", seqs, "--out", vectors,
			"--model", j.Model, "--dim", i(j.Dim), "--window", i(cfg.Word2Vec.Window),
			"--negative", i(cfg.Word2Vec.Negative), "--sample", f(cfg.Word2Vec.Subsample),
			"--epochs", i(cfg.Word2Vec.Epochs), "--threads", i(j.Threads), "--seed", i(j.Seed),
			"--alpha", f(j.Alpha), "--min-alpha", f(cfg.Word2Vec.MinAlpha)}
	case ToolFastText:
		// -minn 0 -maxn 0 -bucket 0 -wordNgrams 1 turn off subword and
		// n-gram features: plain word2vec. fastText writes base.vec (word2vec
		// text) and base.bin (its model).
		vectors = base + ".vec"
		mode := "skipgram"
		if j.Model == "cbow" {
			mode = "cbow"
		}
		argv = []string{cfg.FastText, mode,
			"-input", seqs, "-output", base,
			"-dim", i(j.Dim), "-ws", i(cfg.Word2Vec.Window), "-epoch", i(cfg.Word2Vec.Epochs),
			"-minCount", "1", "-neg", i(cfg.Word2Vec.Negative), "-t", f(cfg.Word2Vec.Subsample),
			"-thread", i(j.Threads), "-lr", f(j.Alpha), "-seed", i(j.Seed),
			"-minn", "0", "-maxn", "0", "-wordNgrams", "1", "-bucket", "0",
			"-loss", "ns", "-verbose", "0"}
	}
	return argv, vectors
}

// env returns the variables a run adds to the environment: gensim seeds its
// initial vectors with Python's hash() of a string, which Python randomises
// per process unless PYTHONHASHSEED is set; fixing it makes a one-worker
// gensim run repeat exactly, as hiervec's and fastText's do.
func (j job) env() []string {
	if j.Tool == ToolGensim {
		return []string{"PYTHONHASHSEED=0"}
	}
	return nil
}

// sideFiles lists what a run writes besides its vectors, to be removed.
func (j job) sideFiles(vectors string) []string {
	if j.Tool == ToolFastText {
		return []string{vectors[:len(vectors)-len(".vec")] + ".bin"}
	}
	return nil
}
