package retrofit

import (
	"errors"
	"fmt"
	"math"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

// Source says where a row of a retrofitted set comes from.
type Source uint8

const (
	// SourceKept: a row of the input whose token is not connected in the
	// graph, kept as it was.
	SourceKept Source = iota
	// SourceRetrofitted: a row of the input, moved toward its neighbours.
	SourceRetrofitted
	// SourceInferred: a code of the graph without a trained vector, given
	// one from its neighbours; not trained on any of its own occurrences.
	SourceInferred
)

var sourceNames = [...]string{"kept", "retrofitted", "inferred"}

// String returns "kept", "retrofitted" or "inferred".
func (s Source) String() string {
	if int(s) < len(sourceNames) {
		return sourceNames[s]
	}
	return fmt.Sprintf("Source(%d)", int(s))
}

// Report says what Retrofit did.
type Report struct {
	Nodes, Edges int // the graph's
	Trained      int // graph nodes with a trained vector (anchors)
	Retrofitted  int // input rows moved
	Kept         int // input rows outside the graph, kept
	Inferred     int // codes given a vector from their neighbours
	// Unreached counts codes of the graph without a trained vector that no
	// path links to a trained node: they get no vector.
	Unreached  int
	Iterations int
	// Change is the largest absolute change of one coordinate in the last
	// iteration: how far from the fixed point the result may still be.
	Change float64
}

// Result is a retrofitted space.
type Result struct {
	// Sets are the input sets, in order, with their rows retrofitted; the
	// inferred codes are appended to the first set that holds codes.
	Sets []*embedding.Set
	// Sources gives, per set and row, where the row comes from.
	Sources [][]Source
	Report  Report
}

// ErrDimension: the sets of one space have different dimensions.
var ErrDimension = errors.New("sets of different dimensions")

// Retrofit retrofits the vectors of one space (sets trained together, such
// as a co-trained run's code set and category set) over graph g. The input
// sets are not modified. A token found in several sets takes its first
// vector.
func Retrofit(space []*embedding.Set, g *Graph, cfg Config) (*Result, error) {
	return retrofit(space, g, cfg, false)
}

// Infer gives the codes of g that have no trained vector one from their
// neighbours as Retrofit does, but leaves every trained vector as it is
// (α infinite for a trained node): a free node settles at the mean of its
// neighbours with the trained nodes held fixed. The input rows come back
// unchanged, marked SourceKept; the inferred codes are appended as in
// Retrofit.
func Infer(space []*embedding.Set, g *Graph, cfg Config) (*Result, error) {
	return retrofit(space, g, cfg, true)
}

func retrofit(space []*embedding.Set, g *Graph, cfg Config, fixed bool) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(space) == 0 {
		return nil, errors.New("retrofit: no set to retrofit")
	}
	dim := space[0].Dim
	for _, s := range space {
		if s.Dim != dim {
			return nil, fmt.Errorf("retrofit: set %q has dimension %d, set %q %d: %w", s.Name, s.Dim, space[0].Name, dim, ErrDimension)
		}
	}
	nv := solve(space, g, cfg, fixed)
	cur, hat, from, has := nv.cur, nv.hat, nv.from, nv.has
	res := &Result{Report: nv.rep}
	firstCodes := -1
	for si, s := range space {
		out := &embedding.Set{Name: s.Name, Dim: dim, Tokens: s.Tokens, Kinds: s.Kinds, Vectors: make([]float32, len(s.Vectors))}
		src := make([]Source, s.Len())
		copy(out.Vectors, s.Vectors)
		for r, tok := range s.Tokens {
			i, ok := g.Node(tok)
			if fixed || !ok || len(g.Neighbours(i)) == 0 || from[i] != [2]int{si, r} {
				res.Report.Kept++
				continue
			}
			copy(out.Vector(r), cur[i*dim:(i+1)*dim])
			src[r] = SourceRetrofitted
			res.Report.Retrofitted++
		}
		if firstCodes < 0 && containsKind(s.Kinds, corpus.KindCode) {
			firstCodes = si
		}
		res.Sets = append(res.Sets, out)
		res.Sources = append(res.Sources, src)
	}
	// Codes of the graph that had no vector.
	var newTok []string
	var newVec []float32
	for i, tok := range g.Nodes {
		if g.Kinds[i] != corpus.KindCode || hat[i] != nil {
			continue
		}
		if !has[i] {
			res.Report.Unreached++
			continue
		}
		newTok = append(newTok, tok)
		newVec = append(newVec, cur[i*dim:(i+1)*dim]...)
	}
	res.Report.Inferred = len(newTok)
	if len(newTok) > 0 {
		if firstCodes < 0 {
			firstCodes = 0
		}
		out := res.Sets[firstCodes]
		out.Tokens = append(append([]string(nil), out.Tokens...), newTok...)
		kinds := make([]corpus.Kind, len(newTok))
		out.Kinds = append(append([]corpus.Kind(nil), out.Kinds...), kinds...) // KindCode is zero
		out.Vectors = append(out.Vectors, newVec...)
		for range newTok {
			res.Sources[firstCodes] = append(res.Sources[firstCodes], SourceInferred)
		}
	}
	return res, nil
}

