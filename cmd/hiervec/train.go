package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/internal/atomicfile"
	"github.com/hiervec/hiervec/release"
	"github.com/hiervec/hiervec/reproduce"
	"github.com/hiervec/hiervec/retrofit"
	"github.com/hiervec/hiervec/trainer"
	"github.com/hiervec/hiervec/trainer/med2vec"
)

func init() {
	register(command{name: "train", summary: "train one embedding (SG, CBOW or Med2Vec) and write it", run: runTrain})
}

// inputFormats lists the values of -input-format, for messages.
const inputFormats = "auto, extract, parquet, sequences, cache or database"

// inputFlags are the flags shared by every command that reads a corpus.
type inputFlags struct {
	input, inputFormat           string
	patientCol, dateCol, codeCol string
	codeSystem, codeList         string
	omopSchema, vocabSchema      string
	query                        string
	dedupe, skipBad              bool
	minCount                     int
}

func (f *inputFlags) register(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
	IntVar(*int, string, int, string)
}) {
	fs.StringVar(&f.input, "input", "", "EHR extract (CSV/TSV, .gz ok; Parquet), sequence file, corpus cache, or a PostgreSQL database: postgres://USER@HOST:PORT/DB (password from PGPASSWORD or ~/.pgpass)")
	fs.StringVar(&f.inputFormat, "input-format", "auto", "input format: "+inputFormats)
	fs.StringVar(&f.patientCol, "patient-col", "", "extract column holding the patient id (default: detected)")
	fs.StringVar(&f.dateCol, "date-col", "", "extract column holding the date (default: detected)")
	fs.StringVar(&f.codeCol, "code-col", "", "extract column holding the diagnosis code (default: detected)")
	fs.StringVar(&f.codeSystem, "code-system", "icd10cm", "syntax every code must have: icd10cm, icd9cm or regex:PATTERN (matched against the code in upper case, without its dot)")
	fs.StringVar(&f.codeList, "code-list", "", "file of known codes, one per line (first field); a code column whose codes are mostly absent from it is refused")
	fs.BoolVar(&f.dedupe, "dedupe", false, "keep only the first occurrence of a code within a patient-year")
	fs.BoolVar(&f.skipBad, "skip-bad", false, "skip and count bad rows instead of stopping at the first")
	fs.IntVar(&f.minCount, "min-count", 1, "drop codes seen fewer than this many times")
	fs.StringVar(&f.omopSchema, "omop-schema", "", "with a database -input: schema of the OMOP CDM tables (default: cdm if the database has it, else the search path)")
	fs.StringVar(&f.vocabSchema, "vocab-schema", "", "with a database -input: schema of the OMOP concept table (default: -omop-schema's)")
	fs.StringVar(&f.query, "query", "", "with a database -input: read this SELECT's rows (patient, date, code: the first three columns) instead of the OMOP tables")
}

// options returns the read options the flags name, the code list read.
// Without -code-list, known is the code list when not nil (the CCSR map the
// command was given).
func (f *inputFlags) options(ctx context.Context, known corpus.CodeSet) (corpus.ReadOptions, error) {
	opt := corpus.DefaultReadOptions()
	opt.PatientCol, opt.DateCol, opt.CodeCol = f.patientCol, f.dateCol, f.codeCol
	opt.Dedupe, opt.SkipBad, opt.MinCount = f.dedupe, f.skipBad, f.minCount
	sys, err := corpus.ParseCodeSystem(f.codeSystem)
	if err != nil {
		return opt, usagef("-code-system: %v", err)
	}
	opt.CodeSystem = sys
	opt.Database = corpus.DatabaseOptions{OMOPSchema: f.omopSchema, VocabSchema: f.vocabSchema, Query: f.query}
	if f.codeList != "" {
		l, err := corpus.ReadCodeListFile(ctx, f.codeList, sys)
		if err != nil {
			return opt, err
		}
		opt.CodeList = l
	} else if known != nil {
		opt.CodeList = known
	}
	return opt, nil
}

