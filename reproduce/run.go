package reproduce

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/evaluate"
	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/internal/sysmem"
	"github.com/hiervec/hiervec/release"
	"github.com/hiervec/hiervec/synth"
	"github.com/hiervec/hiervec/trainer"
	"github.com/hiervec/hiervec/trainer/med2vec"
)

// Files the run writes in its output folder.
const (
	EmbeddingsFile = "embeddings.json"
	ReportMarkdown = "report.md"
	ReportJSON     = "report.json"
	ChartFile      = "nmi.svg"
	VariantsDir    = "variants"
	// The synthetic run's inputs.
	SynthExtract  = "extract.csv"
	SynthCCSR     = "ccsr.csv"
	SynthOutcomes = "outcomes.csv"
)

// Event is one progress report of a reproduction. Events come from one
// goroutine at a time, never concurrently.
type Event struct {
	// Message, when set, is a line to show (a stage starting or ending).
	Message string
	// Run, when set, names the training run in progress, "SG_CO_100".
	Run            string
	RunIndex, Runs int   // 1-based index of the run, and the number of runs
	Done, Total    int64 // the run's own progress (tokens or visits)
	// Fields are the run's figures (epoch, loss, rate), most important
	// first.
	Fields []string
	// Overall is the share of the whole reproduction's training done,
	// weighted by each run's estimated cost; ETA is the time left at the
	// rate so far.
	Overall float64
	ETA     time.Duration
	Final   bool // the run's last report
}

// Result is what a reproduction produced.
type Result struct {
	Sets   []*embedding.Set     // every set written to embeddings.json, in order
	Scores []*evaluate.SetScore // one per scored set, of the first seed
	// Repeats holds the scores of every seed, Repeats[0] == Scores.
	Repeats [][]*evaluate.SetScore
	Resumed []string // runs found finished in Out and not trained again
	Trained []string // runs trained by this call
	Elapsed time.Duration

	// What was trained on.
	Synthetic bool // the built-in synthetic extract
	Sequences int  // patient-years
	Tokens    int  // code tokens
	Codes     int  // distinct codes
	// Read is the reader's report of the input (rows, patients); nil for
	// a corpus cache.
	Read *corpus.ReadReport

	// Suppression is what the small-cell rule kept out of every output.
	Suppression release.Report
}

// Run reproduces the experiment as cfg says, reporting progress through
// progress (which may be nil). Every setting is checked, the input and the
// map are read, before anything is written into cfg.Out but the synthetic
// extract; run.json is written once the input has been read.
func Run(ctx context.Context, cfg Config, progress func(Event)) (*Result, error) {
	start := time.Now()
	if progress == nil {
		progress = func(Event) {}
	}
	say := func(format string, a ...any) { progress(Event{Message: fmt.Sprintf(format, a...)}) }
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Policy != "" {
		if _, err := hierarchy.ParsePolicy(cfg.Policy); err != nil {
			return nil, fmt.Errorf("reproduce: %w", err)
		}
	}
	for _, f := range []string{cfg.Input, cfg.CCSR, cfg.Outcomes} {
		if f == "" || corpus.IsDatabaseURL(f) {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			return nil, fmt.Errorf("reproduce: %w", err)
		}
	}
	rm, resumed, notes, err := openManifest(cfg.Out, cfg.settings())
	if err != nil {
		return nil, err
	}
	for _, n := range notes {
		say("%s", n)
	}
	if err := os.MkdirAll(filepath.Join(cfg.Out, VariantsDir), 0o755); err != nil {
		return nil, fmt.Errorf("reproduce: %w", err)
	}
	if resumed {
		say("resuming the run in %s", cfg.Out)
	}

	in, err := loadInput(ctx, &cfg, say)
	if err != nil {
		return nil, err
	}
	synthetic, m, base, report, p := in.synthetic, in.m, in.base, in.report, in.policy
	if err := rm.save(); err != nil {
		return nil, err
	}

	runs := PlanRepeats(cfg.Models, cfg.Dims, cfg.Variants, cfg.Med2Vec, 200, cfg.Repeats)
	views := newViews(base, m, p, say)
	if err := checkMemory(cfg, runs, views); err != nil {
		return nil, err
	}
	res := &Result{Synthetic: synthetic, Sequences: base.NumSeqs(), Tokens: base.Tokens.Len(), Codes: base.Vocab.Len(), Read: report}
	bySeed, err := trainAll(ctx, cfg, runs, views, rm, res, progress)
	if err != nil {
		return nil, err
	}
	sets := bySeed[0]
	res.Sets = sets
	res.Suppression = views.suppression(cfg.MinPatients)
	say("%s", res.Suppression)
	if err := export.WriteReleased(filepath.Join(cfg.Out, EmbeddingsFile), sets); err != nil {
		return nil, err
	}
	say("wrote %s: %d sets", filepath.Join(cfg.Out, EmbeddingsFile), len(sets))

	for rep, sets := range bySeed {
		if len(bySeed) > 1 {
			say("scoring seed %d of %d", rep+1, len(bySeed))
		}
		scores, err := scoreAll(ctx, cfg, rep, sets, m, p, base, report.PatientIDs, say)
		if err != nil {
			return nil, err
		}
		res.Repeats = append(res.Repeats, scores)
	}
	res.Scores = res.Repeats[0]
	if err := writeReports(cfg, res, m, time.Since(start)); err != nil {
		return nil, err
	}
	res.Elapsed = time.Since(start)
	say("wrote %s, %s, %s and the charts (%s in all)", ReportMarkdown, ReportHTML, ReportJSON, res.Elapsed.Round(time.Second))
	return res, nil
}

