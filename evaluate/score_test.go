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

func TestEvaluateSetsTableAndJSON(t *testing.T) {
	s, label := plantedSet(10, 12, 2, 8, 1)
	cat := &embedding.Set{Name: "SG_CO_cat_embeddings_16", Tokens: []string{"CAT000"}, Kinds: []corpus.Kind{corpus.KindCategory}, Dim: 8, Vectors: make([]float32, 8)}
	cfg := DefaultConfig()
	cfg.Ks = []int{10, 20}
	var calls []string
	scores, err := EvaluateSets(context.Background(), []*embedding.Set{s, cat}, label, cfg, nil, func(done, total int, set string) {
		calls = append(calls, fmt.Sprintf("%d/%d %s", done, total, set))
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(scores) != 2 || !scores[1].Category() || scores[0].Category() {
		t.Fatalf("scores %+v", scores)
	}
	if strings.Join(calls, ";") != "1/2 SG_CO_embeddings_16;2/2 SG_CO_cat_embeddings_16" {
		t.Errorf("progress calls %q", calls)
	}
	var tab bytes.Buffer
	if err := WriteTable(&tab, scores); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(tab.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("table:\n%s", tab.String())
	}
	for _, want := range []string{"NMI@10", "NMI@20", "AMI@10", "silhouette", "P@10"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("header %q lacks %q", lines[0], want)
		}
	}
	if f := strings.Fields(lines[1]); f[0] != "SG_CO_embeddings_16" || f[1] != "120" || f[2] != "2" || f[3] != fmt.Sprintf("%.3f", scores[0].NMI[10]) {
		t.Errorf("row %q", lines[1])
	}
	if !strings.Contains(lines[2], "skipped (category vectors)") {
		t.Errorf("category row %q", lines[2])
	}

	var js bytes.Buffer
	if err := WriteJSON(&js, scores); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, js.String())
	}
	if got[0]["set"] != "SG_CO_embeddings_16" || got[0]["vectors"] != 120.0 || got[1]["category"] != true {
		t.Errorf("json %v", got)
	}
	nmi := got[0]["nmi"].(map[string]any)
	if nmi["10"] != scores[0].NMI[10] || nmi["20"] != scores[0].NMI[20] {
		t.Errorf("json nmi %v, scores %v", nmi, scores[0].NMI)
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
