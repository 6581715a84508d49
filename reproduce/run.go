package reproduce

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/corpus/synth"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/evaluate"
	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/trainer"
	"github.com/hiervec/hiervec/trainer/med2vec"
)

// Files the run writes in its output folder.
const (
	EmbeddingsFile = "embeddings.json"
	ReportMarkdown = "report.md"
	ReportJSON     = "report.json"
	ChartFile      = "nmi.svg"
	CacheFile      = "corpus.cache"
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
	Info           string
	// Overall is the share of the whole reproduction's training done,
	// weighted by each run's estimated cost; ETA is the time left at the
	// rate so far.
	Overall float64
	ETA     time.Duration
	Final   bool // the run's last report
}

// Result is what a reproduction produced.
type Result struct {
	Sets    []*embedding.Set     // every set written to embeddings.json, in order
	Scores  []*evaluate.SetScore // one per scored code set
	Resumed []string             // runs found finished in Out and not trained again
	Trained []string             // runs trained by this call
	Elapsed time.Duration

	// What was trained on.
	Synthetic bool // the built-in synthetic extract
	Sequences int  // patient-years
	Tokens    int  // code tokens
	Codes     int  // distinct codes
	// Read is the reader's report of the input (rows, patients); nil for
	// a corpus cache.
	Read *corpus.ReadReport
}

// Run reproduces the experiment as cfg says, reporting progress through
// progress (which may be nil).
func Run(ctx context.Context, cfg Config, progress func(Event)) (*Result, error) {
	start := time.Now()
	if progress == nil {
		progress = func(Event) {}
	}
	say := func(format string, a ...any) { progress(Event{Message: fmt.Sprintf(format, a...)}) }
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(cfg.Out, VariantsDir), 0o755); err != nil {
		return nil, fmt.Errorf("reproduce: %w", err)
	}
	resumed, err := checkManifest(cfg.Out, cfg.settings())
	if err != nil {
		return nil, err
	}
	if resumed {
		say("resuming the run in %s", cfg.Out)
	}

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

	t0 := time.Now()
	base, report, err := corpus.ReadFile(cfg.Input, cfg.InputFormat, cfg.Read)
	if err != nil {
		return nil, err
	}
	say("read %s: %d patient-years, %d tokens, %d codes; %d rows skipped (%s)",
		cfg.Input, base.NumSeqs(), base.Tokens.Len(), base.Vocab.Len(), report.Skipped, time.Since(t0).Round(time.Millisecond))
	if err := corpus.WriteCache(filepath.Join(cfg.Out, CacheFile), base); err != nil {
		return nil, err
	}
	m, err := hierarchy.ReadMapFile(cfg.CCSR)
	if err != nil {
		return nil, err
	}
	policy := m.DefaultPolicy()
	if cfg.Policy != "" {
		if policy, err = hierarchy.ParsePolicy(cfg.Policy); err != nil {
			return nil, fmt.Errorf("reproduce: %w", err)
		}
	}

	runs := Plan(cfg.Models, cfg.Dims, cfg.Variants, cfg.Med2Vec, 200)
	views := newViews(base, m, policy, say)
	res := &Result{Synthetic: synthetic, Sequences: base.NumSeqs(), Tokens: base.Tokens.Len(), Codes: base.Vocab.Len(), Read: report}
	sets, err := trainAll(ctx, cfg, runs, views, res, progress)
	if err != nil {
		return nil, err
	}
	res.Sets = sets
	if err := export.WriteReleased(filepath.Join(cfg.Out, EmbeddingsFile), sets); err != nil {
		return nil, err
	}
	say("wrote %s: %d sets", filepath.Join(cfg.Out, EmbeddingsFile), len(sets))

	scores, err := scoreAll(ctx, cfg, sets, m, policy, base, report.PatientIDs, say)
	if err != nil {
		return nil, err
	}
	res.Scores = scores
	if err := writeReports(cfg, res, m, time.Since(start)); err != nil {
		return nil, err
	}
	res.Elapsed = time.Since(start)
	say("wrote %s, %s and %s (%s in all)", ReportMarkdown, ReportJSON, ChartFile, res.Elapsed.Round(time.Second))
	return res, nil
}

