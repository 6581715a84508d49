package retrofit

import (
	"cmp"
	"slices"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/hierarchy"
)

// Graph is an undirected graph over tokens: codes and their ancestors.
type Graph struct {
	Nodes []string      // sorted
	Kinds []corpus.Kind // Nodes[i]'s kind
	off   []int32       // neighbours of node i: nbr[off[i]:off[i+1]], sorted
	nbr   []int32
	index map[string]int32
}

// NewGraph returns the hierarchy graph of the given codes (normalised, as
// an embedding.Set holds them): each code, its ancestors at a's levels, and
// the edges between them (a.Edges). A code listed twice, or an edge met
// through several codes, counts once.
func NewGraph(a *hierarchy.Ancestry, codes ...[]string) *Graph {
	var edges []hierarchy.Edge
	seen := make(map[string]bool)
	var nodes []string
	addNode := func(t string) {
		if !seen[t] {
			seen[t] = true
			nodes = append(nodes, t)
		}
	}
	for _, list := range codes {
		for _, c := range list {
			if seen[c] {
				continue // its edges are in already
			}
			addNode(c)
			edges = a.Edges(c, edges)
		}
	}
	for _, e := range edges {
		addNode(e.Parent)
	}
	slices.Sort(nodes)
	g := &Graph{Nodes: nodes, Kinds: make([]corpus.Kind, len(nodes)), index: make(map[string]int32, len(nodes))}
	for i, t := range nodes {
		g.index[t] = int32(i)
		g.Kinds[i] = corpus.KindOf(t)
	}
	type pair struct{ a, b int32 }
	pairs := make([]pair, 0, 2*len(edges))
	for _, e := range edges {
		i, j := g.index[e.Child], g.index[e.Parent]
		if i != j {
			pairs = append(pairs, pair{i, j}, pair{j, i})
		}
	}
	slices.SortFunc(pairs, func(x, y pair) int { return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b)) })
	pairs = slices.Compact(pairs)
	g.off = make([]int32, len(nodes)+1)
	g.nbr = make([]int32, len(pairs))
	for k, p := range pairs {
		g.off[p.a+1]++
		g.nbr[k] = p.b
	}
	for i := range nodes {
		g.off[i+1] += g.off[i]
	}
	return g
}

// Len returns the number of nodes.
func (g *Graph) Len() int { return len(g.Nodes) }

// Edges returns the number of (undirected) edges.
func (g *Graph) Edges() int { return len(g.nbr) / 2 }

// Node returns the index of a token and whether it is a node.
func (g *Graph) Node(tok string) (int, bool) {
	i, ok := g.index[tok]
	return int(i), ok
}

// Neighbours returns the indices of node i's neighbours, sorted. The slice
// is shared: do not modify it.
func (g *Graph) Neighbours(i int) []int32 { return g.nbr[g.off[i]:g.off[i+1]] }
