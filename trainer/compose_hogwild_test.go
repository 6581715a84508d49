//go:build !race

// Composed runs with more than one worker: the unit rows are shared by
// every worker and written without locks (Hogwild, doc.go), a deliberate
// data race the race detector would report, so these run only in non-race
// builds.

package trainer

import "testing"

func TestComposedPlantedTwoWorkers(t *testing.T) {
	for _, m := range []Model{SkipGram, CBOW} {
		t.Run(m.String(), func(t *testing.T) {
			plain, composed, _ := composePlanted(t, m, 2, 1)
			if composed[0] < plain[0]+composeMargin || composed[1] < composePairMin {
				t.Errorf("rare codes' precision@%d (group, ancestor's codes): composed %.3f %.3f, plain %.3f %.3f; want %.2f above plain and at least %.2f",
					plantedK, composed[0], composed[1], plain[0], plain[1], composeMargin, composePairMin)
			}
		})
	}
}