// views builds the corpus views on first use and keeps them.
type views struct {
	base   *corpus.Corpus
	m      *hierarchy.Map
	policy hierarchy.Policy
	say    func(string, ...any)
	co     *corpus.Corpus
	cats   *corpus.Corpus
}

func newViews(base *corpus.Corpus, m *hierarchy.Map, p hierarchy.Policy, say func(string, ...any)) *views {
	return &views{base: base, m: m, policy: p, say: say}
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
// in plan order.
func trainAll(ctx context.Context, cfg Config, runs []Job, v *views, res *Result, progress func(Event)) ([]*embedding.Set, error) {
	costs := make([]float64, len(runs))
	total := 0.0
	for i, r := range runs {
		view := r.View
		if r.Algo == AlgoMed2Vec {
			view = ViewCodes
		}
		costs[i] = cost(r, v.get(view), cfg.Window, cfg.Negative)
		total += costs[i]
	}
	var all []*embedding.Set
	doneCost := 0.0
	trainStart := time.Now()
	trainedCost := 0.0 // cost trained by this call, for the ETA's rate
	for i, r := range runs {
		path := filepath.Join(cfg.Out, VariantsDir, r.ID()+".json")
		if sets, err := export.ReadReleased(path); err == nil && sameKeys(sets, r.Keys()) {
			res.Resumed = append(res.Resumed, r.ID())
			all = append(all, sets...)
			doneCost += costs[i]
			continue
		} else if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("reproduce: finished run %s is unreadable (%w); remove it to train it again", path, err)
		}
		event := func(done, tot int64, info string, final bool) {
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
				Info: info, Overall: overall, ETA: eta, Final: final})
		}
		set, err := trainRun(ctx, cfg, r, v, event)
		if err != nil {
			return nil, fmt.Errorf("reproduce: run %s: %w", r.ID(), err)
		}
		sets := r.Sets(set)
		if err := export.WriteReleased(path, sets); err != nil {
			return nil, err
		}
		res.Trained = append(res.Trained, r.ID())
		all = append(all, sets...)
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
func trainRun(ctx context.Context, cfg Config, r Job, v *views, event func(done, total int64, info string, final bool)) (*embedding.Set, error) {
	if r.Algo == AlgoMed2Vec {
		mc := med2vec.DefaultConfig()
		mc.CodeDim, mc.VisitDim = r.Dim, r.Dim
		mc.Epochs, mc.Workers, mc.Seed = cfg.Med2VecEpochs, cfg.Threads, cfg.Seed
		return med2vec.Train(ctx, v.get(ViewCodes), mc, func(p med2vec.Progress) {
			event(p.VisitsDone, p.VisitsTotal, fmt.Sprintf("epoch %d/%d  loss %.4f", p.Epoch, p.Epochs, p.Loss), p.Done)
		})
	}
	model := trainer.SkipGram
	if r.Algo == AlgoCBOW {
		model = trainer.CBOW
	}
	tc := trainer.DefaultConfig(model)
	tc.Dim, tc.Window, tc.Negative, tc.Subsample = r.Dim, cfg.Window, cfg.Negative, cfg.Sample
	tc.Alpha, tc.MinAlpha, tc.Epochs = cfg.Alpha, cfg.MinAlpha, cfg.Epochs
	tc.Workers, tc.Seed, tc.SharedNegatives = cfg.Threads, cfg.Seed, cfg.SharedNegatives
	tc.PlainHogwild = cfg.PlainHogwild
	return trainer.Train(ctx, v.get(r.View), tc, func(p trainer.Progress) {
		event(p.TokensDone, p.TokensTotal, fmt.Sprintf("epoch %d/%d  %.0f tok/s  %.3gM pairs/s  loss %.4f",
			p.Epoch, p.Epochs, p.TokensPerSec, p.PairsPerSec/1e6, p.Loss), p.Done)
	})
}
