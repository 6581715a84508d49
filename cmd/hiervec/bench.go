package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hiervec/hiervec/benchmarks"
	"github.com/hiervec/hiervec/internal/atomicfile"
)

func init() {
	register(command{name: "bench", summary: "benchmark hiervec against gensim and fastText on a synthetic corpus", run: runBench})
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	def := benchmarks.DefaultConfig()
	fs := newFlagSet("bench", stderr)
	patients := fs.Int("patients", def.Patients, "synthetic patients (the paper's scale is 600000)")
	seed := fs.Uint64("seed", def.Seed, "seed of the synthetic corpus")
	models := fs.String("models", strings.Join(def.Models, ","), "models to run: sg, cbow, comma-separated")
	dims := fs.String("dims", joinInts(def.Dims), "vector dimensions, comma-separated")
	threads := fs.String("threads", joinInts(def.Threads), "thread counts, comma-separated")
	cfg := def
	fs.IntVar(&cfg.Word2Vec.Epochs, "epochs", def.Word2Vec.Epochs, "epochs of every run")
	fs.IntVar(&cfg.Word2Vec.Window, "window", def.Word2Vec.Window, "maximum context window")
	fs.IntVar(&cfg.Word2Vec.Negative, "negative", def.Word2Vec.Negative, "negative samples per positive")
	fs.Float64Var(&cfg.Word2Vec.Subsample, "sample", def.Word2Vec.Subsample, "subsampling threshold (0 disables)")
	fs.Float64Var(&cfg.Word2Vec.MinAlpha, "min-alpha", def.Word2Vec.MinAlpha, "final learning rate of every tool")
	alpha := fs.Float64("alpha", 0, "starting learning rate for every tool (default: hiervec's per-model default, 0.025 sg / 0.05 cbow)")
	fs.BoolVar(&cfg.Word2Vec.SharedNegatives, "shared-negatives", false, "run hiervec's Skip-Gram with -shared-negatives (one negative set per centre word)")
	seeds := fs.Int("seeds", def.Seeds, "repetitions per cell (training seeds 1..N); quality is their mean")
	peers := fs.Bool("peers", def.Peers, "also run gensim and fastText (benchmarks/install-peers.sh)")
	quality := fs.Bool("quality", def.Quality, "score every run: NMI of k-means (k=200) against the CCSR categories")
	workdir := fs.String("workdir", def.WorkDir, "directory for the corpus (reused when it matches) and the runs")
	python := fs.String("python", def.Python, "python with gensim")
	fasttext := fs.String("fasttext", def.FastText, "fastText binary")
	hiervec := fs.String("hiervec", "", "hiervec binary to measure (default: this one)")
	asJSON := fs.Bool("json", false, "print the results as JSON instead of a Markdown table")
	out := fs.String("out", "", "also write the Markdown results to this file")
	quiet := fs.Bool("quiet", false, "print no progress")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: hiervec bench [-patients N] [-models sg,cbow] [-dims 10,50,100] [-threads 1,2] [-epochs 5] [-window 100] [-seeds 1] [-peers] [-quality] [-shared-negatives] [-workdir DIR] [-json] [-out RESULTS.md]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg.Patients, cfg.Seed, cfg.Seeds, cfg.Peers, cfg.Quality = *patients, *seed, *seeds, *peers, *quality
	if setFlags(fs)["alpha"] {
		cfg.Word2Vec.Alpha, cfg.AlphaPerModel = *alpha, false
	}
	cfg.WorkDir, cfg.Python, cfg.FastText = *workdir, *python, *fasttext
	cfg.Models = splitList(*models)
	var err error
	if cfg.Dims, err = parseInts("-dims", *dims); err != nil {
		return err
	}
	if cfg.Threads, err = parseInts("-threads", *threads); err != nil {
		return err
	}
	cfg.Hiervec = *hiervec
	if cfg.Hiervec == "" {
		if cfg.Hiervec, err = os.Executable(); err != nil {
			return fmt.Errorf("finding this binary: %w (pass -hiervec)", err)
		}
	}
	if err := cfg.Validate(); err != nil {
		return usagef("%v", err)
	}
	log := func(s string) { fmt.Fprintln(stderr, s) }
	if *quiet {
		log = nil
	}
	res, err := benchmarks.Run(ctx, cfg, log)
	if err != nil {
		return err
	}
	if *out != "" {
		f, err := atomicfile.Create(*out)
		if err != nil {
			return err
		}
		defer f.Abort()
		if err := res.WriteTable(f); err != nil {
			return err
		}
		if err := f.Commit(); err != nil {
			return err
		}
	}
	if *asJSON {
		return res.WriteJSON(stdout)
	}
	return res.WriteTable(stdout)
}