// input is what a run reads before training: the corpus, the map and its
// policy.
type input struct {
	synthetic bool
	m         *hierarchy.Map
	policy    hierarchy.Policy
	base      *corpus.Corpus
	report    *corpus.ReadReport
}

// loadInput writes the synthetic extract into cfg.Out when cfg has no
// Input (pointing cfg's Input, CCSR and Outcomes at its files), then reads
// the map and the corpus and resolves the policy.
func loadInput(ctx context.Context, cfg *Config, say func(string, ...any)) (*input, error) {
	synthetic := cfg.Input == ""
	if synthetic {
		cfg.Input = filepath.Join(cfg.Out, SynthExtract)
		cfg.CCSR = filepath.Join(cfg.Out, SynthCCSR)
		cfg.InputFormat = corpus.FormatExtract
		if cfg.Outcomes == "" {
			cfg.Outcomes = filepath.Join(cfg.Out, SynthOutcomes)
		}
		sc := synth.DefaultConfig()
		sc.Patients, sc.Seed = cfg.Patients, cfg.SynthSeed
		t0 := time.Now()
		sum, err := synth.WriteFilesContext(ctx, sc, cfg.Input, cfg.CCSR, filepath.Join(cfg.Out, SynthOutcomes))
		if err != nil {
			return nil, err
		}
		say("synthetic extract: %d patients, %d patient-years, %d rows, %d codes in %d categories (%s)",
			sum.Patients, sum.PatientYears, sum.Rows, sum.Codes, sum.Categories, time.Since(t0).Round(time.Millisecond))
	}

	m, err := hierarchy.ReadMapFile(cfg.CCSR)
	if err != nil {
		return nil, err
	}
	if cfg.Read.CodeList == nil {
		cfg.Read.CodeList = m // a code column the map mostly does not know is refused
	}
	t0 := time.Now()
	base, report, err := corpus.ReadFile(ctx, cfg.Input, cfg.InputFormat, cfg.Read)
	if err != nil {
		return nil, err
	}
	say("read %s: %d patient-years, %d tokens, %d codes; %d rows skipped (%s)",
		corpus.InputName(cfg.Input), base.NumSeqs(), base.Tokens.Len(), base.Vocab.Len(), report.Skipped, time.Since(t0).Round(time.Millisecond))
	p, err := hierarchy.ResolvePolicy(cfg.Policy, m)
	if err != nil {
		return nil, fmt.Errorf("reproduce: %w", err)
	}
	return &input{synthetic: synthetic, m: m, policy: p, base: base, report: report}, nil
}

