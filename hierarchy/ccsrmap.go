package hierarchy

import (
	"slices"
	"strings"
)

// Map is a CCSR map: for each ICD-10-CM code (normalised: upper case, no
// dot) its categories in the file's order, its default inpatient and
// outpatient categories when the file gives them, and the descriptions of
// codes and categories. A Map is read with ReadMap or ReadMapFile and is
// safe for concurrent reads.
type Map struct {
	format  string
	name    string
	index   map[string]int32
	entries []mapEntry
	codes   []string // sorted
	cats    []string // sorted distinct categories used in the category slots
	catDesc map[string]string
	hasIP   bool
	hasOP   bool
	stats   MapStats
}

type mapEntry struct {
	code string
	desc string
	cats []string // in file order, no duplicates
	ip   string   // default inpatient category as given ("" = none given)
	op   string   // default outpatient category as given
	// ipSel and opSel are the one-element results of the default policies,
	// computed once when reading finishes.
	ipSel []string
	opSel []string
}

// MapStats counts what a reader saw. Nothing is dropped silently: rows and
// pairs that do not enter the map are counted here.
type MapStats struct {
	Rows           int // data rows read (title and header rows excluded)
	Pairs          int // distinct (code, category) pairs kept
	Duplicates     int // (code, category) pairs seen again and ignored
	NoCategory     int // wide-layout rows with every category slot blank (their codes stay unmapped)
	UnacceptableIP int // codes whose default inpatient category is XXX000 (or X in the workbook)
	UnacceptableOP int // codes whose default outpatient category is XXX111 (or X in the workbook)
}

// Names of the layouts Map.Format reports.
const (
	FormatDXCCSR        = "dxccsr"
	FormatReferenceLong = "reference-long"
	FormatHCUPDataWide  = "hcup-data-wide"
	FormatPlain         = "plain"
)

// Format returns the layout the map was read from: "dxccsr",
// "reference-long", "hcup-data-wide" or "plain".
func (m *Map) Format() string { return m.format }

// Name returns the file name given to the reader.
func (m *Map) Name() string { return m.name }

// Stats returns the reader's counts.
func (m *Map) Stats() MapStats { return m.stats }

// NumCodes returns the number of codes with at least one category.
func (m *Map) NumCodes() int { return len(m.codes) }

// NumCategories returns the number of distinct categories used in the
// category slots (CCSR CATEGORY 1..6, or the category column); default-only
// values such as XXX000 are not counted.
func (m *Map) NumCategories() int { return len(m.cats) }

// Codes returns the mapped codes, sorted. The slice is shared: do not
// modify it.
func (m *Map) Codes() []string { return m.codes }

// AllCategories returns the distinct categories of NumCategories, sorted.
// The slice is shared: do not modify it.
func (m *Map) AllCategories() []string { return m.cats }

// HasDefaults reports whether the file gave default inpatient and
// outpatient categories (the DXCCSR layout from v2021.1 on, the v2023
// reference workbook, the hcup.data layout).
func (m *Map) HasDefaults() (ip, op bool) { return m.hasIP, m.hasOP }

// DefaultPolicy returns PolicyDefaultOP when the file has the outpatient
// default column, PolicyFirst otherwise.
func (m *Map) DefaultPolicy() Policy {
	if m.hasOP {
		return PolicyDefaultOP
	}
	return PolicyFirst
}

// Categories returns the categories of a normalised code under policy p:
// every category in the file's order for PolicyAll, one category for the
// other policies, nil when the code is unmapped. The slice is shared (its
// capacity is capped, so appending to it copies): do not modify it.
func (m *Map) Categories(code string, p Policy) []string {
	i, ok := m.index[code]
	if !ok {
		return nil
	}
	e := &m.entries[i]
	switch p {
	case PolicyAll:
		return e.cats[:len(e.cats):len(e.cats)]
	case PolicyDefaultIP:
		return e.ipSel
	case PolicyDefaultOP:
		return e.opSel
	default:
		return e.cats[:1:1]
	}
}

