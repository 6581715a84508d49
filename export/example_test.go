package export_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/export"
)

func ExampleWriteReleasedTo() {
	codes := &embedding.Set{
		Name:    export.ReleasedKey("SG", true, false, 2),
		Tokens:  []string{"E119", "I10"},
		Kinds:   []corpus.Kind{corpus.KindCode, corpus.KindCode},
		Dim:     2,
		Vectors: []float32{0.0123, -0.4411, 0.5, 1e-5},
	}
	if err := export.WriteReleasedTo(os.Stdout, []*embedding.Set{codes}); err != nil {
		panic(err)
	}
	// Output:
	// {
	// "SG_CO_embeddings_2": {
	//   "E11.9": ["0.0123", "-0.4411"],
	//   "I10": ["0.5", "1e-05"]
	// }
	// }
}

func ExampleReadReleased() {
	dir, _ := os.MkdirTemp("", "export-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "embeddings.json")
	os.WriteFile(path, []byte(`{"Med2Vec_embeddings_2": {"E11.9": [0.5, -3.858267374185924e-48]},
		"SG_SEP_cat_embeddings_2": {"END002": {"1": "0.25", "2": "0.75"}}}`), 0o644)
	sets, err := export.ReadReleased(path)
	if err != nil {
		panic(err)
	}
	for _, s := range sets {
		fmt.Println(s.Name, s.Tokens, s.Kinds, s.Vectors)
	}
	// Output:
	// Med2Vec_embeddings_2 [E119] [code] [0.5 -0]
	// SG_SEP_cat_embeddings_2 [END002] [category] [0.25 0.75]
}
