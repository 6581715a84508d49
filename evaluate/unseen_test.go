package evaluate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

// unseenSpace returns nSeen seen codes S<i> near their label's centre and
// nHidden hidden codes H<i>, labels i % nl, whose vectors place(i, centre,
// rng) gives.
func unseenSpace(nSeen, nHidden, nl, dim int, seed uint64, place func(i int, centre []float32, rng *rand.Rand) []float32) (*embedding.Set, Labeler) {
	rng := rand.New(rand.NewPCG(seed, 2))
	centre := make([][]float32, nl)
	for l := range centre {
		centre[l] = make([]float32, dim)
		for k := range centre[l] {
			centre[l][k] = float32(rng.NormFloat64())
		}
	}
	s := &embedding.Set{Name: "space", Dim: dim}
	add := func(tok string, v []float32) {
		s.Tokens = append(s.Tokens, tok)
		s.Kinds = append(s.Kinds, corpus.KindCode)
		s.Vectors = append(s.Vectors, v...)
	}
	for i := range nSeen {
		v := make([]float32, dim)
		for k := range v {
			v[k] = centre[i%nl][k] + 0.3*float32(rng.NormFloat64())
		}
		add(fmt.Sprintf("S%d", i), v)
	}
	for i := range nHidden {
		add(fmt.Sprintf("H%d", i), place(i, centre[i%nl], rng))
	}
	label := func(tok string) (string, bool) {
		var i int
		fmt.Sscanf(tok[1:], "%d", &i)
		return fmt.Sprint(i % nl), true
	}
	return s, label
}

func isHidden(tok string) bool { return tok[0] == 'H' }

func TestScoreUnseenCentroidAndRandom(t *testing.T) {
	const nl, dim = 50, 16
	atCentre := func(_ int, c []float32, _ *rand.Rand) []float32 { return slices.Clone(c) }
	random := func(_ int, c []float32, rng *rand.Rand) []float32 {
		v := make([]float32, len(c))
		for k := range v {
			v[k] = float32(rng.NormFloat64())
		}
		return v
	}
	good, label := unseenSpace(1000, 100, nl, dim, 1, atCentre)
	bad, _ := unseenSpace(1000, 100, nl, dim, 1, random)
	good.Name, bad.Name = "good", "bad"
	cfg := DefaultUnseenConfig()
	g, err := ScoreUnseen(context.Background(), good, isHidden, label, []*embedding.Set{good, bad}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ScoreUnseen(context.Background(), bad, isHidden, label, []*embedding.Set{good}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if g.Codes != 100 || g.Categories != nl || g.NoCentroid != 0 {
		t.Errorf("codes %d categories %d no centroid %d", g.Codes, g.Categories, g.NoCentroid)
	}
	if g.CategoryTop1 < 0.95 || g.CategoryTop < 0.99 || g.MedianRank != 1 {
		t.Errorf("at the centre: top1 %.2f top10 %.2f median rank %v", g.CategoryTop1, g.CategoryTop, g.MedianRank)
	}
	// Chance: 10 of 50 centroids.
	if b.CategoryTop > 0.4 || b.MedianRank < 10 {
		t.Errorf("random: top10 %.2f (chance 0.2) median rank %v", b.CategoryTop, b.MedianRank)
	}
	if g.PAtN < 0.9 || b.PAtN > 0.3 {
		t.Errorf("P@10: at the centre %.2f, random %.2f", g.PAtN, b.PAtN)
	}
	// Against itself the overlap is total; against random vectors it is
	// near chance (10 of 1000 candidates).
	if g.Overlap["good"] != 1 || g.OverlapCodes["good"] != 100 {
		t.Errorf("self overlap %v over %d codes", g.Overlap["good"], g.OverlapCodes["good"])
	}
	if b.Overlap["good"] > 0.1 || g.Overlap["bad"] > 0.1 {
		t.Errorf("random vs centre overlap %.3f, %.3f", b.Overlap["good"], g.Overlap["bad"])
	}
}

func TestScoreUnseenNoCentroidAndMissingReference(t *testing.T) {
	const nl = 5
	// Seen codes only in labels 0..3 (S0..S3 modulo 5 never reaches 4 when
	// nSeen is 4); hidden H4 has label 4.
	atCentre := func(_ int, c []float32, _ *rand.Rand) []float32 { return slices.Clone(c) }
	s, label := unseenSpace(4, 5, nl, 8, 3, atCentre)
	ref := s.Subset(func(i int) bool { return s.Tokens[i] != "H0" })
	ref.Name = "ref"
	cfg := UnseenConfig{N: 2, TopCategories: 1}
	got, err := ScoreUnseen(context.Background(), s, isHidden, label, []*embedding.Set{ref}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got.Categories != 4 || got.NoCentroid != 1 || got.CategoryTop != 0.8 {
		t.Errorf("categories %d, no centroid %d, top %.2f; want 4, 1, 0.8", got.Categories, got.NoCentroid, got.CategoryTop)
	}
	if got.OverlapCodes["ref"] != 4 {
		t.Errorf("overlap over %d codes, want 4 (H0 is not in the reference)", got.OverlapCodes["ref"])
	}
}