// check validates the input flags without reading anything.
func (f *inputFlags) check() error {
	if f.input == "" {
		return usagef("-input is required")
	}
	format, err := corpus.ParseFormat(f.inputFormat)
	if err != nil {
		return usagef("-input-format %q: want %s", f.inputFormat, inputFormats)
	}
	if db := corpus.IsDatabaseURL(f.input); format != corpus.FormatAuto && db != (format == corpus.FormatDatabase) {
		if db {
			return usagef("-input-format %s: -input is a database URL (format database)", format)
		}
		return usagef("-input-format database needs a postgres:// URL as -input")
	}
	if _, err := corpus.ParseCodeSystem(f.codeSystem); err != nil {
		return usagef("-code-system: %v", err)
	}
	if f.minCount < 1 {
		return usagef("-min-count %d: want 1 or more (1 keeps every code)", f.minCount)
	}
	if !corpus.IsDatabaseURL(f.input) {
		for _, d := range []struct{ name, value string }{{"omop-schema", f.omopSchema}, {"vocab-schema", f.vocabSchema}, {"query", f.query}} {
			if d.value != "" {
				return usagef("-%s applies to a database -input (postgres://...) only", d.name)
			}
		}
	} else {
		if strings.TrimSpace(f.query) != "" && (f.omopSchema != "" || f.vocabSchema != "") {
			return usagef("-query names its own tables: -omop-schema and -vocab-schema do not apply to it")
		}
		for _, c := range []struct{ name, value string }{{"patient-col", f.patientCol}, {"date-col", f.dateCol}, {"code-col", f.codeCol}} {
			if c.value != "" {
				return usagef("-%s does not apply to a database -input: the OMOP tables' columns are fixed, and -query's are its first three", c.name)
			}
		}
	}
	return nil
}

// read loads the corpus the flags name and reports what was read. known,
// when not nil, is the code list to check the codes against unless
// -code-list names one.
func (f *inputFlags) read(ctx context.Context, rep *reporter, known corpus.CodeSet) (*corpus.Corpus, *corpus.ReadReport, error) {
	if f.input == "" {
		return nil, nil, usagef("-input is required")
	}
	format, err := corpus.ParseFormat(f.inputFormat)
	if err != nil {
		return nil, nil, usagef("%v", err)
	}
	opt, err := f.options(ctx, known)
	if err != nil {
		return nil, nil, err
	}
	start := time.Now()
	c, report, err := corpus.ReadFile(ctx, f.input, format, opt)
	if err != nil {
		return nil, nil, err
	}
	rep.say("read %s: %d sequences, %d tokens, %d distinct tokens (%s)",
		corpus.InputName(f.input), c.NumSeqs(), c.Tokens.Len(), c.Vocab.Len(), fmtDuration(time.Since(start)))
	if report != nil && report.Rows > 0 {
		rep.say("rows: %d read, %d accepted, %d skipped%s", report.Rows, report.Accepted, report.Skipped, reasons(report.SkippedByReason))
	}
	if report != nil {
		for _, s := range report.Sources {
			rep.say("%s", describeSource(s))
		}
	}
	if report != nil && report.NotInCodeList > 0 {
		rep.say("codes not in the code list: %d distinct, %d rows (accepted)", report.NotInCodeListCodes, report.NotInCodeList)
	}
	return c, report, nil
}

// describeSource renders one source of a database read on a line.
func describeSource(s corpus.SourceReport) string {
	if s.Absent {
		return fmt.Sprintf("  %s: absent, not read", s.Name)
	}
	line := fmt.Sprintf("  %s: %d rows, %d accepted", s.Name, s.Rows, s.Accepted)
	if s.FromSourceValue > 0 {
		line += fmt.Sprintf(" (%d through the source value)", s.FromSourceValue)
	}
	line += fmt.Sprintf(", %d skipped%s", s.Skipped, reasons(s.SkippedByReason))
	if len(s.SkippedVocabularies) > 0 {
		line += "; vocabularies skipped:" + reasons(s.SkippedVocabularies)
	}
	return line
}

// trainFlags are train's flags besides the input's and the trainer's.
type trainFlags struct {
	in                                          inputFlags
	model, ccsr, policy, out, format, m2vExport string
	levels, icdOrder                            string
	compose, composeOp, sources                 string
	cotrain, catsOnly, quiet                    bool
	dotless                                     *bool
	minPatients                                 *int
	cov                                         coverageFlags
}

