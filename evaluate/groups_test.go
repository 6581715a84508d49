package evaluate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

func TestDefaultStrata(t *testing.T) {
	for _, tc := range []struct {
		min  int
		want string
	}{
		{11, "<11 [0,11) 11-99 [11,100) 100-999 [100,1000) 1000+ [1000,-)"},
		{1, "1-99 [1,100) 100-999 [100,1000) 1000+ [1000,-)"},
		{150, "<150 [0,150) 150-999 [150,1000) 1000+ [1000,-)"},
		{5000, "<5000 [0,5000) 5000+ [5000,-)"},
	} {
		var parts []string
		for _, s := range DefaultStrata(tc.min) {
			hi := "-"
			if s.Hi > 0 {
				hi = fmt.Sprint(s.Hi)
			}
			parts = append(parts, fmt.Sprintf("%s [%d,%s)", s.Name, s.Lo, hi))
		}
		if got := strings.Join(parts, " "); got != tc.want {
			t.Errorf("DefaultStrata(%d) = %s, want %s", tc.min, got, tc.want)
		}
	}
	s := DefaultStrata(11)
	for _, tc := range []struct {
		n    int64
		band int
	}{{0, 0}, {10, 0}, {11, 1}, {99, 1}, {100, 2}, {999, 2}, {1000, 3}, {1 << 40, 3}} {
		got := -1
		for i, b := range s {
			if b.Contains(tc.n) {
				if got >= 0 {
					t.Fatalf("%d patients in two bands", tc.n)
				}
				got = i
			}
		}
		if got != tc.band {
			t.Errorf("%d patients: band %d, want %d", tc.n, got, tc.band)
		}
	}
}

// groupedSet returns a set of codes in nl labels: the codes of the "good"
// group sit near their label's centre, those of the "bad" group anywhere.
// Code i's label is i % nl, its token "C<i>".
func groupedSet(nGood, nBad, nl, dim int, seed uint64) (*embedding.Set, Labeler, func(string) []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	centre := make([][]float32, nl)
	for l := range centre {
		centre[l] = make([]float32, dim)
		for k := range centre[l] {
			centre[l][k] = float32(rng.NormFloat64())
		}
	}
	s := &embedding.Set{Name: "planted", Dim: dim}
	group := map[string]int{}
	for i := range nGood + nBad {
		tok := fmt.Sprintf("C%d", i)
		s.Tokens = append(s.Tokens, tok)
		s.Kinds = append(s.Kinds, corpus.KindCode)
		good := i < nGood
		for k := range dim {
			v := float32(rng.NormFloat64())
			if good {
				v = centre[i%nl][k] + 0.1*v
			}
			s.Vectors = append(s.Vectors, v)
		}
		if good {
			group[tok] = 0
		} else {
			group[tok] = 1
		}
	}
	label := func(tok string) (string, bool) {
		var i int
		fmt.Sscanf(tok, "C%d", &i)
		return fmt.Sprint(i % nl), true
	}
	return s, label, func(tok string) []int { return []int{group[tok]} }
}

