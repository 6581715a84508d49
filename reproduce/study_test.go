package reproduce

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/trainer"
)

// tinyStudy is the hierarchy study shrunk to run in seconds.
func tinyStudy(t *testing.T) Config {
	cfg := DefaultConfig()
	cfg.Study = StudyHierarchy
	cfg.Out = t.TempDir()
	cfg.Patients = 800
	cfg.Dims = []int{8}
	cfg.Word2Vec.Epochs = 1
	cfg.Word2Vec.Window = 10
	cfg.Word2Vec.Workers = 1
	cfg.Ks = []int{10}
	cfg.Repeats = 2
	cfg.HoldoutCodes = 0.2
	return cfg
}

func readStudyJSON(t *testing.T, dir string) ([]StudyRow, []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, StudyJSON))
	if err != nil {
		t.Fatal(err)
	}
	var rows []StudyRow
	if err := json.Unmarshal(b, &rows); err != nil {
		t.Fatal(err)
	}
	return rows, b
}

func TestStudyRowsAndResume(t *testing.T) {
	cfg := tinyStudy(t)
	res, err := RunStudy(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Trained) != 4 || len(res.Resumed) != 0 {
		t.Fatalf("trained %v, resumed %v; want 4 units (2 models x 2 seeds)", res.Trained, res.Resumed)
	}
	rows, raw := readStudyJSON(t, cfg.Out)
	type key struct{ method, baseline, model, stratum string }
	have := map[key]int{}
	for _, r := range rows {
		have[key{r.Method, r.Baseline, r.Model, r.Stratum}]++
		if r.Codes < cfg.MinPatients {
			t.Errorf("row of %d codes reported: %+v", r.Codes, r)
		}
		if r.Dim != 8 || (r.Seed != 1 && r.Seed != 2) {
			t.Errorf("row %+v", r)
		}
		if r.Stratum == "all" && r.Baseline == "" {
			for _, m := range []string{"ami_10", "nmi_10", "p_at_10", "train_seconds", "auc_mortality"} {
				if _, ok := r.Metrics[m]; !ok {
					t.Errorf("%s %s all: no %s", r.Method, r.Model, m)
				}
			}
		}
		if r.Stratum == unseenStratum {
			for _, m := range []string{"ami_10", "p_at_10", "category_top10", "neighbour_overlap_10"} {
				if _, ok := r.Metrics[m]; !ok {
					t.Errorf("%s (%s) %s unseen: no %s", r.Method, r.Baseline, r.Model, m)
				}
			}
		}
	}
	for _, model := range []string{"SG", "CBOW"} {
		for _, m := range StudyMethods {
			if have[key{string(m), "", model, "all"}] != 2 || have[key{string(m), "", model, "<11"}] != 2 {
				t.Errorf("%s %s: %d all rows, %d <11 rows; want one per seed", m, model, have[key{string(m), "", model, "all"}], have[key{string(m), "", model, "<11"}])
			}
			if got, want := have[key{string(m), "", model, unseenStratum}], 2; gives(m) && got != want {
				t.Errorf("%s %s: %d own unseen rows, want %d", m, model, got, want)
			}
			if !gives(m) && have[key{string(m), "", model, unseenStratum}] != 0 {
				t.Errorf("%s gives hidden codes no vector but has unseen rows", m)
			}
			base := BaselineCategoryRow
			if m == MethodSEP || m == MethodRetrofitSEP {
				base = BaselineCategoryCentroid
			}
			if have[key{string(m), base, model, unseenStratum}] != 2 {
				t.Errorf("%s %s: no %s baseline rows", m, model, base)
			}
		}
	}
	// The centroid baseline ranks its category first by construction,
	// for every hidden code it gives a vector (those whose category has a
	// seen code).
	for _, r := range rows {
		if r.Baseline == BaselineCategoryCentroid && r.Stratum == unseenStratum &&
			(r.Metrics["category_top1"] != r.Metrics["with_vector"] || r.Metrics["with_vector"] < 0.5) {
			t.Errorf("centroid baseline %s %s seed %d: category_top1 %v, with a vector %v; want equal", r.Method, r.Model, r.Seed,
				r.Metrics["category_top1"], r.Metrics["with_vector"])
		}
	}
	// Composition gives every hidden code with an ancestor a vector; with
	// ccsr among the levels every hidden code has one.
	for _, r := range rows {
		if r.Method == string(MethodCompose) && r.Baseline == "" && r.Stratum == unseenStratum && r.Codes != res.Hidden[r.Seed-1] {
			t.Errorf("composition scored %d hidden codes of %d", r.Codes, res.Hidden[r.Seed-1])
		}
	}
	md, err := os.ReadFile(filepath.Join(cfg.Out, StudyMarkdown))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## What the hierarchy costs", "### AMI at k = 10, SG, dim 8", "### Unseen codes, CBOW, dim 8", "| compose | own |", "mortality"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("study.md lacks %q", want)
		}
	}
	// No code reaches the outputs.
	m, err := hierarchy.ReadMapFile(filepath.Join(cfg.Out, SynthCCSR))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range m.Codes() {
		for _, text := range []string{string(raw), string(md)} {
			if strings.Contains(text, c) || strings.Contains(text, hierarchy.Dotted(c)) {
				t.Fatalf("code %s in the study's output", c)
			}
		}
	}
	if regexp.MustCompile(`[A-Z][0-9][0-9A-Z]\.[0-9A-Z]`).Match(raw) {
		t.Error("a dotted code-like string in study.json")
	}

	// Again: every unit resumes and the same study.json is written.
	res2, err := RunStudy(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res2.Trained) != 0 || len(res2.Resumed) != 4 {
		t.Fatalf("second run trained %v, resumed %v", res2.Trained, res2.Resumed)
	}
	if _, raw2 := readStudyJSON(t, cfg.Out); string(raw2) != string(raw) {
		t.Error("the resumed study wrote another study.json")
	}
	// Other settings in the same folder are refused.
	cfg.HoldoutCodes = 0.3
	if _, err := RunStudy(context.Background(), cfg, nil); !errors.Is(err, ErrOtherRun) {
		t.Fatalf("other settings: err = %v, want ErrOtherRun", err)
	}
}

