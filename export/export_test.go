package export

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// tinySets is a small known family of sets: a co-trained code set, its
// category set and a Med2Vec set, with values that exercise the number
// formatting (exponents, negative zero, float32 rounding).
func tinySets() []*embedding.Set {
	codes := []corpus.Kind{corpus.KindCode, corpus.KindCode, corpus.KindCode}
	return []*embedding.Set{
		{
			Name:   "SG_CO_embeddings_3",
			Tokens: []string{"E119", "I10", "A0100"},
			Kinds:  codes,
			Dim:    3,
			Vectors: []float32{
				0.0123, -0.4411, 1,
				1e-05, -0, 123456.79,
				-3.5e-20, 0.1, 2.5,
			},
		},
		{
			Name:    "SG_CO_cat_embeddings_3",
			Tokens:  []string{"CIR007", "END002"},
			Kinds:   []corpus.Kind{corpus.KindCategory, corpus.KindCategory},
			Dim:     3,
			Vectors: []float32{0.25, -0.75, 0.3333333, 1.5, 2, -2},
		},
		{
			Name:    "Med2Vec_embeddings_2",
			Tokens:  []string{"E119", "I10", "A0100"},
			Kinds:   codes,
			Dim:     2,
			Vectors: []float32{-0.5, 0.125, float32(math.SmallestNonzeroFloat32), 7, 0.1, -1e-10},
		},
	}
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\ngot:\n%q\nwant:\n%q", name, got, want)
	}
}

// sameSet reports how a and b differ, comparing floats bit for bit.
func sameSet(t *testing.T, got, want *embedding.Set) {
	t.Helper()
	if got.Name != want.Name || got.Dim != want.Dim || got.Len() != want.Len() || len(got.Vectors) != len(want.Vectors) {
		t.Fatalf("set %q dim %d len %d (%d floats), want %q dim %d len %d (%d floats)",
			got.Name, got.Dim, got.Len(), len(got.Vectors), want.Name, want.Dim, want.Len(), len(want.Vectors))
	}
	for i := range want.Tokens {
		if got.Tokens[i] != want.Tokens[i] || got.Kinds[i] != want.Kinds[i] {
			t.Fatalf("set %q row %d: %q/%v, want %q/%v", want.Name, i, got.Tokens[i], got.Kinds[i], want.Tokens[i], want.Kinds[i])
		}
	}
	for i := range want.Vectors {
		if math.Float32bits(got.Vectors[i]) != math.Float32bits(want.Vectors[i]) {
			t.Fatalf("set %q float %d: %v, want %v", want.Name, i, got.Vectors[i], want.Vectors[i])
		}
	}
}

// benchSet returns a set of rows random codes-like tokens of dimension dim.
func benchSet(rows, dim int) *embedding.Set {
	r := rand.New(rand.NewPCG(7, 8))
	s := &embedding.Set{Name: "SG_CO_embeddings_" + strconv.Itoa(dim), Dim: dim, Vectors: make([]float32, rows*dim)}
	for i := range s.Vectors {
		s.Vectors[i] = float32(r.NormFloat64() * 0.3)
	}
	for i := range rows {
		s.Tokens = append(s.Tokens, fmt.Sprintf("%c%02d%d", 'A'+i%26, i/26%100, i/2600))
		s.Kinds = append(s.Kinds, corpus.KindCode)
	}
	return s
}
