package reproduce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/evaluate"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/internal/atomicfile"
	"github.com/hiervec/hiervec/release"
	"github.com/hiervec/hiervec/retrofit"
	"github.com/hiervec/hiervec/trainer"
)

// StudyHierarchy names the hierarchy study (Config.Study): where the
// hierarchy helps, by frequency stratum and for codes hidden from training.
const StudyHierarchy = "hierarchy"

// Files of a study's output folder.
const (
	StudyMarkdown = "study.md"
	StudyJSON     = "study.json"
	// StudyRunsDir holds each finished unit's rows (one model, dimension
	// and seed), so that an interrupted study resumes; aggregate scores
	// only, like study.json.
	StudyRunsDir = "study-runs"
)

// Method is one way of using the hierarchy that the study compares.
type Method string

// The study's methods.
const (
	// MethodSEP: codes only (the paper's SEP code vectors).
	MethodSEP Method = "SEP"
	// MethodCO: each code followed by its CCSR category token (the paper's
	// CO).
	MethodCO Method = "CO"
	// MethodCOLevels: each code followed by its ancestor tokens at the
	// study's levels (hierarchy.CoTrainLevels).
	MethodCOLevels Method = "CO-levels"
	// MethodCompose: a code's input vector is the mean of its own row and
	// its ancestors' rows at the study's levels (trainer.TrainComposed).
	MethodCompose Method = "compose"
	// MethodComposeCO: composition on the co-trained corpus.
	MethodComposeCO Method = "compose+CO"
	// MethodRetrofitSEP and MethodRetrofitCO: SEP's and CO's vectors
	// retrofitted over the study's levels (retrofit.Retrofit).
	MethodRetrofitSEP Method = "retrofit-SEP"
	MethodRetrofitCO  Method = "retrofit-CO"
)

// StudyMethods lists every method in report order.
var StudyMethods = []Method{MethodSEP, MethodCO, MethodCOLevels, MethodCompose, MethodComposeCO, MethodRetrofitSEP, MethodRetrofitCO}

// ParseMethods reads a comma-separated list of methods ("" or "all":
// every one), in StudyMethods' order.
func ParseMethods(s string) ([]Method, error) {
	if strings.TrimSpace(s) == "" || strings.EqualFold(strings.TrimSpace(s), "all") {
		return slices.Clone(StudyMethods), nil
	}
	want := map[Method]bool{}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		i := slices.IndexFunc(StudyMethods, func(m Method) bool { return strings.EqualFold(string(m), f) })
		if i < 0 {
			names := make([]string, len(StudyMethods))
			for k, m := range StudyMethods {
				names[k] = string(m)
			}
			return nil, fmt.Errorf("reproduce: unknown method %q: want all or a list of %s", f, strings.Join(names, ", "))
		}
		want[StudyMethods[i]] = true
	}
	var out []Method
	for _, m := range StudyMethods {
		if want[m] {
			out = append(out, m)
		}
	}
	return out, nil
}

// trainedBy returns the method whose training run m's vectors come from
// (retrofitting reuses SEP's and CO's runs).
func (m Method) trainedBy() Method {
	switch m {
	case MethodRetrofitSEP:
		return MethodSEP
	case MethodRetrofitCO:
		return MethodCO
	}
	return m
}

// Baselines of the unseen codes: a hidden code given its category's row
// (a category token or a composition unit of the method's space) or, in a
// space without category rows, the centroid of its category's seen codes.
const (
	BaselineCategoryRow      = "category-row"
	BaselineCategoryCentroid = "category-centroid"
)

// StudyResult is what a study produced.
type StudyResult struct {
	Rows    []StudyRow
	Hidden  []int // hidden codes per repeat
	Codes   int   // distinct codes of the corpus
	Trained []string
	Resumed []string
	Elapsed time.Duration
}

