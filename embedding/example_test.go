package embedding_test

import (
	"fmt"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

func ExampleSet_NearestToken() {
	s := &embedding.Set{
		Name:    "SG_CO_embeddings_2",
		Tokens:  []string{"E119", "E1165", "I10", "CIR007"},
		Kinds:   []corpus.Kind{corpus.KindCode, corpus.KindCode, corpus.KindCode, corpus.KindCategory},
		Dim:     2,
		Vectors: []float32{1, 0, 0.9, 0.1, 0, 1, -1, 0.2},
	}
	if err := s.Validate(); err != nil {
		panic(err)
	}
	near, err := s.NearestToken("E11.9", 2) // with or without the dot
	if err != nil {
		panic(err)
	}
	for _, n := range near {
		fmt.Printf("%s %s %.3f\n", n.Token, n.Kind, n.Cosine)
	}
	// Output:
	// E1165 code 0.994
	// I10 code 0.000
}