// Category returns the single category of a normalised code under
// DefaultPolicy, and whether the code is mapped.
func (m *Map) Category(code string) (string, bool) {
	c := m.Categories(code, m.DefaultPolicy())
	if len(c) == 0 {
		return "", false
	}
	return c[0], true
}

// Has reports whether the map lists the normalised code, with or without a
// usable category. A Map is a corpus.CodeSet: given as the readers' code
// list, it refuses a code column whose values it mostly does not know.
func (m *Map) Has(code string) bool {
	_, ok := m.index[code]
	return ok
}

// DefaultCategories returns the default inpatient and outpatient categories
// of a normalised code exactly as the file gives them (XXX000 and XXX111
// included; "" when the file gives none).
func (m *Map) DefaultCategories(code string) (ip, op string) {
	i, ok := m.index[code]
	if !ok {
		return "", ""
	}
	return m.entries[i].ip, m.entries[i].op
}

// CategoryDescription returns the description of a category, or "" when
// unknown.
func (m *Map) CategoryDescription(cat string) string { return m.catDesc[cat] }

// CodeDescription returns the description of a normalised code, or "" when
// the file gave none.
func (m *Map) CodeDescription(code string) string {
	if i, ok := m.index[code]; ok {
		return m.entries[i].desc
	}
	return ""
}

// unacceptable reports whether a default category is HCUP's marker for a
// code that cannot be the principal (XXX000) or first-listed (XXX111)
// diagnosis.
func unacceptable(cat string) bool { return strings.HasPrefix(cat, "XXX") }

// newMap returns an empty map being read.
func newMap(name, format string) *Map {
	return &Map{
		name:    name,
		format:  format,
		index:   make(map[string]int32),
		catDesc: make(map[string]string),
	}
}

// entry returns the entry of code, creating it.
func (m *Map) entry(code string) *mapEntry {
	if i, ok := m.index[code]; ok {
		return &m.entries[i]
	}
	m.index[code] = int32(len(m.entries))
	m.entries = append(m.entries, mapEntry{code: code})
	return &m.entries[len(m.entries)-1]
}

// addPair adds category cat to e, counting a duplicate.
func (m *Map) addPair(e *mapEntry, cat string) {
	if slices.Contains(e.cats, cat) {
		m.stats.Duplicates++
		return
	}
	e.cats = append(e.cats, cat)
	m.stats.Pairs++
}

// setDesc records a description unless one is already known.
func setDesc(dst map[string]string, key, desc string) {
	if desc == "" {
		return
	}
	if _, ok := dst[key]; !ok {
		dst[key] = desc
	}
}

// finish drops codes without categories from the index, sorts codes and
// categories, and precomputes the default-policy selections.
func (m *Map) finish() {
	catSet := make(map[string]struct{})
	kept := m.entries[:0]
	for _, e := range m.entries {
		if len(e.cats) == 0 {
			continue
		}
		kept = append(kept, e)
	}
	m.entries = kept
	clear(m.index)
	m.codes = make([]string, len(m.entries))
	for i := range m.entries {
		e := &m.entries[i]
		m.index[e.code] = int32(i)
		m.codes[i] = e.code
		for _, c := range e.cats {
			catSet[c] = struct{}{}
		}
		e.ipSel = selectDefault(e.cats, e.ip)
		e.opSel = selectDefault(e.cats, e.op)
		if unacceptable(e.ip) {
			m.stats.UnacceptableIP++
		}
		if unacceptable(e.op) {
			m.stats.UnacceptableOP++
		}
	}
	slices.Sort(m.codes)
	m.cats = make([]string, 0, len(catSet))
	for c := range catSet {
		m.cats = append(m.cats, c)
	}
	slices.Sort(m.cats)
}

// selectDefault returns the one-element selection for a default category:
// the default itself when usable, else the first category.
func selectDefault(cats []string, def string) []string {
	if def != "" && !unacceptable(def) {
		if i := slices.Index(cats, def); i >= 0 {
			return cats[i : i+1 : i+1]
		}
		return []string{def}
	}
	return cats[:1:1]
}
