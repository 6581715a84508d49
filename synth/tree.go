package synth

import (
	"math"
	"math/rand/v2"
)

// codeTree is the prefix tree of a table's codes: a root for each
// 3-character ICD-10-CM category ("E11"), then a node for each longer prefix
// ("E116", "E1165"). A code sits at the node of its full spelling; in
// ICD-10-CM only leaves are codes (E11.6 is a header), but the tree does not
// rely on it. The tree comes from the codes alone, so it is the same for the
// built-in hierarchy and a real CCSR map.
type codeTree struct {
	nodes    []treeNode
	codeNode []int32   // codeNode[x] is the node at which code x sits
	codePop  []float64 // codePop[x] is code x's popularity (see sharePopularity)
}

type treeNode struct {
	parent int32 // -1 for a root
	depth  int   // prefix length
	code   int32 // the code spelled by this prefix, or -1
	first  int32 // the first code under the node in table order
	kids   []int32
	pop    float64 // popularity: the node's share of its root's draws
	ctx    int32   // own context: the category whose company the node keeps
}

// rootLen is the prefix length of the tree's roots: the 3-character
// category.
const rootLen = 3

// newCodeTree builds the tree of t's codes. Nodes are created in table
// order, each after its parent, so a node's children are listed in the
// order in which their first code appears in the table: that order is their
// popularity rank.
func newCodeTree(t *table) *codeTree {
	tr := &codeTree{codeNode: make([]int32, len(t.codes)), codePop: make([]float64, len(t.codes))}
	index := make(map[string]int32, len(t.codes)*2)
	for x, code := range t.codes {
		parent := int32(-1)
		for l := min(rootLen, len(code)); l <= len(code); l++ {
			p := code[:l]
			v, ok := index[p]
			if !ok {
				v = int32(len(tr.nodes))
				index[p] = v
				tr.nodes = append(tr.nodes, treeNode{parent: parent, depth: l, code: -1, first: int32(x)})
				if parent >= 0 {
					tr.nodes[parent].kids = append(tr.nodes[parent].kids, v)
				}
			}
			parent = v
		}
		tr.nodes[parent].code = int32(x)
		tr.codeNode[x] = parent
	}
	return tr
}

// sharePopularity gives every root popularity 1 and shares each node's
// popularity among its children (and the code spelled by the node itself,
// if any) by a Zipf law of exponent s over their rank: the entry of rank r
// (0 first) gets a share proportional to 1/(r+1)^s. A code's popularity is
// the product of its shares along the path, so codes deep in a large
// subtree are rare.
func (tr *codeTree) sharePopularity(s float64) {
	var w []float64
	for v := range tr.nodes {
		n := &tr.nodes[v]
		if n.parent < 0 {
			n.pop = 1
		}
		// Entries in rank order: the children by their first code, with
		// the node's own code among them by its place in the table.
		own := -1 // rank of the node's own code
		entries := len(n.kids)
		if n.code >= 0 {
			own = 0
			for _, c := range n.kids {
				if tr.nodes[c].first < n.code {
					own++
				}
			}
			entries++
		}
		w = w[:0]
		sum := 0.0
		for r := range entries {
			x := 1 / math.Pow(float64(r+1), s)
			w = append(w, x)
			sum += x
		}
		r := 0
		for _, c := range n.kids {
			if r == own {
				r++
			}
			tr.nodes[c].pop = n.pop * w[r] / sum
			r++
		}
		if own >= 0 {
			tr.codePop[n.code] = n.pop * w[own] / sum
		}
	}
}

// assignContexts sets each node's own context. A node keeps the company of
// the default category shared by most of the codes under it (ties go to
// the category met first in table order). Below the root, with probability
// off it keeps the company of another category instead, chosen uniformly:
// CCSR groups codes by clinical meaning, not by the company they keep, and
// a 4th or later character often changes the company (Z79.4, long-term
// insulin, is coded with diabetes; Z79.01, anticoagulants, with atrial
// fibrillation). Each node draws its uniform and its alternative category
// whatever off is, so raising off only adds departures. The draws come from
// a fixed seed: the tree is part of the hierarchy, not of the sample.
func (tr *codeTree) assignContexts(t *table, off float64) {
	type count struct {
		cat int32
		n   int32
	}
	counts := make([][]count, len(tr.nodes))
	for x := range t.codes {
		cat := t.codeCats[x][0]
		for v := tr.codeNode[x]; v >= 0; v = tr.nodes[v].parent {
			cs := counts[v]
			found := false
			for i := range cs {
				if cs[i].cat == cat {
					cs[i].n++
					found = true
					break
				}
			}
			if !found {
				counts[v] = append(cs, count{cat, 1})
			}
		}
	}
	rng := rand.New(rand.NewPCG(conditionSeed, 4))
	for v := range tr.nodes {
		best := counts[v][0]
		for _, c := range counts[v][1:] {
			if c.n > best.n {
				best = c
			}
		}
		n := &tr.nodes[v]
		n.ctx = best.cat
		if n.parent < 0 {
			continue
		}
		u, alt := rng.Float64(), int32(rng.IntN(len(t.cats)))
		if u < off {
			n.ctx = alt
		}
	}
}

// spreadAt returns the share of a node's profile at prefix length depth that
// is its own context rather than its parent's profile: spread at the 4th
// character, decay times less for each further character.
func spreadAt(depth int, spread, decay float64) float64 {
	return spread * math.Pow(decay, float64(max(0, depth-rootLen-1)))
}

// profile appends code x's profile to dst: the own contexts of the nodes on
// its path with their weights, merged by category. The node at the code
// keeps share spreadAt of the profile for its own context and takes the
// rest from its parent's profile, down to the root, which is its own
// context alone; so a code's weight on an ancestor at depth d is
// spreadAt(d) times the product of (1 - spreadAt) over the nodes below it.
func (tr *codeTree) profile(dst []ctxWeight, x int32, spread, decay float64) []ctxWeight {
	dst = dst[:0]
	rest := 1.0
	for v := tr.codeNode[x]; v >= 0; v = tr.nodes[v].parent {
		n := &tr.nodes[v]
		w := rest
		if n.parent >= 0 {
			w = rest * spreadAt(n.depth, spread, decay)
		}
		rest -= w
		merged := false
		for i := range dst {
			if dst[i].cat == n.ctx {
				dst[i].w += w
				merged = true
				break
			}
		}
		if !merged {
			dst = append(dst, ctxWeight{n.ctx, w})
		}
	}
	return dst
}

// ctxWeight is one component of a code's profile.
type ctxWeight struct {
	cat int32
	w   float64
}
