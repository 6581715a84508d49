package med2vec_test

import (
	"context"
	"fmt"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/trainer/med2vec"
)

// Example trains Med2Vec on a tiny corpus of two patient-years with two
// dates each, and names the result as the released JSON layout does.
func Example() {
	v := corpus.NewVocab()
	for _, w := range []string{"E119", "I10", "J449", "R05"} {
		v.Add(w, corpus.KindCode)
	}
	// Patient-year 0: {E119, I10} then {I10}; patient-year 1: {J449, R05} then {R05}.
	c := &corpus.Corpus{
		Vocab:     v,
		Tokens:    corpus.TokensOf(0, 1, 1, 2, 3, 3),
		Seqs:      []int64{0, 3, 6},
		Visits:    []int64{0, 2, 3, 5, 6},
		SeqVisits: []int64{0, 2, 4},
	}
	cfg := med2vec.DefaultConfig()
	cfg.CodeDim, cfg.VisitDim, cfg.BatchSize, cfg.Epochs, cfg.Workers = 16, 16, 4, 5, 1
	set, err := med2vec.Train(context.Background(), c, cfg, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	set.Name = fmt.Sprintf("Med2Vec_embeddings_%d", set.Dim)
	fmt.Println(set.Name, set.Len(), "vectors, export", cfg.Export)
	for _, x := range set.Vectors {
		if x < 0 {
			fmt.Println("negative entry") // relu-bias vectors are non-negative
			break
		}
	}
	// Output: Med2Vec_embeddings_16 4 vectors, export relu-bias
}
