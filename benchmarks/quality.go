package benchmarks

import (
	"context"
	"fmt"

	"github.com/hiervec/hiervec/evaluate"
	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/hierarchy"
)

// nmiAtK reads the word2vec text vectors a run wrote and returns the NMI of
// k-means (k = QualityK, evaluate's Table 2 setting, seed 1) clusters of the
// code vectors against the codes' CCSR categories, and whether it could be
// computed (there must be at least QualityK labelled codes). Tokens a tool
// adds of its own (fastText's "</s>") have no category and are left out.
func nmiAtK(ctx context.Context, path string, m *hierarchy.Map) (float64, bool, error) {
	set, err := export.ReadWord2Vec(path, false)
	if err != nil {
		return 0, false, fmt.Errorf("benchmarks: %w", err)
	}
	ec := evaluate.DefaultConfig()
	ec.Ks = []int{QualityK}
	ec.PAtN = 0
	ec.Silhouette = false
	ec.Seed = 1
	sc, err := evaluate.ScoreSet(ctx, set, m.Category, ec)
	if err != nil {
		return 0, false, fmt.Errorf("benchmarks: %w", err)
	}
	v, ok := sc.NMI[QualityK]
	return v, ok, nil
}