func TestStudyConfigErrors(t *testing.T) {
	cfg := tinyStudy(t)
	for _, tc := range []struct {
		set  func(*Config)
		want string
	}{
		{func(c *Config) { c.HoldoutCodes = 0 }, "HoldoutCodes"},
		{func(c *Config) { c.HoldoutCodes = 1 }, "HoldoutCodes"},
		{func(c *Config) { c.Methods = []string{"SEP", "nope"} }, `unknown method "nope"`},
		{func(c *Config) { c.Study = "other" }, `unknown study "other"`},
		{func(c *Config) { c.Models = nil; c.Med2Vec = true }, "the study trains Word2Vec"},
	} {
		c := cfg
		tc.set(&c)
		if _, err := RunStudy(context.Background(), c, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
	c := cfg
	c.StudyLevels = "icd3"
	if _, err := RunStudy(context.Background(), c, nil); err == nil || !strings.Contains(err.Error(), "lack ccsr") {
		t.Errorf("levels without ccsr: %v", err)
	}
}

func TestParseMethods(t *testing.T) {
	all, err := ParseMethods("all")
	if err != nil || !slices.Equal(all, StudyMethods) {
		t.Fatalf("all: %v %v", all, err)
	}
	got, err := ParseMethods("retrofit-co, sep ,COMPOSE")
	if want := []Method{MethodSEP, MethodCompose, MethodRetrofitCO}; err != nil || !slices.Equal(got, want) {
		t.Errorf("got %v %v, want %v", got, err, want)
	}
}

// TestWithoutWords drops a word: its tokens go, a visit and a sequence
// left empty go with their year and patient, the rest stays in order.
func TestWithoutWords(t *testing.T) {
	v := corpus.NewVocab()
	a, b, x := v.Add("A", corpus.KindCode), v.Add("B", corpus.KindCode), v.Add("X", corpus.KindCode)
	// seq 0: visits [A X] [X]; seq 1: [X]; seq 2: [B A]
	c := &corpus.Corpus{Vocab: v, Tokens: corpus.TokensOf(a, x, x, x, b, a),
		Seqs: []int64{0, 3, 4, 6}, Visits: []int64{0, 2, 3, 4, 6}, SeqVisits: []int64{0, 2, 3, 4},
		Years: []int32{2020, 2021, 2022}, Patients: []int32{0, 1, 2}}
	c.Recount()
	out := withoutWords(c, []bool{false, false, true})
	if got := out.Tokens.Int32s(); !slices.Equal(got, []int32{0, 1, 0}) || !slices.Equal(out.Vocab.Words, []string{"A", "B"}) {
		t.Fatalf("tokens %v words %v", got, out.Vocab.Words)
	}
	if !slices.Equal(out.Seqs, []int64{0, 1, 3}) || !slices.Equal(out.Visits, []int64{0, 1, 3}) || !slices.Equal(out.SeqVisits, []int64{0, 1, 2}) {
		t.Errorf("seqs %v visits %v seqvisits %v", out.Seqs, out.Visits, out.SeqVisits)
	}
	if !slices.Equal(out.Years, []int32{2020, 2022}) || !slices.Equal(out.Patients, []int32{0, 2}) || !slices.Equal(out.Vocab.Counts, []int64{2, 1}) {
		t.Errorf("years %v patients %v counts %v", out.Years, out.Patients, out.Vocab.Counts)
	}
	if c.Tokens.Len() != 6 {
		t.Error("the input was modified")
	}
	// The held-out corpus trains.
	cfg := trainer.DefaultConfig(trainer.SkipGram)
	cfg.Dim, cfg.Epochs, cfg.Workers = 4, 1, 1
	if _, err := trainer.Train(context.Background(), out, cfg, nil); err != nil {
		t.Fatal(err)
	}
}

func TestPickHidden(t *testing.T) {
	codes := []string{"D", "B", "A", "C", "E", "F", "G", "H", "I", "J"}
	eligible := func(c string) bool { return c != "J" }
	h1 := pickHidden(codes, eligible, 0.34, 7)
	if len(h1) != 3 || slices.Contains(h1, "J") || !slices.IsSorted(h1) {
		t.Fatalf("hidden %v", h1)
	}
	rev := slices.Clone(codes)
	slices.Reverse(rev)
	if h2 := pickHidden(rev, eligible, 0.34, 7); !slices.Equal(h1, h2) {
		t.Errorf("the draw depends on the input order: %v %v", h1, h2)
	}
	diff := false
	for s := uint64(8); s < 20 && !diff; s++ {
		diff = !slices.Equal(h1, pickHidden(codes, eligible, 0.34, s))
	}
	if !diff {
		t.Error("the draw does not depend on the seed")
	}
}

func TestStudyFullRuns(t *testing.T) {
	cfg := tinyStudy(t)
	cfg.Repeats, cfg.Models, cfg.Methods, cfg.StudyFullRuns = 1, []trainer.Model{trainer.CBOW}, []string{"compose", "retrofit-CO"}, true
	if _, err := RunStudy(context.Background(), cfg, nil); err != nil {
		t.Fatal(err)
	}
	rows, _ := readStudyJSON(t, cfg.Out)
	methods := map[string]bool{}
	for _, r := range rows {
		methods[r.Method] = true
		if _, ok := r.Metrics["neighbour_overlap_10_own"]; r.Stratum == unseenStratum && !ok {
			t.Errorf("%s (%s): no overlap with its own full run", r.Method, r.Baseline)
		}
		if _, ok := r.Metrics["full_train_seconds"]; r.Stratum == "all" && !ok {
			t.Errorf("%s: no full run time", r.Method)
		}
	}
	if len(methods) != 2 || !methods["compose"] || !methods["retrofit-CO"] {
		t.Errorf("methods %v", methods)
	}
}
