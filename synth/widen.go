package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The built-in hierarchy is widened from the real codes of builtin.go to the
// scale of the corpus of Finch et al. 2021 (about 5,400 distinct codes in
// about 400 CCSR categories). The widening is fixed, not drawn from
// Config.Seed: every run sees the same hierarchy, only the patients differ.
const (
	// targetCategories is the number of categories of the built-in
	// hierarchy: real CCSR categories holding the real codes, plus synthetic
	// ones in each body system in proportion to the real categories it lacks.
	targetCategories = 400
	// targetCodes is the approximate number of codes of the built-in hierarchy.
	targetCodes = 5400
	// minCategoryCodes is the smallest number of codes in a category.
	minCategoryCodes = 3
	// secondCategoryShare is the share of synthetic codes given a second
	// category; with the real codes' own multiple categories about 10% of
	// codes have two or more, as in CCSR (11%).
	secondCategoryShare = 0.09
	// widenSeed seeds the widening.
	widenSeed = 0x5eed_c0de_2021
)

// syntheticLetters are the characters a synthetic code carries in its 4th
// position. No FY2021 ICD-10-CM code has any of them there (the 4th
// character is a digit, or one of A-K, X or Z), so a synthetic code can
// never be mistaken for a real one, while still looking like one: a letter,
// two digits, then up to four more characters.
const syntheticLetters = "LMNPQRSTUVWY"

var (
	builtinOnce  sync.Once
	builtinTab   *table
	builtinError error
)

// builtin returns the built-in hierarchy, built once.
func builtin() (*table, error) {
	builtinOnce.Do(func() {
		builtinTab, builtinError = buildBuiltin()
	})
	return builtinTab, builtinError
}

// buildBuiltin builds the built-in hierarchy from the data of builtin.go.
func buildBuiltin() (*table, error) {
	rng := rand.New(rand.NewPCG(widenSeed, 1))
	t := newTable()

	type catInfo struct {
		stems []string
		size  int
	}
	var info []catInfo
	sysStems := map[string][]string{}
	sysSizes := map[string][]int{}
	touched := map[string]int{}
	for _, c := range builtinCategories {
		t.addCategory(c.id, c.description)
		stems := strings.Fields(c.stems)
		info = append(info, catInfo{stems, c.size})
		p := c.id[:3]
		sysStems[p] = append(sysStems[p], stems...)
		sysSizes[p] = append(sysSizes[p], c.size)
		touched[p]++
	}

	// Synthetic categories: the remaining slots, shared among the body
	// systems in proportion to the CCSR categories each lacks (largest
	// remainder, ties in system order).
	extra := targetCategories - len(t.cats)
	deficit := make([]int, len(builtinSystems))
	total := 0
	for i, s := range builtinSystems {
		deficit[i] = max(0, s.categories-touched[s.prefix])
		total += deficit[i]
	}
	alloc := make([]int, len(builtinSystems))
	if extra > 0 && total > 0 {
		type rem struct {
			i int
			r float64
		}
		var rems []rem
		given := 0
		for i, d := range deficit {
			q := float64(extra) * float64(d) / float64(total)
			alloc[i] = int(q)
			given += alloc[i]
			rems = append(rems, rem{i, q - float64(alloc[i])})
		}
		sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
		for k := 0; given < extra; k++ {
			alloc[rems[k%len(rems)].i]++
			given++
		}
	}
	for i, s := range builtinSystems {
		stems := dedupe(sysStems[s.prefix])
		sizes := sysSizes[s.prefix]
		if len(stems) == 0 || len(sizes) == 0 {
			return nil, fmt.Errorf("synth: built-in body system %s has no real category", s.prefix)
		}
		for k := 1; k <= alloc[i]; k++ {
			n := s.maxID + k
			id := s.prefix + pad3(n)
			t.addCategory(id, "Synthetic category "+strconv.Itoa(n)+": "+s.description)
			ns := 1 + rng.IntN(2)
			var st []string
			for range ns {
				st = append(st, stems[rng.IntN(len(stems))])
			}
			info = append(info, catInfo{dedupe(st), sizes[rng.IntN(len(sizes))]})
		}
	}

	// Real codes, with their real categories.
	used := map[string]bool{}
	partners := make([][]int32, len(t.cats)) // secondary categories of a category's real codes
	defaults := make([]int, len(t.cats))
	for _, c := range builtinCodes {
		var cats []int32
		for _, id := range strings.Fields(c.cats) {
			i, ok := t.catIndex[id]
			if !ok {
				return nil, fmt.Errorf("synth: built-in code %s names unknown category %s", c.code, id)
			}
			cats = append(cats, i)
		}
		if used[c.code] {
			return nil, fmt.Errorf("synth: built-in code %s listed twice", c.code)
		}
		used[c.code] = true
		t.addCode(c.code, c.description, cats)
		defaults[cats[0]]++
		for _, s := range cats[1:] {
			partners[cats[0]] = append(partners[cats[0]], s)
		}
	}

	// Target size of each category: sqrt of its CCSR size, scaled so the
	// whole hierarchy holds about targetCodes codes (bisection on the scale).
	want := func(a float64) []int {
		n := make([]int, len(t.cats))
		for c := range n {
			n[c] = max(defaults[c], minCategoryCodes, int(math.Round(a*math.Sqrt(float64(info[c].size)))))
		}
		return n
	}
	lo, hi := 0.0, 100.0
	for range 60 {
		mid := (lo + hi) / 2
		s := 0
		for _, v := range want(mid) {
			s += v
		}
		if s < targetCodes {
			lo = mid
		} else {
			hi = mid
		}
	}
	sizes := want(hi)

	// Synthetic codes: a category's codes beyond its real ones are shared
	// at random among its stems, and under each stem grown as a subtree
	// below a synthetic 4th character of the category's own.
	letters := map[string][]int{} // each stem's synthetic 4th characters, in the order they are taken
	used4 := map[string]int{}     // how many of them are taken
	for c := range t.cats {
		ci := int32(c)
		stems := info[c].stems
		per := make([]int, len(stems))
		for range sizes[c] - defaults[c] {
			per[rng.IntN(len(stems))]++
		}
		k := defaults[c]
		for i, stem := range stems {
			if per[i] == 0 {
				continue
			}
			if letters[stem] == nil {
				letters[stem] = rng.Perm(len(syntheticLetters))
			}
			n := used4[stem]
			if n == len(syntheticLetters) {
				return nil, fmt.Errorf("synth: built-in stem %s holds more than %d synthetic subtrees", stem, n)
			}
			used4[stem] = n + 1
			l := letters[stem][n]
			growSubtree(rng, stem+syntheticLetters[l:l+1], per[i], func(code string) {
				k++
				cats := []int32{ci}
				if rng.Float64() < secondCategoryShare {
					var s int32 = -1
					if p := partners[c]; len(p) > 0 && rng.IntN(2) == 0 {
						s = p[rng.IntN(len(p))]
					} else {
						s = t.randomInSystem(rng, t.system(ci), ci)
					}
					if s >= 0 {
						cats = append(cats, s)
					}
				}
				t.addCode(code, "Synthetic code "+strconv.Itoa(k)+" of "+t.catDesc[c], cats)
			})
		}
	}
	t.rankMembers()
	if err := t.check(); err != nil {
		return nil, err
	}
	return t, nil
}

