package reproduce

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/trainer"
)

func TestPlanPaperDefault(t *testing.T) {
	runs := Plan([]trainer.Model{trainer.SkipGram, trainer.CBOW}, []int{10, 50, 100}, []string{"co", "sep"}, true, 200)
	if len(runs) != 19 {
		t.Fatalf("got %d runs, want 18 Word2Vec runs + Med2Vec", len(runs))
	}
	keys := map[string]bool{}
	for _, r := range runs {
		for _, k := range r.Keys() {
			if keys[k] {
				t.Fatalf("key %s produced twice", k)
			}
			keys[k] = true
		}
	}
	if len(keys) != 25 {
		t.Fatalf("got %d keys, want the paper's 24 + Med2Vec", len(keys))
	}
	for _, k := range []string{"SG_CO_embeddings_100", "SG_CO_cat_embeddings_100", "CBOW_SEP_embeddings_10", "CBOW_SEP_cat_embeddings_50", "Med2Vec_embeddings_200"} {
		if !keys[k] {
			t.Errorf("missing key %s", k)
		}
	}
	if got := runs[0].ID(); got != "CBOW_SEP_10" {
		t.Errorf("first run %s, want CBOW_SEP_10", got)
	}
}

func TestPlanSubset(t *testing.T) {
	runs := Plan([]trainer.Model{trainer.SkipGram}, []int{50}, []string{"co"}, false, 200)
	want := []Job{{Algo: AlgoSG, Dim: 50, View: ViewCO}}
	if !reflect.DeepEqual(runs, want) {
		t.Fatalf("got %+v, want %+v", runs, want)
	}
}

// TestCostTracksMeasuredTime: the cost model's ratios between dimensions
// follow the trainer benchmarks' CPU time per pair (Skip-Gram 145 and 280
// ns at dimensions 10 and 100, CBOW 12 and 36) within 25%.
func TestCostTracksMeasuredTime(t *testing.T) {
	c := corpus.NewVocab()
	c.Add("a", corpus.KindCode)
	c.Add("b", corpus.KindCode)
	cp := &corpus.Corpus{Vocab: c, Tokens: corpus.TokensOf(0, 1, 0, 1, 0, 1), Seqs: []int64{0, 6}, Visits: []int64{0, 6}, SeqVisits: []int64{0, 1}}
	for _, tc := range []struct {
		algo   Algorithm
		lo, hi float64 // measured ns per pair at dims 10 and 100
	}{{AlgoSG, 145, 280}, {AlgoCBOW, 12, 36}} {
		r10 := cost(Job{Algo: tc.algo, Dim: 10}, cp, 100, 5)
		r100 := cost(Job{Algo: tc.algo, Dim: 100}, cp, 100, 5)
		got, want := r100/r10, tc.hi/tc.lo
		if got < want/1.25 || got > want*1.25 {
			t.Errorf("%v: cost ratio dim 100 / dim 10 = %.2f, measured %.2f", tc.algo, got, want)
		}
	}
}

// TestJobSets: a codes-only run's set is named and shared as it is (the
// vectors are not copied); with categories among its rows, the codes are
// split off into a set of their own, and a CO run gives both parts.
func TestJobSets(t *testing.T) {
	codesOnly := &embedding.Set{Tokens: []string{"A00", "B00"}, Kinds: []corpus.Kind{corpus.KindCode, corpus.KindCode},
		Dim: 1, Vectors: []float32{1, 2}}
	sets := Job{Algo: AlgoSG, Dim: 1, View: ViewCodes}.Sets(codesOnly)
	if len(sets) != 1 || sets[0].Name != "SG_SEP_embeddings_1" || sets[0].Len() != 2 || &sets[0].Vectors[0] != &codesOnly.Vectors[0] {
		t.Errorf("codes only: %d sets, name %q, shared %v", len(sets), sets[0].Name, &sets[0].Vectors[0] == &codesOnly.Vectors[0])
	}
	if codesOnly.Name != "" {
		t.Errorf("naming the shared set renamed the trained one: %q", codesOnly.Name)
	}
	mixed := &embedding.Set{Tokens: []string{"A00", "CIR001", "B00"}, Kinds: []corpus.Kind{corpus.KindCode, corpus.KindCategory, corpus.KindCode},
		Dim: 1, Vectors: []float32{1, 2, 3}}
	sets = Job{Algo: AlgoSG, Dim: 1, View: ViewCodes}.Sets(mixed)
	if len(sets) != 1 || !slices.Equal(sets[0].Tokens, []string{"A00", "B00"}) || !slices.Equal(sets[0].Vectors, []float32{1, 3}) {
		t.Errorf("codes and a category: %+v", sets[0])
	}
	sets = Job{Algo: AlgoSG, Dim: 1, View: ViewCO}.Sets(mixed)
	if len(sets) != 2 || sets[0].Name != "SG_CO_embeddings_1" || sets[1].Name != "SG_CO_cat_embeddings_1" ||
		!slices.Equal(sets[1].Tokens, []string{"CIR001"}) || sets[0].Len() != 2 {
		t.Errorf("CO: %d sets", len(sets))
	}
}

func TestPlanRepeats(t *testing.T) {
	runs := PlanRepeats([]trainer.Model{trainer.SkipGram}, []int{50}, []string{"co", "sep"}, true, 200, 2)
	var ids []string
	for _, r := range runs {
		ids = append(ids, r.ID())
	}
	want := "SG_SEP_50,SG_SEP_cat_50,SG_CO_50,Med2Vec_200,SG_SEP_50_r2,SG_SEP_cat_50_r2,SG_CO_50_r2,Med2Vec_200_r2"
	if strings.Join(ids, ",") != want {
		t.Errorf("ids %v, want %s", ids, want)
	}
	if k := runs[6].Keys(); len(k) != 2 || k[0] != "SG_CO_embeddings_50" {
		t.Errorf("a repeat's keys %v: want the released keys of its variant", k)
	}
}
