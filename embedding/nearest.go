package embedding

import (
	"container/heap"
	"fmt"
	"sort"

	"github.com/hiervec/hiervec/corpus"
)

// Neighbor is one result of a nearest-neighbour query.
type Neighbor struct {
	Index  int // row in the set
	Token  string
	Kind   corpus.Kind
	Cosine float32 // cosine similarity to the query, in [-1, 1]
}

// Nearest returns the n rows most similar to query by cosine similarity,
// most similar first; ties go to the lower row. Rows for which filter
// returns false are skipped (filter may be nil); use it to leave out the
// query's own token or to keep only codes. A row or query of norm zero has
// cosine 0 with everything.
//
// The row norms are computed once per set and kept. Selection keeps a
// min-heap of the n best rows seen so far, so a query costs
// O(len·dim + len·log n) rather than a full sort.
func (s *Set) Nearest(query []float32, n int, filter func(i int) bool) []Neighbor {
	if len(query) != s.Dim {
		panic(fmt.Sprintf("embedding: Nearest: query has %d dimensions, set %q has %d", len(query), s.Name, s.Dim))
	}
	if n <= 0 || s.Len() == 0 {
		return nil
	}
	if len(s.norms) != s.Len() {
		s.norms = make([]float32, s.Len())
		for i := range s.norms {
			s.norms[i] = float32(norm(s.Vector(i)))
		}
	}
	qn := norm(query)
	h := make(neighborHeap, 0, min(n, s.Len()))
	for i := range s.Len() {
		if filter != nil && !filter(i) {
			continue
		}
		var c float32
		if rn := float64(s.norms[i]); rn > 0 && qn > 0 {
			var dot float64
			for j, v := range s.Vector(i) {
				dot += float64(v) * float64(query[j])
			}
			c = float32(dot / (rn * qn))
		}
		if len(h) < n {
			heap.Push(&h, scored{i, c})
		} else if c > h[0].cos {
			// Strictly greater: an equal cosine at a later row loses the tie.
			h[0] = scored{i, c}
			heap.Fix(&h, 0)
		}
	}
	sort.Slice(h, func(a, b int) bool { return h.better(a, b) })
	out := make([]Neighbor, len(h))
	for k, e := range h {
		out[k] = Neighbor{Index: e.row, Token: s.Tokens[e.row], Kind: s.Kinds[e.row], Cosine: e.cos}
	}
	return out
}

// NearestToken returns the n rows nearest to token's vector, leaving token
// itself out. The token is looked up as Lookup does; an absent token gives
// an error wrapping ErrUnknownToken.
func (s *Set) NearestToken(token string, n int) ([]Neighbor, error) {
	row, ok := s.Lookup(token)
	if !ok {
		return nil, fmt.Errorf("embedding: set %q: %q: %w", s.Name, token, ErrUnknownToken)
	}
	return s.Nearest(s.Vector(row), n, func(i int) bool { return i != row }), nil
}

// scored is a heap entry.
type scored struct {
	row int
	cos float32
}

// neighborHeap is a min-heap whose root is the worst of the kept rows:
// lowest cosine, and on equal cosine the highest row.
type neighborHeap []scored

func (h neighborHeap) better(a, b int) bool {
	if h[a].cos != h[b].cos {
		return h[a].cos > h[b].cos
	}
	return h[a].row < h[b].row
}
func (h neighborHeap) Len() int           { return len(h) }
func (h neighborHeap) Less(a, b int) bool { return h.better(b, a) }
func (h neighborHeap) Swap(a, b int)      { h[a], h[b] = h[b], h[a] }
func (h *neighborHeap) Push(x any)        { *h = append(*h, x.(scored)) }
func (h *neighborHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
