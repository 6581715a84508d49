package embedding

import (
	"errors"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
)

func tiny() *Set {
	return &Set{
		Name:   "SG_CO_embeddings_2",
		Tokens: []string{"E119", "E1165", "I10", "CIR007"},
		Kinds:  []corpus.Kind{corpus.KindCode, corpus.KindCode, corpus.KindCode, corpus.KindCategory},
		Dim:    2,
		Vectors: []float32{
			1, 0,
			0.9, 0.1,
			0, 1,
			-1, 0.2,
		},
	}
}

func TestValidate(t *testing.T) {
	nan := float32(math.NaN())
	tests := []struct {
		name   string
		mutate func(s *Set)
		want   []string // substrings of the error; none means valid
		is     error
	}{
		{"valid", func(s *Set) {}, nil, nil},
		{"kinds short", func(s *Set) { s.Kinds = s.Kinds[:3] }, []string{"3 kinds for 4 tokens"}, nil},
		{"vectors short", func(s *Set) { s.Vectors = s.Vectors[:7] }, []string{"7 floats, want 4 tokens x 2 dimensions = 8"}, nil},
		{"duplicate", func(s *Set) { s.Tokens[2] = "E119" }, []string{`token "E119" at rows 0 and 2`}, ErrDuplicateToken},
		{"nan", func(s *Set) { s.Vectors[3] = nan }, []string{`token "E1165" (row 1) value 1 is NaN`}, ErrNonFinite},
		{"inf", func(s *Set) { s.Vectors[0] = float32(math.Inf(-1)) }, []string{"value 0 is -Inf"}, ErrNonFinite},
		{"zero dim", func(s *Set) { s.Dim = 0; s.Vectors = nil }, []string{"dimension 0 with 4 tokens"}, nil},
		{"everything at once", func(s *Set) { s.Kinds = nil; s.Tokens[1] = "E119"; s.Vectors[5] = nan },
			[]string{"0 kinds", "duplicate token", "non-finite"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tiny()
			tt.mutate(s)
			err := s.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want error containing %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to contain %q", err, w)
				}
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	s := tiny()
	tests := []struct {
		token string
		row   int
		ok    bool
	}{
		{"E119", 0, true},
		{"E11.9", 0, true},
		{"e11.65", 1, true},
		{" I10 ", 2, true},
		{"CIR007", 3, true},
		{"cir007", 3, true},
		{"E11", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.token, func(t *testing.T) {
			row, ok := s.Lookup(tt.token)
			if ok != tt.ok || (ok && row != tt.row) {
				t.Errorf("Lookup(%q) = %d, %v; want %d, %v", tt.token, row, ok, tt.row, tt.ok)
			}
		})
	}
	// The index follows appended tokens.
	s.Tokens = append(s.Tokens, "J449")
	s.Kinds = append(s.Kinds, corpus.KindCode)
	s.Vectors = append(s.Vectors, 0.5, 0.5)
	if row, ok := s.Lookup("J44.9"); !ok || row != 4 {
		t.Errorf("after append: Lookup(J44.9) = %d, %v; want 4, true", row, ok)
	}
}

func TestNormalized(t *testing.T) {
	s := tiny()
	s.Vectors[4], s.Vectors[5] = 0, 0 // a zero row stays zero
	n := s.Normalized()
	for i := range n.Len() {
		got := norm(n.Vector(i))
		want := 1.0
		if i == 2 {
			want = 0
		}
		if math.Abs(got-want) > 1e-6 {
			t.Errorf("row %d norm %v, want %v", i, got, want)
		}
	}
	if s.Vectors[1] != 0 || s.Vectors[2] != 0.9 {
		t.Errorf("Normalized changed its receiver: %v", s.Vectors)
	}
}

func TestSubset(t *testing.T) {
	s := tiny()
	codes := s.Subset(func(i int) bool { return s.Kinds[i] == corpus.KindCode })
	if err := codes.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(codes.Tokens, ","); got != "E119,E1165,I10" {
		t.Errorf("tokens %s", got)
	}
	if codes.Vectors[2] != 0.9 || len(codes.Vectors) != 6 {
		t.Errorf("vectors %v", codes.Vectors)
	}
	if cap(codes.Vectors) != len(codes.Vectors) || cap(codes.Tokens) != len(codes.Tokens) || cap(codes.Kinds) != len(codes.Kinds) {
		t.Errorf("capacities %d, %d, %d for lengths %d, %d, %d: want exact slices",
			cap(codes.Vectors), cap(codes.Tokens), cap(codes.Kinds), len(codes.Vectors), len(codes.Tokens), len(codes.Kinds))
	}
	codes.Vectors[0] = 42
	if s.Vectors[0] == 42 {
		t.Error("Subset shares vector memory with its receiver")
	}
}

func TestNearestToken(t *testing.T) {
	s := tiny()
	got, err := s.NearestToken("E11.9", 3)
	if err != nil {
		t.Fatal(err)
	}
	var toks []string
	for _, n := range got {
		toks = append(toks, n.Token)
	}
	if strings.Join(toks, ",") != "E1165,I10,CIR007" {
		t.Errorf("neighbours %v", toks)
	}
	// cos((1,0),(0.9,0.1)) = 0.9/sqrt(0.82)
	if want := float32(0.9 / math.Sqrt(0.82)); math.Abs(float64(got[0].Cosine-want)) > 1e-6 {
		t.Errorf("cosine %v, want %v", got[0].Cosine, want)
	}
	if got[2].Kind != corpus.KindCategory || got[2].Cosine >= 0 {
		t.Errorf("last neighbour %+v, want a category with negative cosine", got[2])
	}
	if _, err := s.NearestToken("Z99.99", 3); !errors.Is(err, ErrUnknownToken) || !strings.Contains(err.Error(), "Z99.99") {
		t.Errorf("unknown token: err = %v", err)
	}
}

// TestNearestMatchesFullSort checks the heap selection against sorting every
// row, with ties (duplicated rows) and a filter.
func TestNearestMatchesFullSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const rows, dim = 500, 8
	s := &Set{Name: "random", Dim: dim}
	for i := range rows {
		s.Tokens = append(s.Tokens, "T"+string(rune('A'+i%26))+strings.Repeat("x", i/26))
		s.Kinds = append(s.Kinds, corpus.KindCode)
		if i%7 == 3 { // duplicate an earlier row to create exact ties
			s.Vectors = append(s.Vectors, s.Vector(i-1)...)
			continue
		}
		for range dim {
			s.Vectors = append(s.Vectors, float32(r.NormFloat64()))
		}
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	filter := func(i int) bool { return i%5 != 0 }
	for _, n := range []int{1, 10, 57, 400, 1000} {
		q := s.Vector(r.IntN(rows))
		got := s.Nearest(q, n, filter)
		var all []Neighbor
		for i := range rows {
			if filter(i) {
				all = append(all, s.Nearest(q, 1, func(j int) bool { return j == i })...)
			}
		}
		sort.SliceStable(all, func(a, b int) bool { return all[a].Cosine > all[b].Cosine })
		want := all[:min(n, len(all))]
		if len(got) != len(want) {
			t.Fatalf("n=%d: %d results, want %d", n, len(got), len(want))
		}
		for k := range want {
			if got[k] != want[k] {
				t.Fatalf("n=%d: result %d = %+v, want %+v", n, k, got[k], want[k])
			}
		}
	}
}

func BenchmarkNearest(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	const rows, dim = 70000, 100 // about the ICD-10-CM code count at the paper's dimension
	s := &Set{Name: "bench", Dim: dim, Vectors: make([]float32, rows*dim)}
	for i := range s.Vectors {
		s.Vectors[i] = float32(r.NormFloat64())
	}
	for i := range rows {
		s.Tokens = append(s.Tokens, string(rune(i)))
		s.Kinds = append(s.Kinds, corpus.KindCode)
	}
	q := s.Vector(17)
	s.Nearest(q, 10, nil) // norms
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s.Nearest(q, 10, nil)
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
