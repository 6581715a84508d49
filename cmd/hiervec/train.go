package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/reproduce"
	"github.com/hiervec/hiervec/trainer"
	"github.com/hiervec/hiervec/trainer/med2vec"
)

func init() {
	register(command{name: "train", summary: "train one embedding (SG, CBOW or Med2Vec) and write it", run: runTrain})
}

// inputFlags are the flags shared by every command that reads a corpus.
type inputFlags struct {
	input, inputFormat           string
	patientCol, dateCol, codeCol string
	codeSystem, codeList         string
	dedupe, skipBad              bool
	minCount                     int
}

func (f *inputFlags) register(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
	IntVar(*int, string, int, string)
}) {
	fs.StringVar(&f.input, "input", "", "EHR extract (CSV/TSV, .gz ok), sequence file or corpus cache")
	fs.StringVar(&f.inputFormat, "input-format", "auto", "input format: auto, extract, sequences or cache")
	fs.StringVar(&f.patientCol, "patient-col", "", "extract column holding the patient id (default: detected)")
	fs.StringVar(&f.dateCol, "date-col", "", "extract column holding the date (default: detected)")
	fs.StringVar(&f.codeCol, "code-col", "", "extract column holding the diagnosis code (default: detected)")
	fs.StringVar(&f.codeSystem, "code-system", "icd10cm", "syntax every code must have: icd10cm, icd9cm or regex:PATTERN (matched against the code in upper case, without its dot)")
	fs.StringVar(&f.codeList, "code-list", "", "file of known codes, one per line (first field); a code column whose codes are mostly absent from it is refused")
	fs.BoolVar(&f.dedupe, "dedupe", false, "keep only the first occurrence of a code within a patient-year")
	fs.BoolVar(&f.skipBad, "skip-bad", false, "skip and count bad rows instead of stopping at the first")
	fs.IntVar(&f.minCount, "min-count", 1, "drop codes seen fewer than this many times")
}

// options returns the read options the flags name, the code list read.
func (f *inputFlags) options(ctx context.Context) (corpus.ReadOptions, error) {
	opt := corpus.DefaultReadOptions()
	opt.PatientCol, opt.DateCol, opt.CodeCol = f.patientCol, f.dateCol, f.codeCol
	opt.Dedupe, opt.SkipBad, opt.MinCount = f.dedupe, f.skipBad, f.minCount
	sys, err := corpus.ParseCodeSystem(f.codeSystem)
	if err != nil {
		return opt, usagef("-code-system: %v", err)
	}
	opt.CodeSystem = sys
	if f.codeList != "" {
		l, err := corpus.ReadCodeListFile(ctx, f.codeList, sys)
		if err != nil {
			return opt, err
		}
		opt.CodeList = l
	}
	return opt, nil
}

