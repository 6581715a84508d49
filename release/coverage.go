package release

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/internal/atomicfile"
)

// Source says where the written vector of a code comes from.
type Source uint8

const (
	// SourceTrained: the code's own trained row, for a code that passes
	// the rule.
	SourceTrained Source = iota
	// SourceComposed: composed from the rows of the code's ancestors in
	// the hierarchy, without its own row.
	SourceComposed
	// SourceRetrofitted: by retrofitting (Faruqui et al. 2015): a trained
	// vector moved toward its hierarchy neighbours, or, for a code without
	// a written vector of its own, the vector its neighbours give it.
	SourceRetrofitted
	// SourceSuppressed: no vector is written for the code.
	SourceSuppressed
)

var sourceNames = [...]string{"trained", "composed", "retrofitted", "suppressed"}

// String returns "trained", "composed", "retrofitted" or "suppressed".
func (s Source) String() string {
	if int(s) < len(sourceNames) {
		return sourceNames[s]
	}
	return fmt.Sprintf("Source(%d)", int(s))
}

// Origin says where one row of a set comes from: its Source and whether
// the code's own occurrences trained it (OwnRows). A row of a code under
// the small-cell threshold may be written only when OwnRows is false.
type Origin struct {
	Source  Source
	OwnRows bool
}

// Fill gives a code that has no written vector one that does not come
// from its own occurrences (composed from its ancestors, or from its
// hierarchy neighbours), and says which; ok is false when there is none.
type Fill func(code string) (vec []float32, src Source, ok bool)

// CoverageRow is one code of a coverage table.
type CoverageRow struct {
	Code   string // as the set holds it (normalised, no dot)
	Origin Origin
	// Patients and Tokens are the code's distinct patients and
	// occurrences; Counted is false when no counts were given.
	Patients, Tokens int64
	Counted          bool
}

// CoverageReport counts the codes of a coverage table by source.
type CoverageReport struct {
	Listed   int            // codes of the list
	Codes    int            // codes in the table: the list's and the set's
	BySource map[Source]int // codes per source
	// UnderThreshold counts the codes of the table seen in fewer than
	// MinPatients patients, or not at all (one figure: a rare code's
	// presence is itself a small cell).
	UnderThreshold int
	MinPatients    int
}

// String summarises the report in one line, naming no code.
func (r CoverageReport) String() string {
	s := fmt.Sprintf("coverage: %d codes listed, %d in the table:", r.Listed, r.Codes)
	for src := SourceTrained; src <= SourceSuppressed; src++ {
		s += fmt.Sprintf(" %d %s,", r.BySource[src], src)
	}
	s = s[:len(s)-1]
	if r.MinPatients > 1 {
		s += fmt.Sprintf("; %d seen in fewer than %d patients or not at all, none written from its own occurrences", r.UnderThreshold, r.MinPatients)
	}
	return s
}

// ErrOwnRows is returned when a row trained on a code's own occurrences
// would be written for a code under the small-cell threshold.
var ErrOwnRows = errors.New("a vector trained on the code's own occurrences for a code under the small-cell threshold")

