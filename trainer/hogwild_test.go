//go:build !race

// Tests with more than one worker: Hogwild updates of the weight matrices
// are a deliberate data race (see doc.go), which the race detector would
// report, so these run only in non-race builds.

package trainer

import "testing"

func TestPlantedGroupsTwoWorkers(t *testing.T) {
	for _, m := range []Model{SkipGram, CBOW} {
		t.Run(m.String(), func(t *testing.T) {
			if p := plantedPrecision(t, m, 2, 1); p < plantedMin {
				t.Errorf("precision@%d = %.3f, want ≥ %.2f (chance 0.045)", plantedK, p, plantedMin)
			}
		})
	}
}

func TestSharedNegativesPlantedTwoWorkers(t *testing.T) {
	for _, window := range []int{5, 100} {
		if p := plantedPrecisionShared(t, 2, 1, window); p < plantedMin {
			t.Errorf("window %d: precision@%d = %.3f, want ≥ %.2f (chance 0.045)", window, plantedK, p, plantedMin)
		}
	}
}

// TestPlantedTwoWorkersPartialStaging: two workers staging only a third of
// the words (the path of vocabularies larger than the staging budget), with
// write-backs every 256 tokens, still learn the planted groups.
func TestPlantedTwoWorkersPartialStaging(t *testing.T) {
	tune := defaultTuning()
	tune.stageBytes = stagedRowsBytes(plantedGroups*plantedSize/3, plantedConfig(SkipGram, 2, 1))
	tune.minSyncTokens = 256
	for _, m := range []Model{SkipGram, CBOW} {
		t.Run(m.String(), func(t *testing.T) {
			if p := plantedPrecisionTuned(t, plantedConfig(m, 2, 1), tune); p < plantedMin {
				t.Errorf("precision@%d = %.3f, want ≥ %.2f (chance 0.045)", plantedK, p, plantedMin)
			}
		})
	}
}
