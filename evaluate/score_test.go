package evaluate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

// plantedSet returns a set of cats x per code vectors, each its category's
// centre plus noise, named C<cat>_<i>, plus unlabelled codes U<i> and
// category tokens CAT<cat>, and the labeler that knows the C codes.
func plantedSet(cats, per, unlabelled, dim int, noise float64) (*embedding.Set, Labeler) {
	rng := rand.New(rand.NewPCG(21, 22))
	s := &embedding.Set{Name: "SG_CO_embeddings_16", Dim: dim}
	centre := make([]float64, cats*dim)
	for i := range centre {
		centre[i] = rng.NormFloat64() * 3
	}
	add := func(tok string, kind corpus.Kind, c int) {
		s.Tokens = append(s.Tokens, tok)
		s.Kinds = append(s.Kinds, kind)
		for j := range dim {
			v := rng.NormFloat64() * noise
			if c >= 0 {
				v += centre[c*dim+j]
			}
			s.Vectors = append(s.Vectors, float32(v))
		}
	}
	for c := range cats {
		add(fmt.Sprintf("CAT%03d", c), corpus.KindCategory, c)
		for i := range per {
			add(fmt.Sprintf("C%03d_%d", c, i), corpus.KindCode, c)
		}
	}
	for i := range unlabelled {
		add(fmt.Sprintf("U%d", i), corpus.KindCode, -1)
	}
	label := func(tok string) (string, bool) {
		if strings.HasPrefix(tok, "C") && !strings.HasPrefix(tok, "CAT") {
			return tok[:4], true
		}
		return "", false
	}
	return s, label
}

