package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/reproduce"
	"github.com/hiervec/hiervec/trainer"
)

func init() {
	register(command{name: "reproduce", summary: "train the paper's 12 variants (and Med2Vec), write embeddings.json and the evaluation report", run: runReproduce})
}

func runReproduce(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := reproduce.DefaultConfig()
	fs := newFlagSet("reproduce", stderr)
	var in inputFlags
	in.register(fs)
	registerTrainerFlags(fs, &cfg.Word2Vec, false)
	var (
		ccsr        = fs.String("ccsr", "", "CCSR map for -input (the synthetic run uses its own)")
		policy      = fs.String("policy", "", "codes with several categories: default-op, default-ip, first or all (default: the map's)")
		outcomes    = fs.String("outcomes", "", "CSV of patient id, year and 0/1 outcomes for the downstream AUCs (the synthetic run writes its own)")
		out         = fs.String("out", "", "output folder (required)")
		patients    = fs.Int("patients", cfg.Patients, "patients in the synthetic extract when there is no -input (the paper had about 600000)")
		models      = fs.String("models", "sg,cbow", "models: sg, cbow")
		dims        = fs.String("dims", "10,50,100", "dimensions")
		variants    = fs.String("variants", "co,sep", "variants: co (categories co-trained), sep (trained separately)")
		minPatients = minPatientsFlag(fs)
		withM2V     = fs.Bool("med2vec", false, "also train the Med2Vec baseline (200 dimensions)")
		m2vEpochs   = fs.Int("med2vec-epochs", cfg.Med2VecEpochs, "Med2Vec epochs")
		ks          = fs.String("k", "200,400", "k-means cluster counts")
		repeats     = fs.Int("repeats", cfg.Repeats, "train every variant with this many seeds (-seed, +1, ...) and report means and standard deviations (3 or more to tell variants from seed noise; each repeat costs as much as the first)")
		quiet       = fs.Bool("quiet", false, "print nothing but errors, warnings and the final table")
		study       = fs.String("study", "", "run a study instead of the paper's experiment: hierarchy (where the hierarchy helps: frequency strata and codes hidden from training; study.md and study.json; -dims defaults to 100)")
		holdout     = fs.Float64("holdout-codes", cfg.HoldoutCodes, "with -study: share of the codes hidden from training (their rows dropped) to score the vectors they receive")
		studyLevels = fs.String("study-levels", cfg.StudyLevels, "with -study: hierarchy levels of CO-levels, composition and retrofitting (as train -levels; must include ccsr)")
		fullRuns    = fs.Bool("study-full-runs", false, "with -study: also train every method on every code (by default only SEP, the reference of the neighbour overlap), for the overlap with the same method where a hidden code was seen; doubles the training")
		methods     = fs.String("methods", "all", "with -study: methods, comma-separated: SEP, CO, CO-levels, compose, compose+CO, retrofit-SEP, retrofit-CO, or all")
	)
	in.minCount = cfg.Read.MinCount
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	rep := newReporter(stderr, *quiet)
	if *out == "" {
		return usagef("-out is required")
	}
	if err := checkMinPatients(*minPatients, rep); err != nil {
		return err
	}
	if in.input != "" {
		if err := in.check(); err != nil {
			return err
		}
		if *ccsr == "" {
			return usagef("-input needs -ccsr, the CCSR map of its codes")
		}
	}
	cfg.Input, cfg.CCSR, cfg.Policy, cfg.Outcomes, cfg.Out = in.input, *ccsr, *policy, *outcomes, *out
	format, err := corpus.ParseFormat(in.inputFormat)
	if err != nil {
		return usagef("-input-format %q: want %s", in.inputFormat, inputFormats)
	}
	cfg.InputFormat = format
	if cfg.Read, err = in.options(ctx, nil); err != nil { // the map becomes the code list in Run
		return err
	}
	cfg.Patients, cfg.MinPatients = *patients, *minPatients
	cfg.Models = nil
	for _, name := range splitList(*models) {
		m, err := trainer.ParseModel(name)
		if err != nil {
			return usagef("-models %q: want sg, cbow or both", *models)
		}
		cfg.Models = append(cfg.Models, m)
	}
	set := setFlags(fs)
	if *study != "" && !set["dims"] {
		*dims = "100"
	}
	if *study == "" {
		if err := refuseFlags(set, []string{"holdout-codes", "study-levels", "methods", "study-full-runs"}, "without -study"); err != nil {
			return err
		}
	} else if err := refuseFlags(set, []string{"med2vec", "med2vec-epochs", "variants"}, "to -study (it trains its own methods)"); err != nil {
		return err
	}
	if cfg.Dims, err = parseInts("-dims", *dims); err != nil {
		return err
	}
	if cfg.Ks, err = parseInts("-k", *ks); err != nil {
		return err
	}
	cfg.Variants = splitList(*variants)
	cfg.Med2Vec, cfg.Med2VecEpochs, cfg.Repeats = *withM2V, *m2vEpochs, *repeats
	cfg.Study, cfg.HoldoutCodes, cfg.StudyLevels, cfg.StudyFullRuns = *study, *holdout, *studyLevels, *fullRuns
	if *study != "" {
		ms, err := reproduce.ParseMethods(*methods)
		if err != nil {
			return usagef("-methods: %v", err)
		}
		cfg.Methods = nil
		for _, m := range ms {
			cfg.Methods = append(cfg.Methods, string(m))
		}
		if _, err := hierarchy.ParseLevels(*studyLevels); err != nil {
			return usagef("-study-levels: %v", err)
		}
	}
	if *policy != "" {
		if _, err := hierarchy.ParsePolicy(*policy); err != nil {
			return usagef("-policy %q: want default-op, default-ip, first or all", *policy)
		}
	}
	if err := trainerConfigError(cfg.Word2Vec.Validate()); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return usagef("%v", err)
	}

	events := func(e reproduce.Event) {
		if e.Message != "" {
			rep.say("%s", e.Message)
			return
		}
		// One ETA: the whole reproduction's.
		rep.report(status{
			Label: fmt.Sprintf("[%d/%d] %s", e.RunIndex, e.Runs, e.Run),
			Done:  e.Done, Total: e.Total, Final: e.Final, ETA: e.ETA,
			Fields: append([]string{fmt.Sprintf("overall %.0f%%", 100*e.Overall)}, e.Fields...),
		})
	}
	if *study != "" {
		sr, err := reproduce.RunStudy(ctx, cfg, events)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "study %s: %d units trained (%d resumed), %d rows; wrote %s and %s in %s\n", *study,
			len(sr.Trained), len(sr.Resumed), len(sr.Rows), filepath.Join(*out, reproduce.StudyMarkdown), filepath.Join(*out, reproduce.StudyJSON), fmtDuration(sr.Elapsed))
		return nil
	}
	res, err := reproduce.Run(ctx, cfg, events)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "trained %d runs (%d resumed), wrote %s in %s\n\n",
		len(res.Trained), len(res.Resumed), *out, fmtDuration(res.Elapsed))
	return reproduce.WriteTable(stdout, res.Repeats...)
}