// maxCodeLen is the length of the longest ICD-10-CM code (S72.001A).
const maxCodeLen = 7

// growSubtree emits n codes under prefix as a random subtree in the shape of
// ICD-10-CM's: a node holding one code is that code; a node holding more
// has 2 to 10 children (uniformly, at least enough for their capacity), one
// per digit (a random set, in digit order), each holding at least one code
// and the rest shared among them at random, so codes are 4 to 7 characters
// long and no code is a prefix of another. n must fit: at most
// 10^(maxCodeLen-len(prefix)).
func growSubtree(rng *rand.Rand, prefix string, n int, emit func(code string)) {
	if n == 1 {
		emit(prefix)
		return
	}
	capacity := 1 // codes a child's subtree can hold
	for range maxCodeLen - len(prefix) - 1 {
		capacity *= 10
	}
	lo, hi := max(2, (n+capacity-1)/capacity), min(n, 10)
	k := lo + rng.IntN(hi-lo+1)
	held := make([]int, k)
	for i := range held {
		held[i] = 1
	}
	for range n - k {
		for {
			i := rng.IntN(k)
			if held[i] < capacity {
				held[i]++
				break
			}
		}
	}
	digits := rng.Perm(10)[:k]
	sort.Ints(digits)
	for i, d := range digits {
		growSubtree(rng, prefix+string(rune('0'+d)), held[i], emit)
	}
}

// randomInSystem returns a random category of body system prefix other than
// not, or -1 when there is none.
func (t *table) randomInSystem(rng *rand.Rand, prefix string, not int32) int32 {
	var cand []int32
	for c := range t.cats {
		if int32(c) != not && t.system(int32(c)) == prefix {
			cand = append(cand, int32(c))
		}
	}
	if len(cand) == 0 {
		return -1
	}
	return cand[rng.IntN(len(cand))]
}

// rankMembers orders each category's codes for the Zipf draw: codes whose
// default category it is first, keeping their order, then the codes for
// which it is a secondary category (an E11 code is common in END002, a
// gestational diabetes code that also maps to END002 is not).
func (t *table) rankMembers() {
	for c, ms := range t.catCodes {
		ci := int32(c)
		sort.SliceStable(ms, func(i, j int) bool {
			return t.codeCats[ms[i]][0] == ci && t.codeCats[ms[j]][0] != ci
		})
	}
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func pad3(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 3 {
		s = "0" + s
	}
	return s
}