func TestScoreGroupsSeparatesGoodFromBad(t *testing.T) {
	s, label, group := groupedSet(400, 400, 20, 16, 3)
	cfg := DefaultGroupConfig()
	cfg.Ks = []int{20, 1000}
	cfg.KMeans.Restarts = 3
	got, _, err := ScoreGroups(context.Background(), s, label, group, []string{"good", "bad"}, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Group != "all" || got[1].Group != "good" || got[2].Group != "bad" {
		t.Fatalf("groups %v", got)
	}
	if got[0].Codes != 800 || got[1].Codes != 400 || got[2].Codes != 400 || got[1].Labels != 20 {
		t.Errorf("codes %d %d %d, labels %d", got[0].Codes, got[1].Codes, got[2].Codes, got[1].Labels)
	}
	good, bad := got[1], got[2]
	if good.AMI[20] < 0.8 || bad.AMI[20] > 0.1 {
		t.Errorf("AMI at k = 20: good %.3f (want > 0.8), bad %.3f (want < 0.1)", good.AMI[20], bad.AMI[20])
	}
	if good.PAtN < 0.9 || bad.PAtN > 0.2 {
		t.Errorf("P@10: good %.3f (want > 0.9), bad %.3f (want < 0.2)", good.PAtN, bad.PAtN)
	}
	if all := got[0].AMI[20]; !(all > bad.AMI[20] && all < good.AMI[20]) {
		t.Errorf("AMI of all %.3f not between bad %.3f and good %.3f", all, bad.AMI[20], good.AMI[20])
	}
	// k = 1000 exceeds half the 800 codes: capped at 400.
	if good.K[1000] != 400 || good.K[20] != 20 {
		t.Errorf("k used: %v", good.K)
	}
}

func TestScoreGroupsNeighbourFilter(t *testing.T) {
	// With only the bad codes as neighbours, the good codes' precision falls
	// to chance: the filter is applied.
	s, label, group := groupedSet(200, 200, 10, 8, 5)
	cfg := DefaultGroupConfig()
	cfg.Ks = []int{10}
	cfg.KMeans.Restarts = 1
	onlyBad := func(tok string) bool { return group(tok)[0] == 1 }
	got, _, err := ScoreGroups(context.Background(), s, label, group, []string{"good", "bad"}, onlyBad, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if p := got[1].PAtN; p > 0.3 {
		t.Errorf("good codes' P@10 among bad codes = %.3f, want near chance (0.1)", p)
	}
}

func TestScoreGroupsTinyGroup(t *testing.T) {
	s, label, _ := groupedSet(50, 0, 5, 4, 1)
	cfg := DefaultGroupConfig()
	cfg.Ks = []int{5}
	cfg.KMeans.Restarts = 1
	one := func(tok string) []int {
		if tok == "C0" {
			return []int{0}
		}
		return nil
	}
	got, _, err := ScoreGroups(context.Background(), s, label, one, []string{"one", "none"}, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got[1].Codes != 1 || !math.IsNaN(got[1].AMI[5]) || got[2].Codes != 0 || !math.IsNaN(got[2].PAtN) {
		t.Errorf("tiny groups: %+v %+v", got[1], got[2])
	}
	if math.IsNaN(got[1].PAtN) {
		t.Error("a one-code group still has a precision@N")
	}
}

// TestScoreGroupsFitAndPartition fits the clusters on the good codes only:
// the bad codes, placed in their nearest clusters, still score near 0;
// moved onto their labels' centres and placed in the same clusters
// (cfg.Partition), they score near 1, and the good codes' scores do not
// change.
func TestScoreGroupsFitAndPartition(t *testing.T) {
	s, label, group := groupedSet(400, 400, 20, 16, 3)
	cfg := DefaultGroupConfig()
	cfg.Ks, cfg.All = []int{20}, ""
	cfg.KMeans.Restarts = 3
	cfg.Fit = func(tok string) bool { return group(tok)[0] == 0 }
	names := []string{"good", "bad"}
	got, part, err := ScoreGroups(context.Background(), s, label, group, names, cfg.Fit, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if part == nil || part.K[20] != 20 || len(part.Centroids[20]) != 20*16 {
		t.Fatalf("partition %+v", part)
	}
	if got[0].AMI[20] < 0.8 || got[1].AMI[20] > 0.1 || got[1].Codes != 400 {
		t.Errorf("AMI good %.3f bad %.3f (%d codes)", got[0].AMI[20], got[1].AMI[20], got[1].Codes)
	}
	// The bad codes moved to their labels' centres: the mean of the good
	// codes of that label.
	moved := *s
	moved.Vectors = append([]float32(nil), s.Vectors...)
	for i := 400; i < 800; i++ {
		l := i % 20
		for k := range 16 {
			var sum float32
			for j := l; j < 400; j += 20 {
				sum += s.Vectors[j*16+k]
			}
			moved.Vectors[i*16+k] = sum / 20
		}
	}
	pc := cfg
	pc.Fit, pc.Partition = nil, part
	got2, part2, err := ScoreGroups(context.Background(), &moved, label, group, names, nil, pc)
	if err != nil {
		t.Fatal(err)
	}
	if part2 != part {
		t.Error("a given partition is not the one returned")
	}
	if got2[1].AMI[20] < 0.8 {
		t.Errorf("bad codes at their centres, placed in the fitted clusters: AMI %.3f, want > 0.8", got2[1].AMI[20])
	}
	if d := got2[0].AMI[20] - got[0].AMI[20]; d > 0.02 || d < -0.02 {
		t.Errorf("good codes' AMI moved from %.3f to %.3f with the same clusters", got[0].AMI[20], got2[0].AMI[20])
	}
}
