package trainer_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/trainer"
)

func ExampleTrainComposed() {
	// Patient-years of ICD-10-CM codes, and a CCSR map.
	v := corpus.NewVocab()
	seqs := [][]string{{"E119", "I10", "E785"}, {"I10", "N183", "E1165"}, {"E119", "E785"}}
	c := &corpus.Corpus{Vocab: v, Seqs: []int64{0}}
	for _, s := range seqs {
		for _, code := range s {
			id := v.Add(code, corpus.KindCode)
			v.Counts[id]++
			c.Tokens.Append(id)
		}
		c.Seqs = append(c.Seqs, int64(c.Tokens.Len()))
	}
	m, err := hierarchy.ReadMap(strings.NewReader("code,category\nE119,END002\nE1165,END002\nE1169,END002\nI10,CIR007\nE785,END010\nN183,GEN003\n"), "map.csv")
	if err != nil {
		fmt.Println(err)
		return
	}

	// Each code's input vector: the mean of its own row and the rows of
	// its CCSR category and 3-character category.
	levels, _ := hierarchy.ParseLevels("ccsr,icd3")
	a, err := hierarchy.NewAncestry(levels, hierarchy.NewLabeler(m, hierarchy.PolicyFirst), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	tab := hierarchy.NewComposition(c.Vocab, a)
	comp := &trainer.Composition{Op: trainer.ComposeMean, Units: tab.Units, Kinds: tab.Kinds, Start: tab.Start, Rows: tab.Rows}

	cfg := trainer.DefaultConfig(trainer.SkipGram)
	cfg.Dim, cfg.Window, cfg.Workers = 8, 100, 1
	res, err := trainer.TrainComposed(context.Background(), c, cfg, comp, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Set.Len(), "codes,", res.Units.Len(), "ancestor rows:", res.Units.Tokens)

	// E11.69 was never seen: its vector is the mean of its ancestors' rows.
	units := tab.Of("E11.69", nil)
	vec := make([]float32, res.Set.Dim)
	fmt.Println("E11.69 from", len(units), "ancestors:", res.Compose(vec, -1, units))
	// Output:
	// 5 codes, 8 ancestor rows: [CIR007 END002 END010 GEN003 E11* E78* I10* N18*]
	// E11.69 from 2 ancestors: true
}