// read loads the corpus the flags name and reports what was read.
func (f *inputFlags) read(ctx context.Context, rep *reporter) (*corpus.Corpus, *corpus.ReadReport, error) {
	if f.input == "" {
		return nil, nil, usagef("-input is required")
	}
	format, err := corpus.ParseFormat(f.inputFormat)
	if err != nil {
		return nil, nil, usagef("%v", err)
	}
	opt, err := f.options(ctx)
	if err != nil {
		return nil, nil, err
	}
	start := time.Now()
	c, report, err := corpus.ReadFile(ctx, f.input, format, opt)
	if err != nil {
		return nil, nil, err
	}
	rep.say("read %s: %d sequences, %d tokens, %d distinct tokens (%s)",
		f.input, c.NumSeqs(), c.Tokens.Len(), c.Vocab.Len(), fmtDuration(time.Since(start)))
	if report != nil && report.Rows > 0 {
		rep.say("rows: %d read, %d accepted, %d skipped%s", report.Rows, report.Accepted, report.Skipped, reasons(report.SkippedByReason))
	}
	if report != nil && report.NotInCodeList > 0 {
		rep.say("codes not in the code list: %d distinct, %d rows (accepted)", report.NotInCodeListCodes, report.NotInCodeList)
	}
	return c, report, nil
}

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("train", stderr)
	var in inputFlags
	in.register(fs)
	var (
		ccsrPath      = fs.String("ccsr", "", "CCSR map (DXCCSR CSV, reference sheet CSV, wide or plain code,category CSV)")
		cotrain       = fs.Bool("cotrain", false, "co-train: follow each code by its CCSR category token (the paper's CO)")
		catsOnly      = fs.Bool("categories-only", false, "train on category tokens only: every code replaced by its category (SEP's category run)")
		policyName    = fs.String("policy", "", "codes with several categories: default-op, default-ip, first or all (default: default-op when the file has it, else first)")
		modelName     = fs.String("model", "sg", "model: sg, cbow or med2vec")
		dim           = fs.Int("dim", 0, "vector dimension (default 100; 200 for med2vec)")
		window        = fs.Int("window", 100, "maximum context window (the paper's 100: all codes of a patient-year)")
		negative      = fs.Int("negative", 5, "negative samples per positive")
		sample        = fs.Float64("sample", 1e-3, "subsampling threshold (0 disables)")
		epochs        = fs.Int("epochs", 0, "epochs (default 5 as gensim; 10 for med2vec)")
		alpha         = fs.Float64("alpha", 0, "initial learning rate (default 0.025 for sg, 0.05 for cbow)")
		minAlpha      = fs.Float64("min-alpha", 0.0001, "final learning rate")
		noShrink      = fs.Bool("no-shrink-window", false, "use the full window for every centre instead of b ~ U[1, window]")
		sharedNeg     = fs.Bool("shared-negatives", false, "sg: draw one set of negatives per centre, shared by its window (faster; see the trainer package doc for the quality evidence)")
		plainHogwild  = fs.Bool("plain-hogwild", false, "with 2+ threads, write the shared vectors directly instead of staging the frequent rows per thread (slower; see the trainer package doc)")
		threads       = fs.Int("threads", runtime.NumCPU(), "worker goroutines")
		seed          = fs.Uint64("seed", 1, "random seed (with -threads 1 runs are bit-identical)")
		out           = fs.String("out", "", "output file (directory for -format tsv)")
		formatName    = fs.String("format", "", "released, word2vec, word2vec-binary or tsv (default: from -out's extension)")
		med2vecExport = fs.String("med2vec-export", "relu-bias", "med2vec vectors: relu-bias (ReLU(W_c+b_c), the author's advice), relu or raw")
		quiet         = fs.Bool("quiet", false, "print nothing but errors")
	)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("-out is required")
	}
	if (*cotrain || *catsOnly) && *ccsrPath == "" {
		return usagef("-cotrain and -categories-only need -ccsr")
	}
	if *cotrain && *catsOnly {
		return usagef("-cotrain and -categories-only exclude each other")
	}
	format, err := fileFormat(*formatName, *out)
	if err != nil {
		return err
	}
	rep := newReporter(stderr, *quiet)

	c, _, err := in.read(ctx, rep)
	if err != nil {
		return err
	}
	var m *hierarchy.Map
	if *ccsrPath != "" {
		if m, err = hierarchy.ReadMapFile(*ccsrPath); err != nil {
			return err
		}
	}
	variant := "SEP"
	switch {
	case *cotrain || *catsOnly:
		policy := m.DefaultPolicy()
		if *policyName != "" {
			if policy, err = hierarchy.ParsePolicy(*policyName); err != nil {
				return usagef("%v", err)
			}
		}
		var vr *hierarchy.ViewReport
		if *cotrain {
			variant = "CO"
			c, vr = hierarchy.CoTrain(c, m, policy)
		} else {
			c, vr = hierarchy.CategoryView(c, m, policy)
		}
		rep.say("%s", describeView(*cotrain, policy, vr))
	}

	// The reader's buffers (and, for a hierarchy view, the corpus it was
	// built from) are garbage from here on, and the heap would not reach
	// its next collection before the run ends: return them to the
	// operating system before the trainer allocates. 600,000 patients,
	// dim 100, 2 threads: peak RSS 75.0 MiB instead of 79.5 (a forced
	// collection alone, without returning the pages, saved 1-3 MiB).
	debug.FreeOSMemory()

	var set *embedding.Set
	var algo string
	switch strings.ToLower(*modelName) {
	case "med2vec":
		algo = "Med2Vec"
		cfg := med2vec.DefaultConfig()
		if *dim != 0 {
			cfg.CodeDim, cfg.VisitDim = *dim, *dim
		}
		if *epochs != 0 {
			cfg.Epochs = *epochs
		}
		cfg.Workers, cfg.Seed = *threads, *seed
		if cfg.Export, err = med2vec.ParseExport(*med2vecExport); err != nil {
			return usagef("%v", err)
		}
		set, err = med2vec.Train(ctx, c, cfg, func(p med2vec.Progress) {
			rep.report(status{Label: "Med2Vec", Done: p.VisitsDone, Total: p.VisitsTotal, Final: p.Done,
				Info: fmt.Sprintf("epoch %d/%d  loss %.4f  ETA %s", p.Epoch, p.Epochs, p.Loss, fmtDuration(p.ETA))})
		})
	default:
		model, perr := trainer.ParseModel(*modelName)
		if perr != nil {
			return usagef("%v", perr)
		}
		algo = model.String()
		cfg := trainer.DefaultConfig(model)
		cfg.Window, cfg.Negative, cfg.Subsample, cfg.MinAlpha = *window, *negative, *sample, *minAlpha
		cfg.Workers, cfg.Seed, cfg.ShrinkWindow, cfg.SharedNegatives = *threads, *seed, !*noShrink, *sharedNeg
		cfg.PlainHogwild = *plainHogwild
		if *dim != 0 {
			cfg.Dim = *dim
		}
		if *epochs != 0 {
			cfg.Epochs = *epochs
		}
		if *alpha > 0 {
			cfg.Alpha = *alpha
		}
		label := fmt.Sprintf("%s_%s dim %d", algo, variant, cfg.Dim)
		set, err = trainer.Train(ctx, c, cfg, func(p trainer.Progress) {
			rep.report(status{Label: label, Done: p.TokensDone, Total: p.TokensTotal, Final: p.Done, Info: trainInfo(p)})
		})
	}
	if err != nil {
		return err
	}
	// The corpus, the output matrix and the workers' copies are garbage
	// now: return them before the writers allocate, so that writing adds
	// nothing to the training's peak (600,000 patients, dim 100: 1.4 MB).
	debug.FreeOSMemory()
	sets := nameSets(set, algo, variant, *catsOnly)
	if err := writeSets(*out, format, set, sets, m); err != nil {
		return err
	}
	names := make([]string, len(sets))
	for i, s := range sets {
		names[i] = fmt.Sprintf("%s (%d x %d)", s.Name, s.Len(), s.Dim)
	}
	fmt.Fprintf(stdout, "wrote %s: %s\n", *out, strings.Join(names, ", "))
	return nil
}

