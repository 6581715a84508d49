package synth

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hiervec/hiervec/hierarchy"
)

// table is the hierarchy the generator draws from: codes (normalised, no
// dot), categories, their descriptions, and membership both ways. The
// built-in demonstration hierarchy and a real CCSR map both become a table,
// so the patient model never knows where its codes came from.
type table struct {
	codes    []string  // normalised ICD-10-CM codes
	codeDesc []string  // description of each code
	codeCats [][]int32 // categories of each code, default first

	cats     []string  // category ids ("CIR007")
	catDesc  []string  // description of each category
	catCodes [][]int32 // codes of each category, most common first (Zipf rank order)

	catIndex map[string]int32 // category id -> index in cats
}

// builtinSystem is a CCSR body system of the built-in hierarchy.
type builtinSystem struct {
	prefix      string // "CIR"
	description string
	categories  int // number of categories in CCSR v2022.1
	maxID       int // highest category number in CCSR v2022.1 (CIR039 -> 39)
}

// builtinCategory is a real CCSR category of the built-in hierarchy.
type builtinCategory struct {
	id          string // "CIR007"
	description string
	stems       string // 3-character ICD-10-CM categories its codes fall under, space-separated
	size        int    // number of codes in CCSR v2022.1
}

// builtinCode is a real ICD-10-CM code of the built-in hierarchy.
type builtinCode struct {
	code        string // normalised ("E119")
	description string
	cats        string // CCSR categories, default first, space-separated
}

// addCategory appends a category and returns its index.
func (t *table) addCategory(id, desc string) int32 {
	i := int32(len(t.cats))
	t.cats = append(t.cats, id)
	t.catDesc = append(t.catDesc, desc)
	t.catCodes = append(t.catCodes, nil)
	t.catIndex[id] = i
	return i
}

// addCode appends a code with its categories (default first) and returns
// its index. The code is appended to each category's member list, so
// members keep the order in which codes were added.
func (t *table) addCode(code, desc string, cats []int32) int32 {
	i := int32(len(t.codes))
	t.codes = append(t.codes, code)
	t.codeDesc = append(t.codeDesc, desc)
	t.codeCats = append(t.codeCats, cats)
	for _, c := range cats {
		t.catCodes[c] = append(t.catCodes[c], i)
	}
	return i
}

func newTable() *table { return &table{catIndex: make(map[string]int32)} }

// tableFromMap builds a table from a CCSR map: every mapped code with all
// its categories (the map's default category first, under its default
// policy), and every category with its description. Within a category,
// codes are ranked for the Zipf draw shortest first, then in code order, so
// the less specific codes ("I10", "E119") are the common ones, as in real
// extracts.
func tableFromMap(m *hierarchy.Map) (*table, error) {
	t := newTable()
	for _, c := range m.AllCategories() {
		t.addCategory(c, m.CategoryDescription(c))
	}
	if len(t.cats) == 0 {
		return nil, fmt.Errorf("synth: CCSR map %s has no categories", m.Name())
	}
	codes := append([]string(nil), m.Codes()...)
	sort.SliceStable(codes, func(i, j int) bool {
		if len(codes[i]) != len(codes[j]) {
			return len(codes[i]) < len(codes[j])
		}
		return codes[i] < codes[j]
	})
	for _, code := range codes {
		all := m.Categories(code, hierarchy.PolicyAll)
		def, _ := m.Category(code)
		cats := make([]int32, 0, len(all))
		if i, ok := t.catIndex[def]; ok {
			cats = append(cats, i)
		}
		for _, c := range all {
			i, ok := t.catIndex[c]
			if !ok || c == def {
				continue
			}
			cats = append(cats, i)
		}
		if len(cats) == 0 {
			continue
		}
		t.addCode(code, m.CodeDescription(code), cats)
	}
	t.rankMembers()
	return t, t.check()
}

// system returns the body-system prefix of category c ("CIR").
func (t *table) system(c int32) string {
	id := t.cats[c]
	if len(id) < 3 {
		return id
	}
	return id[:3]
}

// check verifies the table's invariants: unique codes and categories, every
// code in at least one category and every category non-empty.
func (t *table) check() error {
	seen := make(map[string]bool, len(t.codes))
	var errs []string
	for i, c := range t.codes {
		if seen[c] {
			errs = append(errs, "duplicate code "+c)
		}
		seen[c] = true
		if len(t.codeCats[i]) == 0 {
			errs = append(errs, "code "+c+" has no category")
		}
	}
	for i, ms := range t.catCodes {
		if len(ms) == 0 {
			errs = append(errs, "category "+t.cats[i]+" has no codes")
		}
	}
	if len(errs) > 0 {
		if len(errs) > 5 {
			errs = append(errs[:5], fmt.Sprintf("and %d more", len(errs)-5))
		}
		return fmt.Errorf("synth: inconsistent hierarchy: %s", strings.Join(errs, "; "))
	}
	return nil
}