// Cover gives every code of list a vector where one can be had and says
// where each comes from. set holds the rows to write, origins where each
// comes from (nil: every row trained); a listed code without a code row
// in set gets one from fill (when not nil), appended after set's rows in
// the list's order, or is marked suppressed. The table has a row for every
// code of list and every code row of set, sorted by code.
//
// counts (nil when the caller has none) and minPatients are the
// small-cell rule: a row of set that OwnRows trained is refused with
// ErrOwnRows when its code is under the threshold, so that only vectors
// that come from elsewhere reach a rare code.
func Cover(set *embedding.Set, origins []Origin, list []string, fill Fill, counts *Counts, minPatients int) (*embedding.Set, []CoverageRow, CoverageReport, error) {
	rep := CoverageReport{Listed: len(list), BySource: map[Source]int{}, MinPatients: minPatients}
	under := func(code string) bool {
		return counts != nil && minPatients > 1 && counts.Patients(code) < int64(minPatients)
	}
	if origins != nil && len(origins) != set.Len() {
		return nil, nil, rep, fmt.Errorf("release: coverage: %d origins for %d rows of set %s", len(origins), set.Len(), set.Name)
	}
	origin := func(i int) Origin {
		if origins == nil {
			return Origin{SourceTrained, true}
		}
		return origins[i]
	}
	have := make(map[string]bool, set.Len())
	var rows []CoverageRow
	bad := 0
	for i, tok := range set.Tokens {
		if set.Kinds[i] != corpus.KindCode {
			continue
		}
		o := origin(i)
		if o.OwnRows && under(tok) {
			bad++
		}
		if !have[tok] {
			have[tok] = true
			rows = append(rows, CoverageRow{Code: tok, Origin: o})
		}
	}
	if bad > 0 {
		return nil, nil, rep, fmt.Errorf("release: set %s: %d rows: %w", set.Name, bad, ErrOwnRows)
	}
	out := set
	var addTok []string
	var addVec []float32
	for _, code := range list {
		if have[code] {
			continue
		}
		have[code] = true
		row := CoverageRow{Code: code, Origin: Origin{Source: SourceSuppressed}}
		if fill != nil {
			if v, src, ok := fill(code); ok {
				if len(v) != set.Dim {
					return nil, nil, rep, fmt.Errorf("release: coverage: a filled vector of %d values in set %s of dimension %d", len(v), set.Name, set.Dim)
				}
				if src == SourceTrained || src == SourceSuppressed {
					return nil, nil, rep, fmt.Errorf("release: coverage: a filled vector marked %s; want composed or retrofitted", src)
				}
				row.Origin = Origin{Source: src}
				addTok = append(addTok, code)
				addVec = append(addVec, v...)
			}
		}
		rows = append(rows, row)
	}
	if len(addTok) > 0 {
		out = &embedding.Set{Name: set.Name, Dim: set.Dim,
			Tokens:  append(slices.Clip(set.Tokens), addTok...),
			Kinds:   append(slices.Clip(set.Kinds), make([]corpus.Kind, len(addTok))...), // KindCode is zero
			Vectors: append(slices.Clip(set.Vectors), addVec...)}
	}
	slices.SortFunc(rows, func(a, b CoverageRow) int { return cmp.Compare(a.Code, b.Code) })
	for i := range rows {
		r := &rows[i]
		if counts != nil {
			r.Patients, r.Tokens, r.Counted = counts.Patients(r.Code), counts.Tokens(r.Code), true
		}
		if under(r.Code) {
			rep.UnderThreshold++
		}
		rep.BySource[r.Origin.Source]++
	}
	rep.Codes = len(rows)
	return out, rows, rep, nil
}

// CoverageHeader is the header of the coverage table.
var CoverageHeader = []string{"code", "patients", "tokens", "source", "own_rows"}

// WriteCoverageTable writes rows as CSV (CoverageHeader): each code with
// its dot (E11.9), its distinct patients and occurrences, the source of
// its vector and whether the code's own occurrences trained it (yes/no).
// Counts under the small-cell threshold are never printed: a code seen in
// fewer than minPatients patients, or in none, has "<minPatients" (for
// example "<11") as its patients and an empty tokens field, so that a code
// the data never held cannot be told from a rare one. Without counts both
// fields are empty. The file is written atomically.
func WriteCoverageTable(path string, rows []CoverageRow, minPatients int) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(CoverageHeader)
	for _, r := range rows {
		patients, tokens := "", ""
		switch {
		case !r.Counted:
		case minPatients > 1 && r.Patients < int64(minPatients):
			patients = "<" + strconv.Itoa(minPatients)
		default:
			patients, tokens = strconv.FormatInt(r.Patients, 10), strconv.FormatInt(r.Tokens, 10)
		}
		own := "no"
		if r.Origin.OwnRows {
			own = "yes"
		}
		w.Write([]string{hierarchy.Dotted(r.Code), patients, tokens, r.Origin.Source.String(), own})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("release: %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, b.Bytes())
}
