package synth

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/internal/shareddata"
)

// handTable is a small table with a known tree: root A01 (a code), root A02
// with children A020 (a code), A021 (a code) and A022 (a header over A0221
// and A0222).
func handTable(t *testing.T) *table {
	t.Helper()
	tab := newTable()
	c1 := tab.addCategory("CAT001", "one")
	c2 := tab.addCategory("CAT002", "two")
	for _, c := range []struct {
		code string
		cat  int32
	}{{"A01", c1}, {"A020", c2}, {"A021", c2}, {"A0221", c1}, {"A0222", c2}} {
		tab.addCode(c.code, c.code, []int32{c.cat})
	}
	if err := tab.check(); err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestTreePopularity(t *testing.T) {
	tab := handTable(t)
	tr := newCodeTree(tab)
	tr.sharePopularity(1)
	// A02's children by first appearance: A020, A021, A022 with Zipf(1)
	// shares 6/11, 3/11, 2/11; A022 shares its 2/11 as 2/3 and 1/3.
	want := []float64{1, 6.0 / 11, 3.0 / 11, 2.0 / 11 * 2 / 3, 2.0 / 11 / 3}
	for x, w := range want {
		if got := tr.codePop[x]; math.Abs(got-w) > 1e-12 {
			t.Errorf("%s popularity %v, want %v", tab.codes[x], got, w)
		}
	}

	// On the built-in tree every root's codes share popularity 1, and
	// siblings' popularity falls with rank.
	b, err := builtin()
	if err != nil {
		t.Fatal(err)
	}
	tr = newCodeTree(b)
	tr.sharePopularity(2)
	sum := map[int32]float64{}
	for x := range b.codes {
		v := tr.codeNode[x]
		for tr.nodes[v].parent >= 0 {
			v = tr.nodes[v].parent
		}
		sum[v] += tr.codePop[x]
	}
	for v, s := range sum {
		if math.Abs(s-1) > 1e-9 {
			t.Errorf("codes under root %d hold popularity %v, want 1", v, s)
		}
	}
	for _, n := range tr.nodes {
		for i := 1; i < len(n.kids); i++ {
			if a, b := tr.nodes[n.kids[i-1]].pop, tr.nodes[n.kids[i]].pop; b > a {
				t.Fatalf("a child of rank %d has popularity %v above its elder's %v", i, b, a)
			}
		}
	}
}

func TestTreeProfile(t *testing.T) {
	tab := handTable(t)
	tr := newCodeTree(tab)
	tr.assignContexts(tab, 0)
	// With no departures a node keeps its codes' majority category: A02
	// holds three CAT002 codes and one CAT001 code; A022 holds one of each,
	// and the tie goes to the category met first (CAT001, by A0221).
	for _, tc := range []struct {
		prefix string
		cat    string
	}{{"A01", "CAT001"}, {"A02", "CAT002"}, {"A022", "CAT001"}, {"A0221", "CAT001"}, {"A0222", "CAT002"}} {
		v := nodeOf(t, tr, tab, tc.prefix)
		if got := tab.cats[tr.nodes[v].ctx]; got != tc.cat {
			t.Errorf("node %s keeps %s's company, want %s", tc.prefix, got, tc.cat)
		}
	}
	// A0222: its own node takes spread*decay = 0.35 (CAT002), A022 takes
	// 0.5 of the remaining 0.65 (CAT001), the root A02 the rest (CAT002).
	prof := tr.profile(nil, 4, 0.5, 0.7)
	got := map[string]float64{}
	total := 0.0
	for _, p := range prof {
		got[tab.cats[p.cat]] += p.w
		total += p.w
	}
	want := map[string]float64{"CAT002": 0.35 + 0.325, "CAT001": 0.325}
	for c, w := range want {
		if math.Abs(got[c]-w) > 1e-12 {
			t.Errorf("A0222's weight on %s is %v, want %v", c, got[c], w)
		}
	}
	if len(prof) != 2 || math.Abs(total-1) > 1e-12 {
		t.Errorf("A0222's profile %v: want two merged components summing to 1", prof)
	}
	// A root code is its own context alone.
	if p := tr.profile(nil, 0, 0.5, 0.7); len(p) != 1 || p[0].w != 1 {
		t.Errorf("A01's profile %v, want its own context with weight 1", p)
	}
}

func nodeOf(t *testing.T, tr *codeTree, tab *table, prefix string) int32 {
	t.Helper()
	for x, c := range tab.codes {
		if !strings.HasPrefix(c, prefix) {
			continue
		}
		v := tr.codeNode[x]
		for tr.nodes[v].depth > len(prefix) {
			v = tr.nodes[v].parent
		}
		return v
	}
	t.Fatalf("no code under %s", prefix)
	return -1
}

// TestDeparturesNest checks that raising OffCategoryShare only adds
// departures: a node that keeps another category's company at a low share
// keeps the same one at a higher share, and roots never depart.
func TestDeparturesNest(t *testing.T) {
	b, err := builtin()
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := newCodeTree(b), newCodeTree(b)
	maj := newCodeTree(b)
	lo.assignContexts(b, 0.3)
	hi.assignContexts(b, 0.6)
	maj.assignContexts(b, 0)
	var nlo, nhi int
	for v := range lo.nodes {
		l, h, m := lo.nodes[v].ctx, hi.nodes[v].ctx, maj.nodes[v].ctx
		if lo.nodes[v].parent < 0 && (l != m || h != m) {
			t.Fatalf("root %d departs from its category", v)
		}
		if l != m {
			nlo++
			if h != l {
				t.Fatalf("node %d departs to %d at 0.3 but to %d at 0.6", v, l, h)
			}
		}
		if h != m {
			nhi++
		}
	}
	t.Logf("%d nodes; departures %d at 0.3, %d at 0.6", len(lo.nodes), nlo, nhi)
	if nlo >= nhi {
		t.Errorf("departures %d at 0.3, %d at 0.6: want more at the higher share", nlo, nhi)
	}
}

// meanCosineByPrefix returns, for each shared-prefix length 0..maxCodeLen-1,
// the mean cosine of the profiles of up to pairs distinct random code pairs
// sharing exactly that prefix, and how many pairs it found.
func meanCosineByPrefix(codes []string, vec func(i int) map[int32]float64, pairs int, seed uint64) (mean []float64, n []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	group := map[string][]int{}
	for i, c := range codes {
		for l := 1; l <= len(c); l++ {
			group[c[:l]] = append(group[c[:l]], i)
		}
	}
	mean, n = make([]float64, maxCodeLen), make([]int, maxCodeLen)
	seen := map[[2]int]bool{}
	for l := range maxCodeLen {
		for try := 0; try < 50*pairs && n[l] < pairs; try++ {
			i := rng.IntN(len(codes))
			var j int
			if l == 0 {
				j = rng.IntN(len(codes))
			} else {
				if len(codes[i]) < l {
					continue
				}
				g := group[codes[i][:l]]
				j = g[rng.IntN(len(g))]
			}
			if i == j || lcp(codes[i], codes[j]) != l || seen[[2]int{min(i, j), max(i, j)}] {
				continue
			}
			seen[[2]int{min(i, j), max(i, j)}] = true
			mean[l] += cosine(vec(i), vec(j))
			n[l]++
		}
		if n[l] > 0 {
			mean[l] /= float64(n[l])
		}
	}
	return mean, n
}

func lcp(a, b string) int {
	k := 0
	for k < len(a) && k < len(b) && a[k] == b[k] {
		k++
	}
	return k
}

func cosine(a, b map[int32]float64) float64 {
	var d, na, nb float64
	for k, v := range a {
		na += v * v
		d += v * b[k]
	}
	for _, v := range b {
		nb += v * v
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return d / math.Sqrt(na*nb)
}

// TestProfilesAlikeByPrefix checks the generator's intent on its own
// profiles: codes sharing a longer prefix have more alike profiles, on the
// built-in hierarchy and on a real CCSR map.
func TestProfilesAlikeByPrefix(t *testing.T) {
	tables := map[string]func(t *testing.T) *table{
		"builtin": func(t *testing.T) *table {
			b, err := builtin()
			if err != nil {
				t.Fatal(err)
			}
			return b
		},
		"ccsr": func(t *testing.T) *table {
			m, err := hierarchy.ReadMapFile(shareddata.Path(t, "ccsr/hcup.data_CCSR_DX_mapping_v2022-1.csv.gz"))
			if err != nil {
				t.Fatal(err)
			}
			tab, err := tableFromMap(m)
			if err != nil {
				t.Fatal(err)
			}
			return tab
		},
	}
	for _, name := range []string{"builtin", "ccsr"} {
		t.Run(name, func(t *testing.T) {
			tab := tables[name](t)
			cfg := DefaultConfig()
			tr := newCodeTree(tab)
			tr.assignContexts(tab, cfg.OffCategoryShare)
			vec := func(i int) map[int32]float64 {
				m := map[int32]float64{}
				for _, p := range tr.profile(nil, int32(i), cfg.Spread, cfg.SpreadDecay) {
					m[p.cat] = p.w
				}
				return m
			}
			mean, n := meanCosineByPrefix(tab.codes, vec, 3000, 1)
			t.Logf("mean profile cosine by shared prefix length: %.3f (pairs %v)", mean, n)
			// Below the 3-character root codes share no node; from there on
			// each shared character adds a shared node.
			for l := rootLen; l < maxCodeLen; l++ {
				if n[l] < 20 {
					continue
				}
				if mean[l] <= mean[l-1] {
					t.Errorf("codes sharing %d characters are less alike (%.3f) than codes sharing %d (%.3f)", l, mean[l], l-1, mean[l-1])
				}
			}
			if mean[rootLen] < 2*mean[rootLen-1] {
				t.Errorf("sharing the 3-character category lifts profile cosine only from %.3f to %.3f", mean[rootLen-1], mean[rootLen])
			}
		})
	}
}

func TestGrowSubtree(t *testing.T) {
	for _, tc := range []struct {
		prefix string
		n      int
	}{{"E11Q", 1}, {"E11Q", 2}, {"E11Q", 37}, {"S72L", 1000}, {"S72L1", 100}, {"S72L12", 10}} {
		rng := rand.New(rand.NewPCG(7, uint64(tc.n)))
		var got []string
		growSubtree(rng, tc.prefix, tc.n, func(c string) { got = append(got, c) })
		if len(got) != tc.n {
			t.Errorf("%s with %d codes emitted %d", tc.prefix, tc.n, len(got))
		}
		sort.Strings(got)
		for i, c := range got {
			if !strings.HasPrefix(c, tc.prefix) || len(c) > maxCodeLen {
				t.Errorf("code %s is not under %s or longer than %d", c, tc.prefix, maxCodeLen)
			}
			if strings.Trim(c[len(tc.prefix):], "0123456789") != "" {
				t.Errorf("code %s has a non-digit past %s", c, tc.prefix)
			}
			// Sorted, a code that prefixes another is followed by one.
			if i > 0 && strings.HasPrefix(c, got[i-1]) {
				t.Errorf("code %s extends code %s", c, got[i-1])
			}
		}
	}
}