// RunStudy runs the study cfg.Study names ("hierarchy"): for every model,
// dimension and seed it hides a seeded share cfg.HoldoutCodes of the codes
// (their rows dropped from the corpus), trains each of cfg.Methods on what
// is left and SEP also on every code, then scores the frequency strata on
// the seen codes and the vectors the methods give the hidden codes, and
// writes study.md and study.json into cfg.Out. Nothing but aggregate scores and counts is written: the
// vectors stay in memory.
func RunStudy(ctx context.Context, cfg Config, progress func(Event)) (*StudyResult, error) {
	start := time.Now()
	if progress == nil {
		progress = func(Event) {}
	}
	say := func(format string, a ...any) { progress(Event{Message: fmt.Sprintf(format, a...)}) }
	if cfg.Study != StudyHierarchy {
		return nil, fmt.Errorf("reproduce: unknown study %q (want %s)", cfg.Study, StudyHierarchy)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	methods, err := ParseMethods(strings.Join(cfg.Methods, ","))
	if err != nil {
		return nil, err
	}
	levels, err := hierarchy.ParseLevels(cfg.StudyLevels)
	if err != nil {
		return nil, fmt.Errorf("reproduce: %w", err)
	}
	if !levels.Has(hierarchy.LevelCCSR) {
		return nil, fmt.Errorf("reproduce: study levels %q lack ccsr: the study compares the hierarchy's uses with the paper's CO", cfg.StudyLevels)
	}
	for _, f := range []string{cfg.Input, cfg.CCSR, cfg.Outcomes} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			return nil, fmt.Errorf("reproduce: %w", err)
		}
	}
	runsDir := filepath.Join(cfg.Out, StudyRunsDir)
	if err := os.MkdirAll(runsDir, 0o755); err != nil {
		return nil, fmt.Errorf("reproduce: %w", err)
	}
	if err := checkStudySettings(runsDir, cfg.studySettings(methods)); err != nil {
		return nil, err
	}
	in, err := loadInput(ctx, &cfg, say)
	if err != nil {
		return nil, err
	}
	st, err := newStudy(cfg, in, levels, methods, say)
	if err != nil {
		return nil, err
	}
	res := &StudyResult{Codes: len(st.codes)}
	units := len(cfg.Models) * len(cfg.Dims) * cfg.Repeats
	done := 0
	for r := range cfg.Repeats {
		seed := cfg.Word2Vec.Seed + uint64(r)
		hidden := pickHidden(st.codes, func(c string) bool { _, ok := st.label(c); return ok }, cfg.HoldoutCodes, seed)
		res.Hidden = append(res.Hidden, len(hidden))
		var hold *studyCorpus
		for _, model := range cfg.Models {
			for _, dim := range cfg.Dims {
				u := studyUnit{model: model, dim: dim, repeat: r, seed: seed}
				path := filepath.Join(runsDir, u.id()+".json")
				if rows, err := readUnit(path); err == nil {
					res.Rows = append(res.Rows, rows...)
					res.Resumed = append(res.Resumed, u.id())
					done++
					continue
				} else if !errors.Is(err, os.ErrNotExist) {
					return nil, err
				}
				if hold == nil {
					hold = st.holdout(hidden)
					say("repeat %d: %d of %d codes hidden (seed %d); %d tokens left of %d", r+1, len(hidden), len(st.codes), seed,
						hold.base.Tokens.Len(), st.full.base.Tokens.Len())
				}
				rows, err := st.runUnit(ctx, u, hold, func(e Event) {
					e.Overall = (float64(done) + e.Overall) / float64(units)
					progress(e)
				})
				if err != nil {
					return nil, err
				}
				if err := writeUnit(path, rows); err != nil {
					return nil, err
				}
				res.Rows = append(res.Rows, rows...)
				res.Trained = append(res.Trained, u.id())
				done++
			}
		}
	}
	res.Elapsed = time.Since(start)
	if err := writeStudy(cfg, st, res); err != nil {
		return nil, err
	}
	say("wrote %s and %s (%s in all)", filepath.Join(cfg.Out, StudyMarkdown), filepath.Join(cfg.Out, StudyJSON), res.Elapsed.Round(time.Second))
	return res, nil
}

// studySettings is what decides a study's rows, for the resume check.
func (c Config) studySettings(methods []Method) map[string]any {
	s := c.settings()
	delete(s, "variants")
	delete(s, "med2vec")
	ms := make([]string, len(methods))
	for i, m := range methods {
		ms[i] = string(m)
	}
	s["study"], s["holdout_codes"], s["study_levels"], s["methods"], s["repeats"] = c.Study, c.HoldoutCodes, c.StudyLevels, ms, c.Repeats
	s["ks"] = slices.Clone(c.Ks)
	s["full_runs"] = c.StudyFullRuns
	s["outcomes"] = c.Outcomes
	return s
}

const studySettingsFile = "settings.json"