// spread gives every node without a value that is linked to one with a
// value the mean of its neighbours that have one, round by round outward
// from the trained nodes (within a round every node reads the previous
// round's values, so the result does not depend on the node order).
func spread(g *Graph, cur []float32, has []bool, dim int) {
	acc := make([]float64, dim)
	var frontier []int
	for i := range g.Len() {
		if !has[i] {
			frontier = append(frontier, i)
		}
	}
	var got []int
	for len(frontier) > 0 {
		got = got[:0]
		rest := frontier[:0]
		for _, i := range frontier {
			clear(acc)
			cnt := 0
			for _, j := range g.Neighbours(i) {
				if !has[j] {
					continue
				}
				cnt++
				for k, v := range cur[int(j)*dim : int(j+1)*dim] {
					acc[k] += float64(v)
				}
			}
			if cnt == 0 {
				rest = append(rest, i)
				continue
			}
			for k := range acc {
				cur[i*dim+k] = float32(acc[k] / float64(cnt))
			}
			got = append(got, i)
		}
		if len(got) == 0 {
			return
		}
		for _, i := range got {
			has[i] = true
		}
		frontier = rest
	}
}

func containsKind(ks []corpus.Kind, k corpus.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// nodes holds every node's vector after solving.
type nodes struct {
	cur  []float32   // n x dim
	hat  [][]float32 // the trained vector of each node, nil when none
	from [][2]int    // the set and row of hat[i]
	has  []bool      // the node has a value
	rep  Report
}

// solve computes every node's retrofitted vector; with fixed, trained
// nodes keep their trained vectors.
func solve(space []*embedding.Set, g *Graph, cfg Config, fixed bool) nodes {
	n, dim := g.Len(), space[0].Dim
	// The trained vector of each node, if any.
	hat := make([][]float32, n)
	from := make([][2]int, n) // the set and row hat[i] is
	for si, s := range space {
		for r, tok := range s.Tokens {
			if i, ok := g.Node(tok); ok && hat[i] == nil {
				hat[i], from[i] = s.Vector(r), [2]int{si, r}
			}
		}
	}
	rep := Report{Nodes: n, Edges: g.Edges(), Iterations: cfg.Iterations}
	cur := make([]float32, n*dim)
	has := make([]bool, n) // the node has a value
	for i, h := range hat {
		if h != nil {
			copy(cur[i*dim:], h)
			has[i] = true
			rep.Trained++
		}
	}
	spread(g, cur, has, dim)

	next := make([]float32, n*dim)
	acc := make([]float64, dim)
	for range cfg.Iterations {
		change := 0.0
		for i := range n {
			row := next[i*dim : (i+1)*dim]
			nb := g.Neighbours(i)
			if !has[i] || len(nb) == 0 || fixed && hat[i] != nil {
				copy(row, cur[i*dim:(i+1)*dim])
				continue
			}
			clear(acc)
			for _, j := range nb {
				for k, v := range cur[int(j)*dim : int(j+1)*dim] {
					acc[k] += float64(v)
				}
			}
			// (Beta·mean + α·q̂) / (Beta + α); α = 0 without a trained vector.
			w := cfg.Beta / float64(len(nb))
			den := cfg.Beta
			if hat[i] != nil {
				den += cfg.Alpha
			}
			for k := range acc {
				v := w * acc[k]
				if hat[i] != nil {
					v += cfg.Alpha * float64(hat[i][k])
				}
				nv := float32(v / den)
				change = math.Max(change, math.Abs(float64(nv-cur[i*dim+k])))
				row[k] = nv
			}
		}
		cur, next = next, cur
		rep.Change = change
	}

	return nodes{cur: cur, hat: hat, from: from, has: has, rep: rep}
}
