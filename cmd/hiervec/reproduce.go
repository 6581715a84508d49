package main

import (
	"context"
	"fmt"
	"io"
	"runtime"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/reproduce"
	"github.com/hiervec/hiervec/trainer"
)

func init() {
	register(command{name: "reproduce", summary: "train the paper's 12 variants (and Med2Vec), write embeddings.json and the evaluation report", run: runReproduce})
}

func runReproduce(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	def := reproduce.DefaultConfig()
	fs := newFlagSet("reproduce", stderr)
	var in inputFlags
	in.register(fs)
	var (
		ccsr      = fs.String("ccsr", "", "CCSR map for -input (the synthetic run uses its own)")
		policy    = fs.String("policy", "", "codes with several categories: default-op, default-ip, first or all (default: the map's)")
		outcomes  = fs.String("outcomes", "", "CSV of patient id, year and 0/1 outcomes for the downstream AUCs (the synthetic run writes its own)")
		out       = fs.String("out", "", "output folder (required)")
		patients  = fs.Int("patients", def.Patients, "patients in the synthetic extract when there is no -input (the paper had about 600000)")
		models    = fs.String("models", "sg,cbow", "models: sg, cbow")
		dims      = fs.String("dims", "10,50,100", "dimensions")
		variants  = fs.String("variants", "co,sep", "variants: co (categories co-trained), sep (trained separately)")
		epochs    = fs.Int("epochs", def.Epochs, "epochs of every Word2Vec run")
		window    = fs.Int("window", def.Window, "context window")
		negative  = fs.Int("negative", def.Negative, "negative samples")
		sample    = fs.Float64("sample", def.Sample, "subsampling threshold")
		alpha     = fs.Float64("alpha", def.Alpha, "initial learning rate of both models (gensim's default, which the paper used)")
		threads   = fs.Int("threads", runtime.NumCPU(), "worker goroutines")
		seed      = fs.Uint64("seed", def.Seed, "random seed of training and k-means")
		sharedNeg = fs.Bool("shared-negatives", false, "sg: one set of negatives per centre, shared by its window (faster; not what the paper's gensim did)")
		plainHW   = fs.Bool("plain-hogwild", false, "write the shared vectors directly instead of staging the frequent rows per thread (slower with 2+ threads; see the trainer package doc)")
		withM2V   = fs.Bool("med2vec", false, "also train the Med2Vec baseline (200 dimensions)")
		m2vEpochs = fs.Int("med2vec-epochs", def.Med2VecEpochs, "Med2Vec epochs")
		ks        = fs.String("k", "200,400", "k-means cluster counts")
		quiet     = fs.Bool("quiet", false, "print nothing but errors and the final table")
	)
	in.minCount = def.Read.MinCount
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("-out is required")
	}
	cfg := def
	cfg.Input, cfg.CCSR, cfg.Policy, cfg.Outcomes, cfg.Out = in.input, *ccsr, *policy, *outcomes, *out
	format, err := corpus.ParseFormat(in.inputFormat)
	if err != nil {
		return usagef("%v", err)
	}
	cfg.InputFormat = format
	cfg.Read.PatientCol, cfg.Read.DateCol, cfg.Read.CodeCol = in.patientCol, in.dateCol, in.codeCol
	cfg.Read.Dedupe, cfg.Read.SkipBad, cfg.Read.MinCount = in.dedupe, in.skipBad, in.minCount
	cfg.Patients = *patients
	cfg.Models = nil
	for _, name := range splitList(*models) {
		m, err := trainer.ParseModel(name)
		if err != nil {
			return usagef("-models: %v", err)
		}
		cfg.Models = append(cfg.Models, m)
	}
	if cfg.Dims, err = parseInts("-dims", *dims); err != nil {
		return err
	}
	if cfg.Ks, err = parseInts("-k", *ks); err != nil {
		return err
	}
	cfg.Variants = splitList(*variants)
	cfg.Epochs, cfg.Window, cfg.Negative, cfg.Sample, cfg.Alpha = *epochs, *window, *negative, *sample, *alpha
	cfg.Threads, cfg.Seed, cfg.Med2Vec, cfg.Med2VecEpochs = *threads, *seed, *withM2V, *m2vEpochs
	cfg.SharedNegatives, cfg.PlainHogwild = *sharedNeg, *plainHW
	if err := cfg.Validate(); err != nil {
		return usagef("%v", err)
	}

	rep := newReporter(stderr, *quiet)
	res, err := reproduce.Run(ctx, cfg, func(e reproduce.Event) {
		if e.Message != "" {
			rep.say("%s", e.Message)
			return
		}
		rep.report(status{
			Label: fmt.Sprintf("[%d/%d] %s", e.RunIndex, e.Runs, e.Run),
			Done:  e.Done, Total: e.Total, Final: e.Final,
			Info: fmt.Sprintf("%s  | overall %.0f%%, ETA %s", e.Info, 100*e.Overall, fmtDuration(e.ETA)),
		})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "trained %d runs (%d resumed), wrote %s in %s\n\n",
		len(res.Trained), len(res.Resumed), *out, fmtDuration(res.Elapsed))
	return reproduce.WriteTable(stdout, res.Scores)
}