// checkStudySettings records settings in dir, or checks them against those
// recorded there: a folder holding finished units of another study is
// refused (ErrOtherRun).
func checkStudySettings(dir string, settings map[string]any) error {
	path := filepath.Join(dir, studySettingsFile)
	have, err := os.ReadFile(path)
	if err == nil {
		var got map[string]any
		if json.Unmarshal(have, &got) == nil && sameSettings(got, settings) {
			return nil
		}
		units, _ := filepath.Glob(filepath.Join(dir, "*_r*.json"))
		if len(units) > 0 {
			return fmt.Errorf("%w: %s records other study settings; use another -out folder", ErrOtherRun, path)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("reproduce: %w", err)
	}
	b, err := json.MarshalIndent(settings, "", "  ")
	if err != nil {
		return fmt.Errorf("reproduce: %w", err)
	}
	return atomicfile.WriteFile(path, append(b, '\n'))
}

// studyUnit is one model, dimension and seed of a study.
type studyUnit struct {
	model  trainer.Model
	dim    int
	repeat int
	seed   uint64
}

func (u studyUnit) algo() Algorithm { return AlgorithmOf(u.model) }

// id names the unit's file: "SG_100_r1".
func (u studyUnit) id() string { return fmt.Sprintf("%s_%d_r%d", u.algo(), u.dim, u.repeat+1) }

func readUnit(path string) ([]StudyRow, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rows []StudyRow
	if err := json.Unmarshal(b, &rows); err != nil {
		return nil, fmt.Errorf("reproduce: %s: %w; remove it to run the unit again", path, err)
	}
	return rows, nil
}

func writeUnit(path string, rows []StudyRow) error {
	b, err := json.MarshalIndent(rows, "", " ")
	if err != nil {
		return fmt.Errorf("reproduce: %w", err)
	}
	return atomicfile.WriteFile(path, append(b, '\n'))
}

// study holds what every unit shares.
type study struct {
	cfg      Config
	in       *input
	levels   hierarchy.Levels
	methods  []Method
	anc      *hierarchy.Ancestry
	label    evaluate.Labeler
	labeler  hierarchy.Labeler
	counts   *release.Counts // distinct patients of every code, on all the data
	strata   []evaluate.Stratum
	codes    []string // the corpus's codes
	full     *studyCorpus
	down     *evaluate.Downstream
	outcomes []string
	say      func(string, ...any)
}

func newStudy(cfg Config, in *input, levels hierarchy.Levels, methods []Method, say func(string, ...any)) (*study, error) {
	st := &study{cfg: cfg, in: in, levels: levels, methods: methods, say: say,
		labeler: hierarchy.NewLabeler(in.m, in.policy), strata: evaluate.DefaultStrata(cfg.MinPatients)}
	st.label = st.labeler.Label
	for i, w := range in.base.Vocab.Words {
		if in.base.Vocab.Kinds[i] == corpus.KindCode {
			st.codes = append(st.codes, w)
		}
	}
	sys := prefixSystem(in.m.Codes(), st.codes)
	a, err := hierarchy.NewAncestry(levels, st.labeler, sys)
	if err != nil {
		return nil, fmt.Errorf("reproduce: %w", err)
	}
	st.anc = a
	st.counts = release.Count(in.base)
	st.full = &studyCorpus{st: st, base: in.base}
	if cfg.Outcomes != "" {
		o, err := evaluate.ReadOutcomes(cfg.Outcomes)
		if err != nil {
			return nil, err
		}
		dc := evaluate.DefaultDownstreamConfig()
		dc.Seed = cfg.Word2Vec.Seed
		if st.down, err = evaluate.NewDownstream(in.base, in.report.PatientIDs, o, dc); err != nil {
			return nil, err
		}
		st.outcomes = o.Names
		j := st.down.Join
		say("outcomes %s: %d of %d patient-years matched", strings.Join(o.Names, ", "), j.Matched, j.Sequences)
	}
	return st, nil
}

// prefixSystem returns the code system of the study's ICD-10-CM levels:
// the codes of the map and the corpus, and every proper prefix of them of
// 4 to 6 characters as a header. ICD-10-CM's own headers are exactly such
// prefixes (E11.6 is a header because E11.65 is a code), so the tree is
// the same one CMS's order file gives, for real and synthetic codes alike.
func prefixSystem(lists ...[]string) *hierarchy.CodeSystem {
	var prefixes []string
	seen := map[string]bool{}
	for _, l := range lists {
		for _, c := range l {
			c = corpus.NormalizeCode(c)
			for n := 4; n < len(c) && n <= 6; n++ {
				if p := c[:n]; !seen[p] {
					seen[p] = true
					prefixes = append(prefixes, p)
				}
			}
		}
	}
	return hierarchy.NewCodeSystem("the codes of the map and the corpus, with their prefixes as headers", append(slices.Clone(lists), prefixes)...)
}

// studyCorpus is one corpus of a study (all codes, or the held-out one)
// and its views, built on first use.
type studyCorpus struct {
	st     *study
	base   *corpus.Corpus
	hidden map[string]bool // nil for the full corpus
	co     *corpus.Corpus
	levels *corpus.Corpus
}

// holdout returns the corpus without the hidden codes.
func (st *study) holdout(hidden []string) *studyCorpus {
	drop := make([]bool, st.in.base.Vocab.Len())
	h := make(map[string]bool, len(hidden))
	for _, c := range hidden {
		h[c] = true
		if id, ok := st.in.base.Vocab.ID(c); ok {
			drop[id] = true
		}
	}
	return &studyCorpus{st: st, base: withoutWords(st.in.base, drop), hidden: h}
}

// view returns the corpus a method trains on.
func (sc *studyCorpus) view(m Method) *corpus.Corpus {
	switch m.trainedBy() {
	case MethodCO, MethodComposeCO:
		if sc.co == nil {
			sc.co, _ = hierarchy.CoTrain(sc.base, sc.st.in.m, sc.st.in.policy)
		}
		return sc.co
	case MethodCOLevels:
		if sc.levels == nil {
			sc.levels, _ = hierarchy.CoTrainLevels(sc.base, sc.st.anc)
		}
		return sc.levels
	}
	return sc.base
}

// space is one method's vectors on one corpus: every token's row (codes,
// and the category or ancestor tokens of a co-trained run), and the rows
// that a composition composes from.
type space struct {
	set   *embedding.Set
	comp  *trainer.Composed
	table *hierarchy.Composition
	// seconds is the training's wall time (for a retrofitted method, the
	// run it retrofits plus the retrofitting).
	seconds float64
}

// runUnit trains and scores every method for one unit. Every method
// trains on the held-out corpus: its seen codes give the frequency strata,
// its hidden codes the unseen scores. SEP also trains on every code: the
// run that saw the hidden codes, the hierarchy-free reference of the
// neighbour overlap. With Config.StudyFullRuns every method also trains
// on every code, for the overlap with the same method where the code was
// seen.
func (st *study) runUnit(ctx context.Context, u studyUnit, hold *studyCorpus, progress func(Event)) ([]StudyRow, error) {
	// The runs to train: each method's own (retrofitting reuses SEP's and
	// CO's).
	var runs []Method
	for _, m := range st.methods {
		if t := m.trainedBy(); !slices.Contains(runs, t) {
			runs = append(runs, t)
		}
	}
	type job struct {
		m    Method
		corp *studyCorpus
	}
	var jobs []job
	for _, m := range runs {
		jobs = append(jobs, job{m, hold})
	}
	fullRuns := []Method{MethodSEP}
	if st.cfg.StudyFullRuns {
		fullRuns = runs
		if !slices.Contains(fullRuns, MethodSEP) {
			fullRuns = append([]Method{MethodSEP}, fullRuns...)
		}
	}
	for _, m := range fullRuns {
		jobs = append(jobs, job{m, st.full})
	}
	full := map[Method]*space{}
	held := map[Method]*space{}
	for k, j := range jobs {
		what := "codes hidden"
		if j.corp.hidden == nil {
			what = "all codes"
		}
		label := fmt.Sprintf("%s %s %d r%d (%s)", u.algo(), j.m, u.dim, u.repeat+1, what)
		sp, err := st.train(ctx, u, j.m, j.corp, func(p trainer.Progress, fields []string) {
			frac := 0.0
			if p.TokensTotal > 0 {
				frac = float64(p.TokensDone) / float64(p.TokensTotal)
			}
			progress(Event{Run: label, RunIndex: k + 1, Runs: len(jobs), Done: p.TokensDone, Total: p.TokensTotal, Fields: fields,
				Overall: (float64(k) + frac) / float64(len(jobs)), ETA: p.ETA, Final: p.Done})
		})
		if err != nil {
			return nil, fmt.Errorf("reproduce: %s: %w", label, err)
		}
		if j.corp.hidden == nil {
			full[j.m] = sp
		} else {
			held[j.m] = sp
		}
	}
	for _, m := range st.methods {
		if m != MethodRetrofitSEP && m != MethodRetrofitCO {
			continue
		}
		for _, pair := range []struct {
			spaces map[Method]*space
			corp   *studyCorpus
		}{{held, hold}, {full, st.full}} {
			trained := pair.spaces[m.trainedBy()]
			if trained == nil {
				continue
			}
			sp, err := st.retrofitSpace(trained, pair.corp)
			if err != nil {
				return nil, err
			}
			pair.spaces[m] = sp
		}
	}
	st.say("%s %d r%d: trained; scoring", u.algo(), u.dim, u.repeat+1)
	return st.score(ctx, u, full, held, hold)
}

// train trains one method's run on one corpus and, on the held-out
// corpus, gives the hidden codes their vectors where the method can.
func (st *study) train(ctx context.Context, u studyUnit, m Method, corp *studyCorpus, event func(p trainer.Progress, fields []string)) (*space, error) {
	tc := st.cfg.Word2Vec
	tc.Model, tc.Dim, tc.Seed = u.model, u.dim, u.seed
	if u.model == trainer.CBOW {
		tc.SharedNegatives = false
	}
	c := corp.view(m)
	prog := func(p trainer.Progress) {
		event(p, []string{fmt.Sprintf("epoch %d/%d", p.Epoch, p.Epochs), fmt.Sprintf("loss %.4f", p.Loss),
			fmt.Sprintf("%.0f tok/s", p.TokensPerSec)})
	}
	t0 := time.Now()
	sp := &space{}
	switch m {
	case MethodCompose, MethodComposeCO:
		tc.SharedNegatives = false // the composed path is the per-pair one
		tab := hierarchy.NewComposition(c.Vocab, st.anc)
		comp := &trainer.Composition{Op: trainer.ComposeMean, Units: tab.Units, Kinds: tab.Kinds, Start: tab.Start, Rows: tab.Rows}
		res, err := trainer.TrainComposed(ctx, c, tc, comp, prog)
		if err != nil {
			return nil, err
		}
		sp.set, sp.comp, sp.table = res.Set, res, tab
	default:
		set, err := trainer.Train(ctx, c, tc, prog)
		if err != nil {
			return nil, err
		}
		sp.set = set
	}
	sp.seconds = time.Since(t0).Seconds()
	if corp.hidden != nil {
		sp.set = st.giveHidden(m, sp, corp)
	}
	return sp, nil
}

// giveHidden returns the set of a held-out run with the hidden codes'
// vectors added where the method gives them: a composition composes a
// code from its ancestors' rows alone; a multi-level co-trained run takes
// the mean of its ancestors' token rows. SEP and CO give none (their
// baselines stand for them).
func (st *study) giveHidden(m Method, sp *space, corp *studyCorpus) *embedding.Set {
	dim := sp.set.Dim
	var toks []string
	var vecs []float32
	hidden := slices.Sorted(maps.Keys(corp.hidden))
	switch m {
	case MethodCompose, MethodComposeCO:
		var units []int32
		v := make([]float32, dim)
		for _, c := range hidden {
			units = sp.table.Of(c, units[:0])
			if sp.comp.Compose(v, -1, units) {
				toks = append(toks, c)
				vecs = append(vecs, v...)
			}
		}
	case MethodCOLevels:
		var anc []hierarchy.Ancestor
		for _, c := range hidden {
			anc = st.anc.Of(c, anc[:0])
			v := make([]float64, dim)
			n := 0
			for _, a := range anc {
				if i, ok := sp.set.Lookup(a.Token); ok {
					n++
					for k, x := range sp.set.Vector(i) {
						v[k] += float64(x)
					}
				}
			}
			if n == 0 {
				continue
			}
			toks = append(toks, c)
			for _, x := range v {
				vecs = append(vecs, float32(x/float64(n)))
			}
		}
	default:
		return sp.set
	}
	return appendRows(sp.set, toks, vecs)
}

// appendRows returns s with code rows added (s is not modified).
func appendRows(s *embedding.Set, toks []string, vecs []float32) *embedding.Set {
	if len(toks) == 0 {
		return s
	}
	return &embedding.Set{Name: s.Name, Dim: s.Dim,
		Tokens:  append(slices.Clip(s.Tokens), toks...),
		Kinds:   append(slices.Clip(s.Kinds), make([]corpus.Kind, len(toks))...), // KindCode is zero
		Vectors: append(slices.Clip(s.Vectors), vecs...)}
}

// retrofitSpace retrofits a trained space over the study's levels; on the
// held-out corpus the hidden codes are nodes of the graph and get their
// neighbours' vectors.
func (st *study) retrofitSpace(trained *space, corp *studyCorpus) (*space, error) {
	t0 := time.Now()
	var codes []string
	for i, t := range trained.set.Tokens {
		if trained.set.Kinds[i] == corpus.KindCode {
			codes = append(codes, t)
		}
	}
	var hidden []string
	if corp.hidden != nil {
		hidden = slices.Sorted(maps.Keys(corp.hidden))
	}
	res, err := retrofit.Retrofit([]*embedding.Set{trained.set}, retrofit.NewGraph(st.anc, codes, hidden), retrofit.DefaultConfig())
	if err != nil {
		return nil, err
	}
	return &space{set: res.Sets[0], seconds: trained.seconds + time.Since(t0).Seconds()}, nil
}