// checkMemory refuses a plan whose largest Word2Vec run would not fit in
// the memory the machine has available, before any run starts.
func checkMemory(cfg Config, runs []Job, v *views) error {
	avail, ok := sysmem.Available()
	if !ok {
		return nil
	}
	for _, r := range runs {
		if r.Algo == AlgoMed2Vec {
			continue
		}
		tc := cfg.Word2Vec
		tc.Dim = r.Dim
		mem := trainer.EstimateMemory(v.get(r.View).Vocab.Counts, tc)
		if need := mem.Model + mem.Staging; uint64(need) > avail {
			return fmt.Errorf("reproduce: run %s needs about %d MiB for its vectors but this machine has %d MiB available; lower -dims or -threads",
				r.ID(), need>>20, avail>>20)
		}
	}
	return nil
}

// views builds the corpus views on first use and keeps them.
type views struct {
	base   *corpus.Corpus
	m      *hierarchy.Map
	policy hierarchy.Policy
	say    func(string, ...any)
	co     *corpus.Corpus
	cats   *corpus.Corpus
	counts map[View]*release.Counts
}

func newViews(base *corpus.Corpus, m *hierarchy.Map, p hierarchy.Policy, say func(string, ...any)) *views {
	return &views{base: base, m: m, policy: p, say: say, counts: map[View]*release.Counts{}}
}

// patientCounts returns the distinct-patient counts of view's tokens.
func (v *views) patientCounts(view View) *release.Counts {
	if c, ok := v.counts[view]; ok {
		return c
	}
	c := release.Count(v.get(view))
	v.counts[view] = c
	return c
}

// suppression summarises what the small-cell rule removes: the codes (the
// same in every view) and the categories, without naming any.
func (v *views) suppression(minPatients int) release.Report {
	codes := v.patientCounts(ViewCodes)
	rep := release.Report{MinPatients: minPatients, Exact: codes.Exact}
	for id, w := range v.base.Vocab.Words {
		n := v.base.Vocab.Counts[id]
		rep.Codes++
		rep.CodeOccurrences += n
		if codes.Patients(w) < int64(minPatients) {
			rep.SuppressedCodes++
			rep.SuppressedCodeOccurrences += n
		}
	}
	cats := v.patientCounts(ViewCategories)
	cv := v.get(ViewCategories)
	for _, w := range cv.Vocab.Words {
		rep.Categories++
		if cats.Patients(w) < int64(minPatients) {
			rep.SuppressedCategories++
		}
	}
	return rep
}

func (v *views) get(view View) *corpus.Corpus {
	switch view {
	case ViewCO:
		if v.co == nil {
			var vr *hierarchy.ViewReport
			v.co, vr = hierarchy.CoTrain(v.base, v.m, v.policy)
			v.say("co-trained view (policy %s): %d tokens; %d code tokens (%d distinct codes) have no category",
				v.policy, vr.OutTokens, vr.UnmappedTokens, vr.UnmappedCodes)
		}
		return v.co
	case ViewCategories:
		if v.cats == nil {
			var vr *hierarchy.ViewReport
			v.cats, vr = hierarchy.CategoryView(v.base, v.m, v.policy)
			v.say("category view (policy %s): %d tokens; %d code tokens (%d distinct codes) dropped without a category, %d patient-years left empty",
				v.policy, vr.OutTokens, vr.UnmappedTokens, vr.UnmappedCodes, vr.EmptySequencesDropped)
		}
		return v.cats
	}
	return v.base
}