// newTrainFlagSet registers train's flags, those of cfg's fields with
// cfg's values as their defaults.
func newTrainFlagSet(stderr io.Writer, cfg *trainer.Config, f *trainFlags) *flag.FlagSet {
	fs := newFlagSet("train", stderr)
	f.in.register(fs)
	fs.StringVar(&f.model, "model", "sg", "model: sg, cbow or med2vec (its defaults: sg -alpha 0.025; cbow -alpha 0.05; med2vec -dim 200 -epochs 10)")
	registerTrainerFlags(fs, cfg, true)
	fs.StringVar(&f.ccsr, "ccsr", "", "CCSR map (DXCCSR CSV, reference sheet CSV, wide or plain code,category CSV)")
	fs.BoolVar(&f.cotrain, "cotrain", false, "co-train: follow each code by its CCSR category token (the paper's CO)")
	fs.BoolVar(&f.catsOnly, "categories-only", false, "train on category tokens only: every code replaced by its category (SEP's category run)")
	fs.StringVar(&f.policy, "policy", "", "codes with several categories: default-op, default-ip, first or all (default: default-op when the file has it, else first)")
	fs.StringVar(&f.levels, "levels", "", "co-train with ancestor tokens after each code, comma-separated: ccsr (the paper's CO, as -cotrain), body, icd3, icd4, icd5, icd6 (icd: all four), chapter (default: off)")
	fs.StringVar(&f.icdOrder, "icd-order", "", "ICD-10-CM order file (icd10cm_order_YYYY.txt, .gz ok) whose headers are the icd4..icd6 nodes (default: the codes of the map and the corpus)")
	fs.StringVar(&f.compose, "compose", "", "ancestor composition: each code's input vector is the mean (or sum) of its own row and its ancestors' rows at these levels, comma-separated as -levels (default: off)")
	fs.StringVar(&f.composeOp, "compose-op", "mean", "-compose: mean or sum")
	fs.StringVar(&f.sources, "sources", "", "-compose: also write a CSV token,kind,set,source saying which rows are trained and which (listed by -coverage under the small-cell threshold, or never seen) come from their ancestors' rows alone (composed)")
	f.minPatients = minPatientsFlag(fs)
	f.cov.register(fs, true)
	f.dotless = spellingFlag(fs)
	fs.StringVar(&f.out, "out", "", "output file (directory for -format tsv)")
	fs.StringVar(&f.format, "format", "", "released, word2vec, word2vec-binary or tsv (default: from -out's extension)")
	fs.StringVar(&f.m2vExport, "med2vec-export", "relu-bias", "med2vec vectors: relu-bias (ReLU(W_c+b_c), the author's advice), relu or raw")
	fs.BoolVar(&f.quiet, "quiet", false, "print nothing but errors and warnings")
	return fs
}

// trainDefaults is train's setting before flags: gensim's defaults for
// model (trainer.DefaultConfig) with the paper's window of 100, so that a
// patient-year is one context.
func trainDefaults(m trainer.Model) trainer.Config {
	c := trainer.DefaultConfig(m)
	c.Window = trainer.PaperWindow
	return c
}

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	p, err := planTrain(args, stderr)
	if err != nil {
		return err
	}
	rep := newReporter(stderr, p.f.quiet)
	in, err := p.corpus(ctx, rep)
	if err != nil {
		return err
	}
	// The reader's buffers (and, for a hierarchy view, the corpus it was
	// built from) are garbage from here on, and the heap would not reach
	// its next collection before the run ends: return them to the
	// operating system before the trainer allocates.
	debug.FreeOSMemory()
	trained, res, err := p.train(ctx, in, rep)
	if err != nil {
		return err
	}
	in.c = nil
	// The corpus, the output matrix and the workers' copies are garbage
	// now: return them before the writers allocate, so that writing adds
	// nothing to the training's peak.
	debug.FreeOSMemory()
	return p.write(stdout, rep, in, trained, res)
}

// trainPlan is a train command whose flags were all checked, before any
// work.
type trainPlan struct {
	f         trainFlags
	cfg       trainer.Config
	m2v       med2vec.Config
	model     trainer.Model
	isMed2Vec bool
	set       map[string]bool
	levels    hierarchy.Levels // -levels
	// composeLevels and composeOp are -compose and -compose-op.
	composeLevels hierarchy.Levels
	composeOp     trainer.ComposeOp
	format        export.Format
	sp            export.Spelling
}

