package retrofit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/hierarchy"
)

func ancestry(t testing.TB, plainMap, levels string, p hierarchy.Policy) *hierarchy.Ancestry {
	t.Helper()
	m, err := hierarchy.ReadMap(strings.NewReader(plainMap), "map.csv")
	if err != nil {
		t.Fatal(err)
	}
	l, err := hierarchy.ParseLevels(levels)
	if err != nil {
		t.Fatal(err)
	}
	a, err := hierarchy.NewAncestry(l, hierarchy.NewLabeler(m, p), nil)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func set(name string, dim int, rows map[string][]float32) *embedding.Set {
	s := &embedding.Set{Name: name, Dim: dim}
	keys := make([]string, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		s.Tokens = append(s.Tokens, k)
		s.Kinds = append(s.Kinds, corpus.KindOf(k))
		s.Vectors = append(s.Vectors, rows[k]...)
	}
	return s
}

func vec(t *testing.T, r *Result, tok string) []float32 {
	t.Helper()
	for _, s := range r.Sets {
		if i, ok := s.Lookup(tok); ok {
			return s.Vector(i)
		}
	}
	t.Fatalf("%s has no vector", tok)
	return nil
}

func near(a, b []float32, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > tol {
			return false
		}
	}
	return true
}

// Three codes of one category, two trained: E1165 at (2,0), E1122 at (0,4),
// E1169 without a vector. By hand, with α = β = 1: the category starts at
// the mean of its trained codes, (1,2), and so does E1169 (its only
// neighbour). One update: E1165 = ((1,2)+(2,0))/2 = (1.5,1); E1122 =
// ((1,2)+(0,4))/2 = (0.5,3); the category = mean of (2,0), (0,4), (1,2) =
// (1,2); E1169 = (1,2). That is the fixed point: a second update changes
// nothing. With α = 3: E1165 = ((1,2) + 3(2,0))/4 = (1.75,0.5).
func TestHandChecked(t *testing.T) {
	a := ancestry(t, "code,category\nE1165,END005\nE1122,END005\nE1169,END005\n", "ccsr", hierarchy.PolicyFirst)
	in := set("codes", 2, map[string][]float32{"E1165": {2, 0}, "E1122": {0, 4}})
	g := NewGraph(a, in.Tokens, []string{"E1169"})
	if g.Len() != 4 || g.Edges() != 3 {
		t.Fatalf("graph: %d nodes %d edges %v", g.Len(), g.Edges(), g.Nodes)
	}
	for _, iters := range []int{1, 2} {
		cfg := DefaultConfig()
		cfg.Iterations = iters
		r, err := Retrofit([]*embedding.Set{in}, g, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for tok, want := range map[string][]float32{"E1165": {1.5, 1}, "E1122": {0.5, 3}, "E1169": {1, 2}} {
			if got := vec(t, r, tok); !near(got, want, 1e-6) {
				t.Errorf("%d iterations: %s = %v, want %v", iters, tok, got, want)
			}
		}
		rep := r.Report
		if rep.Retrofitted != 2 || rep.Inferred != 1 || rep.Trained != 2 || rep.Unreached != 0 || rep.Nodes != 4 {
			t.Errorf("report %+v", rep)
		}
		if want := []Source{SourceRetrofitted, SourceRetrofitted, SourceInferred}; !slices.Equal(r.Sources[0], want) {
			t.Errorf("sources %v, want %v", r.Sources[0], want)
		}
		if iters == 2 && rep.Change > 1e-7 {
			t.Errorf("second update moved %v from the fixed point", rep.Change)
		}
	}
	cfg := DefaultConfig()
	cfg.Iterations, cfg.Alpha = 1, 3
	r, err := Retrofit([]*embedding.Set{in}, g, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := vec(t, r, "E1165"); !near(got, []float32{1.75, 0.5}, 1e-6) {
		t.Errorf("alpha 3: E1165 = %v, want (1.75, 0.5)", got)
	}
	if in.Vectors[0] != 0 || in.Vectors[2] != 2 {
		t.Errorf("input modified: %v", in.Vectors)
	}
}

// A trained category vector (a co-trained run's) anchors its node: with
// the category at (0,0), one update gives it ((2,0)+(0,4)+(0,0))/3/2 =
// (1/3, 2/3), E1165 ((0,0)+(2,0))/2 = (1,0), and E1169 the category's
// starting vector (0,0).
func TestTrainedAncestor(t *testing.T) {
	a := ancestry(t, "code,category\nE1165,END005\nE1122,END005\nE1169,END005\n", "ccsr", hierarchy.PolicyFirst)
	codes := set("SG_CO_embeddings_2", 2, map[string][]float32{"E1165": {2, 0}, "E1122": {0, 4}})
	cats := set("SG_CO_cat_embeddings_2", 2, map[string][]float32{"END005": {0, 0}, "CIR007": {9, 9}})
	cfg := DefaultConfig()
	cfg.Iterations = 1
	r, err := Retrofit([]*embedding.Set{codes, cats}, NewGraph(a, codes.Tokens, []string{"E1169"}), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for tok, want := range map[string][]float32{"END005": {1. / 3, 2. / 3}, "E1165": {1, 0}, "E1169": {0, 0}, "CIR007": {9, 9}} {
		if got := vec(t, r, tok); !near(got, want, 1e-6) {
			t.Errorf("%s = %v, want %v", tok, got, want)
		}
	}
	if r.Sets[0].Len() != 3 || r.Sets[1].Len() != 2 || r.Sets[0].Tokens[2] != "E1169" {
		t.Errorf("inferred code not appended to the code set: %v / %v", r.Sets[0].Tokens, r.Sets[1].Tokens)
	}
	if !slices.Equal(r.Sources[1], []Source{SourceKept, SourceRetrofitted}) { // CIR007 (no code in the graph), END005
		t.Errorf("category sources %v", r.Sources[1])
	}
}

// plantedSpace makes codes in categories (some with two) in several ICD
// chapters, vectors for a share of them, and the graph of levels.
func plantedSpace(t testing.TB, nCodes int, trainedShare float64, levels string, seed uint64) (*embedding.Set, *Graph, []string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	var b strings.Builder
	b.WriteString("code,category\n")
	var codes []string
	for i := range nCodes {
		code := fmt.Sprintf("%c%02d%d", 'A'+rune(i%7), (i/7)%40, i%10)
		if slices.Contains(codes, code) {
			continue
		}
		codes = append(codes, code)
		fmt.Fprintf(&b, "%s,CAT%03d\n", code, i%25)
		if i%9 == 0 {
			fmt.Fprintf(&b, "%s,GRP%03d\n", code, i%4)
		}
	}
	a := ancestry(t, b.String(), levels, hierarchy.PolicyAll)
	const dim = 5
	s := &embedding.Set{Name: "codes", Dim: dim}
	for _, c := range codes {
		if rng.Float64() >= trainedShare {
			continue
		}
		s.Tokens = append(s.Tokens, c)
		s.Kinds = append(s.Kinds, corpus.KindCode)
		for range dim {
			s.Vectors = append(s.Vectors, float32(rng.NormFloat64()))
		}
	}
	return s, NewGraph(a, s.Tokens, codes), codes
}

// residual returns the largest violation of the fixed-point equations
// (Beta + α_i) q_i = Beta·mean_j q_j + α_i q̂_i over the nodes with a value.
func residual(g *Graph, nv nodes, cfg Config, dim int) float64 {
	worst := 0.0
	for i := range g.Len() {
		nb := g.Neighbours(i)
		if !nv.has[i] || len(nb) == 0 {
			continue
		}
		for k := range dim {
			mean := 0.0
			for _, j := range nb {
				mean += float64(nv.cur[int(j)*dim+k])
			}
			mean /= float64(len(nb))
			lhs, rhs := cfg.Beta*float64(nv.cur[i*dim+k]), cfg.Beta*mean
			if nv.hat[i] != nil {
				lhs += cfg.Alpha * float64(nv.cur[i*dim+k])
				rhs += cfg.Alpha * float64(nv.hat[i][k])
			}
			worst = math.Max(worst, math.Abs(lhs-rhs))
		}
	}
	return worst
}

// The updates converge to the fixed point of the objective's equations:
// the residual falls with the iterations and is tiny after many.
func TestConverges(t *testing.T) {
	s, g, _ := plantedSpace(t, 700, 0.6, "ccsr,body,icd3,chapter", 1)
	var prev float64
	for _, iters := range []int{1, 5, 10, 40, 200} {
		cfg := DefaultConfig()
		cfg.Iterations = iters
		nv := solve([]*embedding.Set{s}, g, cfg, false)
		r := residual(g, nv, cfg, s.Dim)
		t.Logf("%3d iterations: residual %.3g, last change %.3g", iters, r, nv.rep.Change)
		if iters > 1 && r >= prev {
			t.Errorf("%d iterations: residual %v did not fall below %v", iters, r, prev)
		}
		prev = r
	}
	if prev > 1e-5 {
		t.Errorf("residual %v after 200 iterations; want the fixed point", prev)
	}
}

// Codes without a vector end at the mean of their neighbours (α = 0).
func TestUntrainedCodesTakeNeighboursMean(t *testing.T) {
	s, g, all := plantedSpace(t, 500, 0.5, "ccsr,icd3", 2)
	cfg := DefaultConfig()
	cfg.Iterations = 300
	nv := solve([]*embedding.Set{s}, g, cfg, false)
	r, err := Retrofit([]*embedding.Set{s}, g, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if r.Report.Inferred == 0 || r.Report.Inferred+s.Len() != len(all) {
		t.Fatalf("%d inferred + %d trained, want all %d codes", r.Report.Inferred, s.Len(), len(all))
	}
	checked := 0
	for row, src := range r.Sources[0] {
		if src != SourceInferred {
			continue
		}
		tok := r.Sets[0].Tokens[row]
		i, _ := g.Node(tok)
		mean := make([]float32, s.Dim)
		for _, j := range g.Neighbours(i) {
			for k := range mean {
				mean[k] += nv.cur[int(j)*s.Dim+k] / float32(len(g.Neighbours(i)))
			}
		}
		if got := r.Sets[0].Vector(row); !near(got, mean, 1e-5) {
			t.Errorf("%s = %v, its neighbours' mean %v", tok, got, mean)
		}
		checked++
	}
	if checked != r.Report.Inferred {
		t.Errorf("checked %d of %d inferred codes", checked, r.Report.Inferred)
	}
}

// Same input, same bytes; and the order of the input rows does not matter.
func TestDeterministic(t *testing.T) {
	s, g, _ := plantedSpace(t, 600, 0.7, "ccsr,body,icd3,chapter", 3)
	a, err := Retrofit([]*embedding.Set{s}, g, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	b, err := Retrofit([]*embedding.Set{s}, g, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Sets[0].Tokens, b.Sets[0].Tokens) || !slices.Equal(a.Sets[0].Vectors, b.Sets[0].Vectors) {
		t.Fatal("two runs differ")
	}
	perm := rand.New(rand.NewPCG(9, 9)).Perm(s.Len())
	shuf := &embedding.Set{Name: s.Name, Dim: s.Dim}
	for _, i := range perm {
		shuf.Tokens = append(shuf.Tokens, s.Tokens[i])
		shuf.Kinds = append(shuf.Kinds, s.Kinds[i])
		shuf.Vectors = append(shuf.Vectors, s.Vector(i)...)
	}
	c, err := Retrofit([]*embedding.Set{shuf}, g, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for i, tok := range a.Sets[0].Tokens {
		j, ok := c.Sets[0].Lookup(tok)
		if !ok || !slices.Equal(a.Sets[0].Vector(i), c.Sets[0].Vector(j)) {
			t.Fatalf("%s differs when the input rows are shuffled", tok)
		}
	}
}

func TestUnreachedAndErrors(t *testing.T) {
	a := ancestry(t, "code,category\nE1165,END005\nI10,CIR007\n", "ccsr", hierarchy.PolicyFirst)
	in := set("codes", 2, map[string][]float32{"E1165": {1, 1}, "Z000": {3, 3}})
	// I10's category has no trained code; R69 has no category at all.
	r, err := Retrofit([]*embedding.Set{in}, NewGraph(a, in.Tokens, []string{"I10", "R69"}), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if r.Report.Unreached != 2 || r.Report.Inferred != 0 || r.Report.Kept != 1 || r.Report.Retrofitted != 1 || r.Sets[0].Len() != 2 {
		t.Errorf("report %+v, tokens %v", r.Report, r.Sets[0].Tokens)
	}
	// E1165 is alone in its category: pulled onto its category node, which
	// is its own mean, it stays where it was.
	if got := vec(t, r, "E1165"); !near(got, []float32{1, 1}, 1e-7) {
		t.Errorf("E1165 = %v", got)
	}
	other := set("other", 3, map[string][]float32{"I10": {1, 2, 3}})
	if _, err := Retrofit([]*embedding.Set{in, other}, NewGraph(a, in.Tokens), DefaultConfig()); err == nil || !strings.Contains(err.Error(), "dimension") {
		t.Errorf("sets of two dimensions: error %v", err)
	}
	bad := Config{Iterations: 0, Alpha: -1, Beta: math.NaN()}
	if err := bad.Validate(); err == nil || strings.Count(err.Error(), "retrofit:") != 3 {
		t.Errorf("Validate = %v, want three problems", err)
	}
}