// trainAll trains the runs not yet finished in cfg.Out, writing each one's
// sets to the variants folder as soon as it is done, and returns every set
// in plan order, by repeat.
func trainAll(ctx context.Context, cfg Config, runs []Job, v *views, rm *runManifest, res *Result, progress func(Event)) ([][]*embedding.Set, error) {
	costs := make([]float64, len(runs))
	total := 0.0
	for i, r := range runs {
		view := r.View
		if r.Algo == AlgoMed2Vec {
			view = ViewCodes
		}
		costs[i] = cost(r, v.get(view), cfg.Word2Vec.Window, cfg.Word2Vec.Negative)
		total += costs[i]
	}
	var all [][]*embedding.Set
	add := func(r Job, sets []*embedding.Set) {
		for len(all) <= r.Repeat {
			all = append(all, nil)
		}
		all[r.Repeat] = append(all[r.Repeat], sets...)
	}
	doneCost := 0.0
	trainStart := time.Now()
	trainedCost := 0.0 // cost trained by this call, for the ETA's rate
	for i, r := range runs {
		rel := filepath.Join(VariantsDir, r.ID()+".json")
		path := filepath.Join(cfg.Out, rel)
		ok, why := rm.proven(r.ID())
		if ok {
			sets, err := export.ReadReleased(path)
			if err != nil || !sameKeys(sets, r.Keys()) {
				return nil, fmt.Errorf("reproduce: finished run %s matches its checksum but does not hold %v (%v); remove the folder's run.json to train again", path, r.Keys(), err)
			}
			res.Resumed = append(res.Resumed, r.ID())
			add(r, sets)
			doneCost += costs[i]
			continue
		}
		if why != "" {
			progress(Event{Message: why})
		}
		event := func(done, tot int64, fields []string, final bool) {
			frac := 0.0
			if tot > 0 {
				frac = float64(done) / float64(tot)
			}
			cur := costs[i] * frac
			overall := (doneCost + cur) / total
			var eta time.Duration
			if spent := time.Since(trainStart); trainedCost+cur > 0 {
				rate := (trainedCost + cur) / spent.Seconds()
				eta = time.Duration((total - doneCost - cur) / rate * float64(time.Second))
			}
			progress(Event{Run: r.ID(), RunIndex: i + 1, Runs: len(runs), Done: done, Total: tot,
				Fields: fields, Overall: overall, ETA: eta, Final: final})
		}
		set, err := trainRun(ctx, cfg, r, v, event)
		if err != nil {
			return nil, fmt.Errorf("reproduce: run %s: %w", r.ID(), err)
		}
		view := r.View
		if r.Algo == AlgoMed2Vec {
			view = ViewCodes
		}
		set, _ = release.Apply(set, v.patientCounts(view), cfg.MinPatients)
		sets := r.Sets(set)
		if err := export.WriteReleased(path, sets); err != nil {
			return nil, err
		}
		if err := rm.record(r.ID(), rel); err != nil {
			return nil, err
		}
		res.Trained = append(res.Trained, r.ID())
		add(r, sets)
		doneCost += costs[i]
		trainedCost += costs[i]
	}
	return all, nil
}

func sameKeys(sets []*embedding.Set, keys []string) bool {
	if len(sets) != len(keys) {
		return false
	}
	for i, s := range sets {
		if s.Name != keys[i] {
			return false
		}
	}
	return true
}

// trainRun trains one run on its view.
func trainRun(ctx context.Context, cfg Config, r Job, v *views, event func(done, total int64, fields []string, final bool)) (*embedding.Set, error) {
	if r.Algo == AlgoMed2Vec {
		mc := med2vec.DefaultConfig()
		mc.CodeDim, mc.VisitDim = r.Dim, r.Dim
		mc.Epochs, mc.Workers, mc.Seed = cfg.Med2VecEpochs, cfg.Word2Vec.Workers, cfg.Word2Vec.Seed+uint64(r.Repeat)
		return med2vec.Train(ctx, v.get(ViewCodes), mc, func(p med2vec.Progress) {
			event(p.VisitsDone, p.VisitsTotal, []string{fmt.Sprintf("epoch %d/%d", p.Epoch, p.Epochs), fmt.Sprintf("loss %.4f", p.Loss)}, p.Done)
		})
	}
	tc := cfg.Word2Vec
	tc.Model, tc.Dim, tc.Seed = trainer.SkipGram, r.Dim, cfg.Word2Vec.Seed+uint64(r.Repeat)
	if r.Algo == AlgoCBOW {
		tc.Model, tc.SharedNegatives = trainer.CBOW, false
	}
	return trainer.Train(ctx, v.get(r.View), tc, func(p trainer.Progress) {
		event(p.TokensDone, p.TokensTotal, []string{fmt.Sprintf("epoch %d/%d", p.Epoch, p.Epochs), fmt.Sprintf("loss %.4f", p.Loss),
			fmt.Sprintf("%.0f tok/s", p.TokensPerSec), fmt.Sprintf("%.3gM pairs/s", p.PairsPerSec/1e6)}, p.Done)
	})
}