// trainInfo formats the figures of one trainer progress report.
func trainInfo(p trainer.Progress) string {
	return fmt.Sprintf("epoch %d/%d  %s tok/s  %s pairs/s  alpha %.5f  loss %.4f  ETA %s",
		p.Epoch, p.Epochs, fmtRate(p.TokensPerSec), fmtRate(p.PairsPerSec), p.Alpha, p.Loss, fmtDuration(p.ETA))
}

// nameSets names a trained set in the released layout, as reproduce names
// its runs' sets.
func nameSets(s *embedding.Set, algo, variant string, catsOnly bool) []*embedding.Set {
	job := reproduce.Job{Algo: reproduce.Algorithm(algo), Dim: s.Dim, View: reproduce.ViewCodes}
	switch {
	case catsOnly:
		job.View = reproduce.ViewCategories
	case variant == "CO":
		job.View = reproduce.ViewCO
	}
	return job.Sets(s)
}

// fileFormat resolves a -format flag, falling back on the extension of
// the file it is about (-out, -embeddings).
func fileFormat(name, path string) (export.Format, error) {
	if name != "" {
		f, err := export.ParseFormat(name)
		if err != nil {
			return 0, usagef("%v", err)
		}
		return f, nil
	}
	f, err := export.FormatFromPath(path)
	if err != nil {
		return 0, usagef("cannot tell the format of %q (%v); give -format", path, err)
	}
	return f, nil
}

// writeSets writes a trained set: in the released layout as its named
// parts (codes, categories), in the one-set formats (word2vec, projector)
// whole, codes and categories together as the training vocabulary had them.
func writeSets(out string, format export.Format, whole *embedding.Set, parts []*embedding.Set, m *hierarchy.Map) error {
	switch format {
	case export.Released:
		return export.WriteReleased(out, parts)
	case export.Projector:
		return export.WriteProjector(out, whole, projectorMeta(m))
	}
	return export.Write(out, format, []*embedding.Set{whole})
}

// projectorMeta returns the metadata function of the projector export:
// each code's category and description from the map, when there is one.
func projectorMeta(m *hierarchy.Map) func(string, corpus.Kind) (string, string) {
	return func(tok string, kind corpus.Kind) (string, string) {
		if m == nil {
			return "", ""
		}
		if kind == corpus.KindCategory {
			return tok, m.CategoryDescription(tok)
		}
		cat, _ := m.Category(tok)
		return cat, m.CodeDescription(tok)
	}
}

// describeView says what building a CO or category view did, naming the
// most frequent codes without a category.
func describeView(co bool, p hierarchy.Policy, vr *hierarchy.ViewReport) string {
	name := "category-only"
	if co {
		name = "co-trained"
	}
	msg := fmt.Sprintf("%s view (policy %s): %d tokens in, %d out; %d code tokens (%d distinct codes) without a category",
		name, p, vr.Tokens, vr.OutTokens, vr.UnmappedTokens, vr.UnmappedCodes)
	if !co && vr.EmptySequencesDropped > 0 {
		msg += fmt.Sprintf("; %d sequences left empty and dropped", vr.EmptySequencesDropped)
	}
	if len(vr.TopUnmapped) > 0 {
		top := make([]string, len(vr.TopUnmapped))
		for i, cc := range vr.TopUnmapped {
			top[i] = fmt.Sprintf("%s (%d)", hierarchy.Dotted(cc.Code), cc.Count)
		}
		msg += "; most frequent: " + strings.Join(top, ", ")
	}
	return msg
}
