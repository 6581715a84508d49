package benchmarks

import (
	"context"
	"fmt"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/evaluate"
	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/hierarchy"
)

// quality is the Table 2 score of one set of code vectors at k = QualityK.
type quality struct {
	NMI, AMI float64
}

// scoreFile reads the word2vec text vectors a run wrote and scores them; see
// scoreSet.
func scoreFile(ctx context.Context, path string, m *hierarchy.Map) (quality, bool, error) {
	set, err := export.ReadWord2Vec(path, false)
	if err != nil {
		return quality{}, false, fmt.Errorf("benchmarks: %w", err)
	}
	return scoreSet(ctx, set, m)
}

// scoreSet clusters the code vectors of set with k-means (k = QualityK,
// evaluate's Table 2 setting, seed 1) and returns the NMI and AMI of the
// clusters against the codes' CCSR categories, and whether they could be
// computed (there must be at least QualityK labelled codes). Tokens a tool
// adds of its own (fastText's "</s>") have no category and are left out.
func scoreSet(ctx context.Context, set *embedding.Set, m *hierarchy.Map) (quality, bool, error) {
	ec := evaluate.DefaultConfig()
	ec.Ks = []int{QualityK}
	ec.PAtN = 0
	ec.Silhouette = false
	ec.Seed = 1
	sc, err := evaluate.ScoreSet(ctx, set, m.Category, ec)
	if err != nil {
		return quality{}, false, fmt.Errorf("benchmarks: %w", err)
	}
	nmi, ok := sc.NMI[QualityK]
	return quality{NMI: nmi, AMI: sc.AMI[QualityK]}, ok, nil
}

// chanceQuality scores random vectors (evaluate.RandomSet, seed 1) for the
// corpus's codes: the floor a trained embedding's score must be read
// against. With about ten codes per cluster and a few per category, NMI
// rewards any fine partition, so random vectors already score well above 0;
// AMI subtracts the expected mutual information and puts chance at 0.
func chanceQuality(ctx context.Context, words []string, dim int, m *hierarchy.Map) (quality, bool, error) {
	codes := &embedding.Set{Name: "codes", Dim: dim, Tokens: words, Kinds: make([]corpus.Kind, len(words)),
		Vectors: make([]float32, len(words)*dim)}
	return scoreSet(ctx, evaluate.RandomSet(codes, "random", 1), m)
}
