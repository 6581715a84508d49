package reproduce

import (
	"reflect"
	"testing"

	"github.com/hiervec/hiervec/corpus"
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
	want := []Job{{AlgoSG, 50, ViewCO}}
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
