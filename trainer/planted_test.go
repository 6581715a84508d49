package trainer

import (
	"context"
	"math"
	"os"
	"sort"
	"testing"
)

// The planted corpus: 20 groups of 10 codes; each sequence draws its codes
// from one group, with 40% of codes replaced by random ones. Chance that a
// code's neighbour is in its group: 9/199 ≈ 0.045.
const (
	plantedGroups = 20
	plantedSize   = 10
	plantedSeqs   = 2000
	plantedNoise  = 0.4
	plantedK      = 5
	// plantedMin is the asserted precision@5. Over seeds 1..20 while
	// developing (TestPlantedCalibration), the minimum was 1.000 (SG, 1
	// worker), 0.998 (SG, 2), 0.997 (CBOW, 1), 1.000 (CBOW, 2); with 800
	// sequences at 50% noise instead, means fell to 0.12-0.13, so the test
	// sits above a sharp learnability edge, not on it. 0.8 leaves a wide
	// margin and is 18 times chance.
	plantedMin = 0.8
)

func plantedConfig(m Model, workers int, seed uint64) Config {
	cfg := DefaultConfig(m)
	cfg.Dim = 20
	cfg.Window = 5
	cfg.Epochs = 5
	cfg.Workers = workers
	cfg.Seed = seed
	return cfg
}

// plantedPrecision trains on a planted corpus and returns, averaged over
// codes, the fraction of each code's plantedK nearest neighbours (cosine)
// that are in its group.
func plantedPrecision(t testing.TB, m Model, workers int, seed uint64) float64 {
	return plantedPrecisionConfig(t, plantedConfig(m, workers, seed))
}

// plantedPrecisionConfig is plantedPrecision for any configuration; the
// corpus is drawn from cfg.Seed.
func plantedPrecisionConfig(t testing.TB, cfg Config) float64 {
	return plantedPrecisionTuned(t, cfg, defaultTuning())
}

// plantedPrecisionTuned is plantedPrecisionConfig with the run's internal
// settings.
func plantedPrecisionTuned(t testing.TB, cfg Config, tune tuning) float64 {
	c := plantedCorpus(cfg.Seed, plantedGroups, plantedSize, plantedSeqs, plantedNoise)
	set, err := train(context.Background(), c, cfg, tune, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, dim := len(set.Tokens), set.Dim
	norm := make([]float64, n)
	for i := range n {
		v := set.Vector(i)
		norm[i] = math.Sqrt(float64(dotRef(v, v)))
	}
	type nb struct {
		id  int
		cos float64
	}
	var hits int
	nbs := make([]nb, 0, n)
	for i := range n {
		nbs = nbs[:0]
		for j := range n {
			if j != i {
				cos := float64(dotRef(set.Vectors[i*dim:(i+1)*dim], set.Vectors[j*dim:(j+1)*dim])) / (norm[i] * norm[j])
				nbs = append(nbs, nb{j, cos})
			}
		}
		sort.Slice(nbs, func(a, b int) bool { return nbs[a].cos > nbs[b].cos })
		for _, x := range nbs[:plantedK] {
			if x.id/plantedSize == i/plantedSize {
				hits++
			}
		}
	}
	return float64(hits) / float64(n*plantedK)
}

func TestPlantedGroupsOneWorker(t *testing.T) {
	for _, m := range []Model{SkipGram, CBOW} {
		t.Run(m.String(), func(t *testing.T) {
			if p := plantedPrecision(t, m, 1, 1); p < plantedMin {
				t.Errorf("precision@%d = %.3f, want ≥ %.2f (chance 0.045)", plantedK, p, plantedMin)
			}
		})
	}
}

// TestPlantedCalibration runs 20 seeds per model and worker count and logs
// the minimum; it runs only with HIERVEC_CALIBRATE=1 (it takes a minute).
func TestPlantedCalibration(t *testing.T) {
	if os.Getenv("HIERVEC_CALIBRATE") == "" {
		t.Skip("set HIERVEC_CALIBRATE=1 to calibrate the planted-corpus threshold")
	}
	for _, m := range []Model{SkipGram, CBOW} {
		for _, workers := range []int{1, 2} {
			lo, sum := 1.0, 0.0
			for seed := uint64(1); seed <= 20; seed++ {
				p := plantedPrecision(t, m, workers, seed)
				lo = min(lo, p)
				sum += p
			}
			t.Logf("%v workers=%d: precision@%d min %.3f mean %.3f over 20 seeds", m, workers, plantedK, lo, sum/20)
		}
	}
	// Skip-Gram per-pair against shared negatives, at the test's window
	// and at the paper's.
	for _, window := range []int{5, 100} {
		for _, shared := range []bool{false, true} {
			lo, sum := 1.0, 0.0
			for seed := uint64(1); seed <= 20; seed++ {
				cfg := plantedConfig(SkipGram, 1, seed)
				cfg.Window, cfg.SharedNegatives = window, shared
				p := plantedPrecisionConfig(t, cfg)
				lo = min(lo, p)
				sum += p
			}
			t.Logf("SG window=%d shared %v: precision@%d min %.3f mean %.3f over 20 seeds", window, shared, plantedK, lo, sum/20)
		}
	}
}
