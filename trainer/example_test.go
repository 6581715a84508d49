package trainer_test

import (
	"context"
	"fmt"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/trainer"
)

func ExampleTrain() {
	// Two patient-years of ICD-10-CM codes.
	v := corpus.NewVocab()
	seqs := [][]string{{"E119", "I10", "E785"}, {"I10", "N183", "E119"}}
	c := &corpus.Corpus{Vocab: v, Seqs: []int64{0}}
	for _, s := range seqs {
		for _, code := range s {
			id := v.Add(code, corpus.KindCode)
			v.Counts[id]++
			c.Tokens.Append(id)
		}
		c.Seqs = append(c.Seqs, int64(c.Tokens.Len()))
	}
	cfg := trainer.DefaultConfig(trainer.SkipGram)
	cfg.Dim, cfg.Window, cfg.Workers = 8, 100, 1
	set, err := trainer.Train(context.Background(), c, cfg, func(p trainer.Progress) {
		if p.Done {
			fmt.Printf("epoch %d/%d done: %d tokens\n", p.Epoch, p.Epochs, p.TokensDone)
		}
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Model, len(set.Tokens), "codes,", set.Dim, "dimensions")
	fmt.Println(set.Tokens)
	// Output:
	// epoch 5/5 done: 30 tokens
	// SG 4 codes, 8 dimensions
	// [E119 I10 E785 N183]
}