// trainInput is what train reads and builds before training: the corpus
// (a hierarchy view where asked), the map, and the counts of patients by
// token that the release rule reads.
type trainInput struct {
	c       *corpus.Corpus
	m       *hierarchy.Map
	policy  hierarchy.Policy
	variant string // SEP or CO
	counts  *release.Counts
	tab     *hierarchy.Composition // with -compose
	comp    *trainer.Composition
}

// planTrain parses and checks every flag of train. The defaults of -dim,
// -epochs and -alpha depend on -model: it parses once to learn it, then
// again with every flag registered with that model's defaults.
func planTrain(args []string, stderr io.Writer) (*trainPlan, error) {
	p := &trainPlan{cfg: trainDefaults(trainer.SkipGram), m2v: med2vec.DefaultConfig(), model: trainer.SkipGram}
	f, cfg := &p.f, &p.cfg
	fs := newTrainFlagSet(stderr, cfg, f)
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	p.isMed2Vec = strings.EqualFold(strings.TrimSpace(f.model), "med2vec")
	if !p.isMed2Vec {
		var err error
		if p.model, err = trainer.ParseModel(f.model); err != nil {
			return nil, usagef("-model %q: want sg, cbow or med2vec", f.model)
		}
	}
	if p.model != trainer.SkipGram || p.isMed2Vec {
		*cfg = trainDefaults(p.model)
		if p.isMed2Vec {
			cfg.Dim, cfg.Epochs = p.m2v.CodeDim, p.m2v.Epochs
		}
		*f = trainFlags{}
		fs = newTrainFlagSet(io.Discard, cfg, f)
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
	}
	p.set = setFlags(fs)
	if err := p.checkViews(); err != nil {
		return nil, err
	}
	var err error
	if p.composeLevels, p.composeOp, err = composeFlags(f, p.set, cfg.SharedNegatives); err != nil {
		return nil, err
	}
	if p.format, err = fileFormat(f.format, f.out); err != nil {
		return nil, err
	}
	if p.sp, err = spelling(*f.dotless, p.format); err != nil {
		return nil, err
	}
	if err := checkMinPatients(*f.minPatients, newReporter(stderr, f.quiet)); err != nil {
		return nil, err
	}
	if err := f.cov.check(f.ccsr != ""); err != nil {
		return nil, err
	}
	if f.cov.list != "" && f.catsOnly {
		return nil, usagef("-coverage and -categories-only exclude each other: a category-only run has no code vectors")
	}
	if err := p.checkModel(); err != nil {
		return nil, err
	}
	if err := f.in.check(); err != nil {
		return nil, err
	}
	if err := probeOutput(f.out, p.format); err != nil {
		return nil, err
	}
	if f.cov.list != "" {
		if err := atomicfile.Probe(f.cov.tablePath(f.out, p.format)); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// algo names the model in set names and progress lines.
func (p *trainPlan) algo() string {
	if p.isMed2Vec {
		return "Med2Vec"
	}
	return p.model.String()
}

// checkViews checks -out and the flags that choose the corpus view.
func (p *trainPlan) checkViews() error {
	f := &p.f
	if f.out == "" {
		return usagef("-out is required")
	}
	if (f.cotrain || f.catsOnly) && f.ccsr == "" {
		return usagef("-cotrain and -categories-only need -ccsr")
	}
	if f.cotrain && f.catsOnly {
		return usagef("-cotrain and -categories-only exclude each other")
	}
	if f.policy != "" {
		if _, err := hierarchy.ParsePolicy(f.policy); err != nil {
			return usagef("-policy %q: want default-op, default-ip, first or all", f.policy)
		}
	}
	var err error
	if p.levels, err = hierarchy.ParseLevels(f.levels); err != nil {
		return usagef("-levels: %v", err)
	}
	if p.levels != 0 && f.catsOnly {
		return usagef("-levels and -categories-only exclude each other")
	}
	if p.levels.NeedsMap() && f.ccsr == "" {
		return usagef("-levels %s needs -ccsr", p.levels)
	}
	return nil
}

// checkModel checks the model's settings and refuses the flags of the
// other kind of model.
func (p *trainPlan) checkModel() error {
	f, cfg := &p.f, &p.cfg
	if !p.isMed2Vec {
		if err := refuseFlags(p.set, []string{"med2vec-export"}, "to -model "+f.model+" (it is a Med2Vec option)"); err != nil {
			return err
		}
		return trainerConfigError(cfg.Validate())
	}
	if err := refuseFlags(p.set, append(word2vecOnly, "cotrain", "categories-only", "levels", "compose", "compose-op", "sources"), "to -model med2vec (it trains on the codes' visits with its own optimiser)"); err != nil {
		return err
	}
	if cfg.Dim < 1 || cfg.Dim > trainer.MaxDim {
		return usagef("-dim %d: want an integer from 1 to %d", cfg.Dim, trainer.MaxDim)
	}
	m2v := &p.m2v
	m2v.CodeDim, m2v.VisitDim, m2v.Epochs, m2v.Workers, m2v.Seed = cfg.Dim, cfg.Dim, cfg.Epochs, cfg.Workers, cfg.Seed
	var err error
	if m2v.Export, err = med2vec.ParseExport(f.m2vExport); err != nil {
		return usagef("-med2vec-export %q: want relu-bias, relu or raw", f.m2vExport)
	}
	if err := m2v.Validate(); err != nil {
		return usagef("%v", err)
	}
	return nil
}

// corpus reads the map and the input and builds the view to train on,
// and the composition table with -compose.
func (p *trainPlan) corpus(ctx context.Context, rep *reporter) (*trainInput, error) {
	f := &p.f
	in := &trainInput{variant: "SEP"}
	var err error
	if f.ccsr != "" {
		if in.m, err = hierarchy.ReadMapFile(f.ccsr); err != nil {
			return nil, err
		}
	}
	c, _, err := f.in.read(ctx, rep, mapGate(in.m))
	if err != nil {
		return nil, err
	}
	listable := listableCodes(c, *f.minPatients)
	if in.policy, err = hierarchy.ResolvePolicy(f.policy, in.m); err != nil {
		return nil, usagef("%v", err)
	}
	var vr *hierarchy.ViewReport
	switch {
	case p.levels != 0:
		in.variant = "CO"
		if c, vr, err = coTrainLevels(c, in.m, in.policy, p.levels, f.icdOrder); err != nil {
			return nil, err
		}
		rep.say("%s", describeView(true, fmt.Sprintf("levels %s, policy %s", p.levels, in.policy), vr, listable))
	case f.cotrain || f.catsOnly:
		if f.cotrain {
			in.variant = "CO"
			c, vr = hierarchy.CoTrain(c, in.m, in.policy)
		} else {
			c, vr = hierarchy.CategoryView(c, in.m, in.policy)
		}
		rep.say("%s", describeView(f.cotrain, "policy "+in.policy.String(), vr, listable))
	}
	if vr != nil && vr.Tokens > 0 && vr.UnmappedTokens == vr.Tokens {
		return nil, fmt.Errorf("the CCSR map %s gives a category to none of the codes read; check that it is a map of the input's code system", f.ccsr)
	}
	in.c, in.counts = c, release.Count(c)
	if p.composeLevels != 0 {
		if in.tab, in.comp, err = composeTable(c, in.m, in.policy, p.composeLevels, p.composeOp, f.icdOrder); err != nil {
			return nil, err
		}
		rep.say("ancestor composition (%s of levels %s): %d ancestor rows", p.composeOp, p.composeLevels, len(in.tab.Units))
	}
	return in, nil
}

// train trains the model on in's corpus. A composed run also returns its
// rows and the patients behind each of its ancestor rows.
func (p *trainPlan) train(ctx context.Context, in *trainInput, rep *reporter) (*embedding.Set, *composeFill, error) {
	cfg := p.cfg
	if p.isMed2Vec {
		s, err := med2vec.Train(ctx, in.c, p.m2v, func(pr med2vec.Progress) {
			rep.report(status{Label: "Med2Vec", Done: pr.VisitsDone, Total: pr.VisitsTotal, Final: pr.Done, ETA: pr.ETA,
				Fields: []string{fmt.Sprintf("epoch %d/%d", pr.Epoch, pr.Epochs), fmt.Sprintf("loss %.4f", pr.Loss)}})
		})
		return s, nil, err
	}
	algo := p.algo()
	mem := trainer.EstimateMemory(in.c.Vocab.Counts, cfg)
	if in.comp != nil {
		mem.Model += in.comp.Memory(cfg)
	}
	if err := checkMemory(mem.Model+mem.Staging, fmt.Sprintf("training %s at -dim %d with %d threads", algo, cfg.Dim, cfg.Workers)); err != nil {
		return nil, nil, err
	}
	label := fmt.Sprintf("%s_%s dim %d", algo, in.variant, cfg.Dim)
	progress := func(pr trainer.Progress) {
		rep.report(status{Label: label, Done: pr.TokensDone, Total: pr.TokensTotal, Final: pr.Done, ETA: pr.ETA, Fields: trainFields(pr)})
	}
	if in.comp == nil {
		s, err := trainer.Train(ctx, in.c, cfg, progress)
		return s, nil, err
	}
	res, err := trainer.TrainComposed(ctx, in.c, cfg, in.comp, progress)
	if err != nil {
		return nil, nil, err
	}
	return res.Set, &composeFill{res: res, tab: in.tab, unitPatients: in.tab.Patients(in.c)}, nil
}

// write applies the release rule to the trained vectors and writes them,
// with the coverage table and the composed sources where asked.
//
// A code under the small-cell threshold is not written, composed or not:
// without a full code list, even a vector from its ancestors alone would
// tell that the code occurs in the extract. With -coverage every listed
// code gets a vector, and a rare code's is composed (or inferred) exactly
// as a code never seen: the two cannot be told apart.
func (p *trainPlan) write(stdout io.Writer, rep *reporter, in *trainInput, trained *embedding.Set, cf *composeFill) error {
	f := &p.f
	released, srep := release.Apply(trained, in.counts, *f.minPatients)
	rep.say("%s", srep)
	var covRows []release.CoverageRow
	if f.cov.list != "" {
		var err error
		if released, covRows, err = coverTrained(released, in.counts, *f.minPatients, &f.cov, in.m, in.policy, p.levels, f.icdOrder, cf, rep); err != nil {
			return err
		}
	}
	sets := nameSets(released, p.algo(), in.variant, f.catsOnly)
	if err := writeSets(f.out, p.format, released, sets, hierarchy.NewLabeler(in.m, in.policy), p.sp); err != nil {
		return err
	}
	if f.cov.list != "" {
		path := f.cov.tablePath(f.out, p.format)
		if err := release.WriteCoverageTable(path, covRows, *f.minPatients); err != nil {
			return err
		}
		rep.say("wrote the coverage table %s", path)
	}
	if f.sources != "" {
		rare := func(code string) bool { return in.counts.Patients(code) < int64(*f.minPatients) }
		if err := writeComposedSources(f.sources, writtenSets(p.format, released, sets), rare); err != nil {
			return err
		}
	}
	names := make([]string, len(sets))
	for i, s := range sets {
		names[i] = fmt.Sprintf("%s (%d x %d)", s.Name, s.Len(), s.Dim)
	}
	fmt.Fprintf(stdout, "wrote %s: %s\n", f.out, strings.Join(names, ", "))
	return nil
}

// coverTrained gives every code of -coverage a vector (release.Cover):
// the written rows of released keep theirs; any other listed code is
// composed from its ancestors' rows that pass the rule in a composed run
// (cf not nil), or else gets retrofitting's neighbour mean over the
// -coverage-levels graph with the written rows held fixed, so that its
// vector comes from written vectors only.
func coverTrained(released *embedding.Set, counts *release.Counts, minPatients int, cov *coverageFlags, m *hierarchy.Map, policy hierarchy.Policy, levels hierarchy.Levels, icdOrder string, cf *composeFill, rep *reporter) (*embedding.Set, []release.CoverageRow, error) {
	list, err := codeList(cov.list, m)
	if err != nil {
		return nil, nil, err
	}
	var origins []release.Origin
	var fill release.Fill
	if cf != nil {
		origins = make([]release.Origin, released.Len()) // every written row passed the rule
		for i := range released.Tokens {
			origins[i] = release.Origin{Source: release.SourceTrained, OwnRows: true}
		}
		fill = cf.fill(minPatients)
		rep.say("coverage: listed codes without a written vector are composed from their ancestors' rows seen in at least %d patients", minPatients)
	} else {
		a, err := ancestry(m, policy, cov.fillLevels(levels, m != nil), icdOrder, append(codeTokens(released), list...))
		if err != nil {
			return nil, nil, err
		}
		var frep retrofit.Report
		if fill, frep, err = inferFill(released, a, list); err != nil {
			return nil, nil, err
		}
		rep.say("coverage levels %s: graph of %d nodes, %d edges; %d codes reached no written vector", a.Levels(), frep.Nodes, frep.Edges, frep.Unreached)
	}
	out, rows, crep, err := release.Cover(released, origins, list, fill, counts, minPatients)
	if err != nil {
		return nil, nil, err
	}
	rep.say("%s", crep)
	return out, rows, nil
}

// trainFields are the figures of one trainer progress report, most
// important first.
func trainFields(p trainer.Progress) []string {
	return []string{
		fmt.Sprintf("epoch %d/%d", p.Epoch, p.Epochs),
		fmt.Sprintf("loss %.4f", p.Loss),
		fmtRate(p.TokensPerSec) + " tok/s",
		fmtRate(p.PairsPerSec) + " pairs/s",
		fmt.Sprintf("alpha %.5f", p.Alpha),
	}
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
func writeSets(out string, format export.Format, whole *embedding.Set, parts []*embedding.Set, lab hierarchy.Labeler, sp export.Spelling) error {
	switch format {
	case export.Released:
		return export.WriteReleased(out, parts)
	case export.Projector:
		return export.WriteProjector(out, whole, projectorMeta(lab), sp)
	}
	return export.Write(out, format, []*embedding.Set{whole}, sp)
}

// spellingFlag registers -dotless.
func spellingFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("dotless", false, "write codes without their dot (E119) in word2vec and projector files (default: E11.9, as the released layout)")
}

// spelling validates -dotless against the output format.
func spelling(dotless bool, f export.Format) (export.Spelling, error) {
	if !dotless {
		return export.Dotted, nil
	}
	if f == export.Released {
		return 0, usagef("-dotless does not apply to the released layout, which writes codes with their dot")
	}
	return export.Dotless, nil
}

// projectorMeta returns the metadata function of the projector export:
// each code's category under the run's policy and its description, from
// the labeler's map when there is one.
func projectorMeta(lab hierarchy.Labeler) func(string, corpus.Kind) (string, string) {
	return func(tok string, kind corpus.Kind) (string, string) {
		m := lab.Map()
		if m == nil {
			return "", ""
		}
		if kind == corpus.KindCategory {
			return tok, m.CategoryDescription(tok)
		}
		cat, _ := lab.Label(tok)
		return cat, m.CodeDescription(tok)
	}
}

// listableCodes returns whether a code of c may be named in a message: it
// is seen in at least minPatients patients (a rare code's presence is
// itself a small cell).
func listableCodes(c *corpus.Corpus, minPatients int) func(string) bool {
	counts := release.Count(c)
	return func(code string) bool { return counts.Patients(code) >= int64(minPatients) }
}

// describeView says what building a CO or category view did, naming the
// most frequent codes without a category that listable allows.
func describeView(co bool, how string, vr *hierarchy.ViewReport, listable func(string) bool) string {
	name := "category-only"
	if co {
		name = "co-trained"
	}
	msg := fmt.Sprintf("%s view (%s): %d tokens in, %d out; %d code tokens (%d distinct codes) without a category",
		name, how, vr.Tokens, vr.OutTokens, vr.UnmappedTokens, vr.UnmappedCodes)
	if !co && vr.EmptySequencesDropped > 0 {
		msg += fmt.Sprintf("; %d sequences left empty and dropped", vr.EmptySequencesDropped)
	}
	var top []string
	for _, cc := range vr.TopUnmapped {
		if listable(cc.Code) {
			top = append(top, fmt.Sprintf("%s (%d)", hierarchy.Dotted(cc.Code), cc.Count))
		}
	}
	if len(top) > 0 {
		msg += "; most frequent: " + strings.Join(top, ", ")
	}
	return msg
}
