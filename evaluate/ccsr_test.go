package evaluate

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/internal/shareddata"
)

// ccsrPlantedSet returns vectors for the first n codes of the real CCSR
// v2022.1 map, each its default category's centre plus noise of the given
// size, and the map.
func ccsrPlantedSet(tb testing.TB, n, dim int, noise float64) (*embedding.Set, *hierarchy.Map) {
	m, err := hierarchy.ReadMapFile(shareddata.Path(tb, "ccsr/hcup.data_CCSR_DX_mapping_v2022-1.csv.gz"))
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(41, 42))
	centre := map[string][]float64{}
	s := &embedding.Set{Name: "SG_CO_embeddings_100", Dim: dim}
	for _, code := range m.Codes() {
		if s.Len() == n {
			break
		}
		cat, ok := m.Category(code)
		if !ok {
			continue
		}
		c, ok := centre[cat]
		if !ok {
			c = make([]float64, dim)
			for j := range c {
				c[j] = rng.NormFloat64()
			}
			centre[cat] = c
		}
		s.Tokens = append(s.Tokens, code)
		s.Kinds = append(s.Kinds, corpus.KindCode)
		for j := range dim {
			s.Vectors = append(s.Vectors, float32(c[j]+noise*rng.NormFloat64()))
		}
	}
	return s, m
}

// Real CCSR labels through hierarchy.Map.Category as the Labeler: with
// vectors planted around each code's category, clusters must recover the
// categories far better than when the noise swamps them.
func TestScoreSetCCSR(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the 73k-code CCSR map")
	}
	cfg := DefaultConfig()
	cfg.Ks = []int{100}
	cfg.KMeans.Restarts = 1
	var nmi [2]float64
	for i, noise := range []float64{0.3, 3} {
		s, m := ccsrPlantedSet(t, 1500, 32, noise)
		sc, err := ScoreSet(context.Background(), s, m.Category, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if sc.Vectors != 1500 || sc.Skipped != 0 || sc.Labels < 20 {
			t.Fatalf("noise %v: %d vectors, %d skipped, %d labels", noise, sc.Vectors, sc.Skipped, sc.Labels)
		}
		nmi[i] = sc.NMI[100]
		t.Logf("noise %v: %d CCSR categories, NMI@100 %.3f AMI@100 %.3f silhouette %.3f P@10 %.3f", noise, sc.Labels, sc.NMI[100], sc.AMI[100], sc.Silhouette, sc.PAtN)
	}
	if nmi[0] < 0.8 || nmi[0]-nmi[1] < 0.2 {
		t.Errorf("NMI@100 %.3f (tight) vs %.3f (noisy): want tight > 0.8 and clearly above noisy", nmi[0], nmi[1])
	}
}

// BenchmarkScoreSet is one set of the paper's size (5,400 codes, 100
// dimensions) scored as hiervec reproduce does: k-means at k = 200 and
// 400, NMI and AMI, silhouette and P@10.
func BenchmarkScoreSet(b *testing.B) {
	const n, dim = 5400, 100
	x, labels := blobs(n, dim, 500, 12, 1)
	s := &embedding.Set{Name: "bench", Dim: dim, Vectors: x}
	lab := map[string]string{}
	for i := range n {
		tok := "C" + itoa(i)
		s.Tokens = append(s.Tokens, tok)
		s.Kinds = append(s.Kinds, corpus.KindCode)
		lab[tok] = "L" + itoa(labels[i])
	}
	label := func(t string) (string, bool) { l, ok := lab[t]; return l, ok }
	cfg := DefaultConfig()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ScoreSet(context.Background(), s, label, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

func itoa(i int) string {
	var buf [20]byte
	p := len(buf)
	for {
		p--
		buf[p] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(buf[p:])
		}
	}
}