func TestScoreSet(t *testing.T) {
	s, label := plantedSet(30, 20, 7, 16, 1)
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Ks = []int{1000, 30}
	sc, err := ScoreSet(context.Background(), s, label, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Vectors != 600 || sc.Skipped != 7 || sc.Labels != 30 {
		t.Errorf("vectors %d skipped %d labels %d, want 600, 7, 30", sc.Vectors, sc.Skipped, sc.Labels)
	}
	if len(sc.SkippedKs) != 1 || sc.SkippedKs[0] != 1000 || len(sc.Notes) != 1 {
		t.Errorf("skipped ks %v, notes %q: want k=1000 skipped with a note", sc.SkippedKs, sc.Notes)
	}
	if sc.NMI[30] < 0.95 || sc.AMI[30] < 0.9 {
		t.Errorf("NMI@30 %.3f AMI@30 %.3f: want the planted categories found", sc.NMI[30], sc.AMI[30])
	}
	if sc.Silhouette < 0.3 || sc.PAtN < 0.9 {
		t.Errorf("silhouette %.3f, P@10 %.3f: want well separated categories", sc.Silhouette, sc.PAtN)
	}

	// Pure noise: the labels carry no geometry.
	noisy, label2 := plantedSet(30, 20, 0, 16, 1e6)
	sn, err := ScoreSet(context.Background(), noisy, label2, Config{Ks: []int{30}, KMeans: DefaultKMeansConfig(), PAtN: 10, Silhouette: true, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := (Config{Ks: []int{2}, KMeans: DefaultKMeansConfig(), Vectors: "cosine"}).Validate(); err == nil || !strings.Contains(err.Error(), "raw, unit or both") {
		t.Errorf("Validate of Vectors cosine = %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(sn.AMI[30]) > 0.03 || sn.Silhouette > 0 || sn.PAtN > 0.15 {
		t.Errorf("noise: AMI %.3f, silhouette %.3f, P@10 %.3f: want chance level", sn.AMI[30], sn.Silhouette, sn.PAtN)
	}
}

func TestScoreSetEdgeCases(t *testing.T) {
	s, _ := plantedSet(2, 3, 0, 4, 1)
	none := func(string) (string, bool) { return "", false }
	sc, err := ScoreSet(context.Background(), s, none, DefaultConfig())
	if err != nil || sc.Vectors != 0 || sc.Skipped != 6 || len(sc.Notes) != 1 {
		t.Errorf("no labels: %+v, %v", sc, err)
	}
	one := func(string) (string, bool) { return "X", true }
	cfg := DefaultConfig()
	cfg.Ks, cfg.PAtN = []int{3}, 2
	sc, err = ScoreSet(context.Background(), s, one, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(sc.Silhouette) || sc.PAtN != 1 || sc.NMI[3] != 0 {
		t.Errorf("one label: silhouette %v (want skipped), P@N %v (want 1), NMI %v (want 0)", sc.Silhouette, sc.PAtN, sc.NMI[3])
	}
	if err := (Config{Ks: []int{1}, PAtN: -1}).Validate(); err == nil || len(err.(interface{ Unwrap() []error }).Unwrap()) < 3 {
		t.Errorf("Validate = %v, want every problem", err)
	}
}

// catSet returns a set of category vectors, systems x per categories named
// like CCSR's (AAA001, ...), each its body system's centre plus noise.
func catSet(name string, systems, per, dim int, noise float64) *embedding.Set {
	rng := rand.New(rand.NewPCG(31, 32))
	s := &embedding.Set{Name: name, Dim: dim}
	for b := range systems {
		centre := make([]float64, dim)
		for j := range centre {
			centre[j] = rng.NormFloat64() * 3
		}
		sys := string(rune('A'+b)) + "XY"
		for i := range per {
			s.Tokens = append(s.Tokens, fmt.Sprintf("%s%03d", sys, i+1))
			s.Kinds = append(s.Kinds, corpus.KindCategory)
			for j := range dim {
				s.Vectors = append(s.Vectors, float32(centre[j]+rng.NormFloat64()*noise))
			}
		}
	}
	return s
}

// A category set is told by its tokens' kinds, not its name.
func TestIsCategorySetByKinds(t *testing.T) {
	codes, _ := plantedSet(2, 3, 0, 4, 1) // mixed: codes and CAT tokens
	cats := catSet("codes_by_name_only_embeddings_8", 2, 3, 4, 1)
	named := &embedding.Set{Name: "SG_CO_cat_embeddings_4", Tokens: []string{"A01"}, Kinds: []corpus.Kind{corpus.KindCode}, Dim: 4, Vectors: make([]float32, 4)}
	if IsCategorySet(codes) || !IsCategorySet(cats) || IsCategorySet(named) {
		t.Errorf("IsCategorySet: mixed %v, categories %v, codes under a _cat_ name %v; want false, true, false",
			IsCategorySet(codes), IsCategorySet(cats), IsCategorySet(named))
	}
}

func TestScoreCategories(t *testing.T) {
	s := catSet("SG_CO_cat_embeddings_8", 6, 15, 8, 0.5)
	cfg := DefaultConfig()
	cfg.Vectors = VectorsBoth
	sc, err := ScoreCategories(context.Background(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !sc.Category() || sc.Against != AgainstBodySystems || sc.Vectors != 90 || sc.Labels != 6 {
		t.Fatalf("score %+v", sc)
	}
	if sc.AMI[6] < 0.9 || sc.UnitAMI[6] < 0.9 || len(sc.AMI) != 1 {
		t.Errorf("AMI %v, unit %v: want k = 6 only, planted systems found", sc.AMI, sc.UnitAMI)
	}
	noise := catSet("SG_CO_cat_embeddings_8", 6, 15, 8, 1e6)
	sn, err := ScoreCategories(context.Background(), noise, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(sn.AMI[6]) > 0.05 {
		t.Errorf("noise: AMI %v, want about 0", sn.AMI)
	}
}

// Unit vectors are scored on their own: stretching each planted code by a
// random factor ruins raw k-means and leaves unit k-means intact.
func TestScoreSetRawAndUnit(t *testing.T) {
	s, label := plantedSet(20, 15, 0, 16, 0.3)
	rng := rand.New(rand.NewPCG(41, 42))
	for i := range s.Tokens {
		f := float32(math.Exp(rng.NormFloat64() * 2))
		for j := range s.Dim {
			s.Vectors[i*s.Dim+j] *= f
		}
	}
	cfg := DefaultConfig()
	cfg.Ks, cfg.Vectors = []int{20}, VectorsBoth
	sc, err := ScoreSet(context.Background(), s, label, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if sc.UnitAMI[20] < 0.9 || sc.AMI[20] > sc.UnitAMI[20]-0.2 {
		t.Errorf("raw AMI %.3f, unit AMI %.3f: want unit near 1 and well above raw", sc.AMI[20], sc.UnitAMI[20])
	}
	cfg.Vectors = VectorsUnit
	su, err := ScoreSet(context.Background(), s, label, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(su.NMI) != 0 || su.UnitNMI[20] != sc.UnitNMI[20] {
		t.Errorf("unit only: raw %v, unit %v; both gave unit %v", su.NMI, su.UnitNMI, sc.UnitNMI)
	}
}

func TestEvaluateSetsTableAndJSON(t *testing.T) {
	s, label := plantedSet(10, 12, 2, 8, 1)
	cat := catSet("SG_CO_cat_embeddings_8", 4, 10, 8, 0.5)
	cfg := DefaultConfig()
	cfg.Ks, cfg.Vectors, cfg.Random = []int{10, 20}, VectorsBoth, true
	var calls []string
	scores, err := EvaluateSets(context.Background(), []*embedding.Set{s, cat}, label, cfg, nil, func(done, total int, set string) {
		calls = append(calls, fmt.Sprintf("%d/%d %s", done, total, set))
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(scores) != 3 || !scores[1].Category() || scores[0].Category() || !scores[2].Random || scores[2].Set != "random_8" {
		t.Fatalf("scores %+v", scores)
	}
	if strings.Join(calls, ";") != "1/3 SG_CO_embeddings_16;2/3 SG_CO_cat_embeddings_8;3/3 random_8" {
		t.Errorf("progress calls %q", calls)
	}
	if r := scores[2]; r.Vectors != scores[0].Vectors || math.Abs(r.AMI[10]) > 0.1 || scores[0].AMI[10] < 0.8 {
		t.Errorf("random row: %d codes (trained %d), AMI@10 %.3f (trained %.3f): want the same codes at chance",
			r.Vectors, scores[0].Vectors, r.AMI[10], scores[0].AMI[10])
	}
	var tab bytes.Buffer
	if err := WriteTable(&tab, scores); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(tab.String()), "\n")
	if len(lines) < 8 {
		t.Fatalf("table:\n%s", tab.String())
	}
	head := strings.Fields(lines[0])
	if want := "set codes no_label AMI@10 AMI@20 NMI@10 NMI@20 unit AMI@10 unit AMI@20 unit NMI@10 unit NMI@20 silhouette P@10"; strings.Join(head, " ") != want {
		t.Errorf("header %q, want %q", strings.Join(head, " "), want)
	}
	if f := strings.Fields(lines[1]); f[0] != "SG_CO_embeddings_16" || f[1] != "120" || f[2] != "2" || f[3] != fmt.Sprintf("%.3f", scores[0].AMI[10]) ||
		f[7] != fmt.Sprintf("%.3f", scores[0].UnitAMI[10]) {
		t.Errorf("row %q", lines[1])
	}
	if !strings.HasPrefix(lines[2], "random_8 ") {
		t.Errorf("random row %q", lines[2])
	}
	if lines[3] != "" || !strings.Contains(lines[4], "body systems") || !strings.HasPrefix(lines[5], "set") || !strings.Contains(lines[5], "AMI@4") ||
		!strings.HasPrefix(lines[6], "SG_CO_cat_embeddings_8 ") || !strings.HasPrefix(lines[7], "random_<dim>:") {
		t.Errorf("category table:\n%s", strings.Join(lines[3:], "\n"))
	}

	var js bytes.Buffer
	if err := WriteJSON(&js, scores); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, js.String())
	}
	if got[0]["set"] != "SG_CO_embeddings_16" || got[0]["vectors"] != 120.0 || got[0]["kind"] != "code" ||
		got[1]["kind"] != "category" || got[1]["against"] != AgainstBodySystems || got[2]["random"] != true {
		t.Errorf("json %v", got)
	}
	nmi, uami := got[0]["nmi"].(map[string]any), got[0]["unit_ami"].(map[string]any)
	if nmi["10"] != scores[0].NMI[10] || nmi["20"] != scores[0].NMI[20] || uami["10"] != scores[0].UnitAMI[10] {
		t.Errorf("json nmi %v unit ami %v, scores %v %v", nmi, uami, scores[0].NMI, scores[0].UnitAMI)
	}
	if got[0]["p_at_10"] != scores[0].PAtN || got[0]["silhouette"] != scores[0].Silhouette {
		t.Errorf("json %v", got[0])
	}
	if !strings.HasPrefix(strings.TrimSpace(js.String()), `[`) || !strings.Contains(js.String(), `"set": "SG_CO_embeddings_16",`) {
		t.Errorf("json layout:\n%s", js.String())
	}
}

func ExampleScoreSet() {
	// Two categories of three codes each, far apart.
	s := &embedding.Set{
		Name:   "toy",
		Tokens: []string{"A1", "A2", "A3", "B1", "B2", "B3"},
		Kinds:  make([]corpus.Kind, 6), // all corpus.KindCode
		Dim:    2,
		Vectors: []float32{
			5, 0, 5, 1, 6, 0,
			0, 5, 1, 5, 0, 6,
		},
	}
	label := func(code string) (string, bool) { return code[:1], true }
	cfg := DefaultConfig()
	cfg.Ks, cfg.PAtN = []int{2}, 2
	sc, _ := ScoreSet(context.Background(), s, label, cfg)
	fmt.Printf("codes %d NMI@2 %.2f AMI@2 %.2f P@2 %.2f\n", sc.Vectors, sc.NMI[2], sc.AMI[2], sc.PAtN)
	// Output: codes 6 NMI@2 1.00 AMI@2 1.00 P@2 1.00
}
