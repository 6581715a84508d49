package evaluate

import (
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode"

	"github.com/hiervec/hiervec/internal/input"
	"github.com/hiervec/hiervec/internal/redact"
)

// Outcomes holds binary patient-year outcomes read from a CSV file:
//
//	patient_id,year,mortality,unplanned_admission
//	P0001,2019,0,1
//
// The first two header names must be patient_id and year (any case); every
// further column is an outcome, named by its header. Values are 0 or 1.
// Each (patient id, year) appears once. Patient identifiers stay in memory
// for the join with a corpus; they never appear in errors or outputs.
//
// The identifiers are kept in one byte array and found through a map from
// a 64-bit hash of (identifier, year) to the row (hash/maphash), every hit
// checked against the stored identifier and year; a row whose hash an
// earlier row already has is kept in a second, string-keyed map. Neither
// array nor the first map holds pointers, so the collector never scans
// them, and a row costs its identifier's bytes plus about 45 bytes instead
// of a string header, a string and a string-keyed map entry each.
type Outcomes struct {
	// Names lists the outcomes in file order.
	Names []string
	// Years holds the year of each row.
	Years []int32
	// Values[k][row] is outcome Names[k] of a row.
	Values [][]bool

	ids     []byte  // the patient ids of all rows, concatenated; never printed
	idEnd   []int64 // end of row i's id in ids
	seed    maphash.Seed
	index   map[uint64]int32      // hash of (id, year) -> row
	collide map[patientYear]int32 // rows whose hash an earlier row has
}

type patientYear struct {
	id   string
	year int32
}

// Len returns the number of rows.
func (o *Outcomes) Len() int { return len(o.Years) }

// id returns the patient id of row r.
func (o *Outcomes) id(r int) string {
	lo := int64(0)
	if r > 0 {
		lo = o.idEnd[r-1]
	}
	return string(o.ids[lo:o.idEnd[r]])
}

// is tells whether row r is (patientID, year), without allocating.
func (o *Outcomes) is(r int32, patientID string, year int32) bool {
	lo := int64(0)
	if r > 0 {
		lo = o.idEnd[r-1]
	}
	return o.Years[r] == year && string(o.ids[lo:o.idEnd[r]]) == patientID
}

func (o *Outcomes) hash(patientID string, year int32) uint64 {
	var h maphash.Hash
	h.SetSeed(o.seed)
	h.WriteString(patientID)
	var y [4]byte
	binary.LittleEndian.PutUint32(y[:], uint32(year))
	h.Write(y[:])
	return h.Sum64() & hashMask
}

// hashMask is applied to every (id, year) hash; tests narrow it to force
// collisions.
var hashMask = ^uint64(0)

// Row returns the row of (patientID, year) and whether there is one.
func (o *Outcomes) Row(patientID string, year int32) (int, bool) {
	if r, ok := o.index[o.hash(patientID, year)]; ok && o.is(r, patientID, year) {
		return int(r), true
	}
	r, ok := o.collide[patientYear{patientID, year}]
	return int(r), ok
}

// add stores a row's (patientID, year) as row r; it returns the earlier
// row with the same pair, or -1.
func (o *Outcomes) add(patientID string, year int32, r int32) int32 {
	h := o.hash(patientID, year)
	first, ok := o.index[h]
	if !ok {
		o.index[h] = r
		return -1
	}
	if o.is(first, patientID, year) {
		return first
	}
	key := patientYear{patientID, year}
	if first, ok := o.collide[key]; ok {
		return first
	}
	if o.collide == nil {
		o.collide = map[patientYear]int32{}
	}
	o.collide[key] = r
	return -1
}

// OutcomeParseError is a problem in an outcomes file. Its text names the
// file, the 1-based line, the 1-based field number (0 when the whole row is
// meant) and what was expected; it shows a field only through
// internal/redact (a row's values are described by their shape, an outcome
// name is quoted only when shaped like a name), so a patient identifier
// cannot leak through it.
type OutcomeParseError struct {
	File   string
	Line   int
	Column int
	Err    error
}

func (e *OutcomeParseError) Error() string {
	if e.Column == 0 {
		return fmt.Sprintf("evaluate: %s:%d: %s", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("evaluate: %s:%d:%d: %s", e.File, e.Line, e.Column, e.Err)
}

func (e *OutcomeParseError) Unwrap() error { return e.Err }

// Sentinel errors wrapped by OutcomeParseError.
var (
	// ErrBadHeader: the header is not patient_id,year,<outcome>...
	ErrBadHeader = errors.New("bad header")
	// ErrBadValue: a field does not hold what its column needs.
	ErrBadValue = errors.New("bad value")
	// ErrDuplicateRow: a (patient id, year) pair appears twice.
	ErrDuplicateRow = errors.New("duplicate patient-year")
)

// ReadOutcomes reads an outcomes CSV file; see Outcomes and ReadOutcomesFrom.
func ReadOutcomes(path string) (*Outcomes, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("evaluate: outcomes: %w", err)
	}
	defer f.Close()
	return ReadOutcomesFrom(f, path)
}

// ReadOutcomesFrom reads an outcomes CSV from r (gzip decompressed, a
// byte-order mark dropped, a workbook or binary file refused); name is used
// in errors.
// The first bad row stops the read with an *OutcomeParseError.
func ReadOutcomesFrom(r io.Reader, name string) (*Outcomes, error) {
	br, err := input.NewReader(r, "") // gzip, byte-order mark, not text
	if err != nil {
		return nil, &OutcomeParseError{File: name, Line: 1, Err: fmt.Errorf("%w: %w", ErrBadHeader, err)}
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = 0 // every row as long as the header
	cr.ReuseRecord = true
	perr := func(line, col int, format string, a ...any) error {
		return &OutcomeParseError{File: name, Line: line, Column: col, Err: fmt.Errorf(format, a...)}
	}
	csvErr := func(err error) error {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			// csv's own message quotes no field values; keep its kind only.
			return &OutcomeParseError{File: name, Line: pe.Line, Err: fmt.Errorf("%w: %w", ErrBadValue, pe.Err)}
		}
		return fmt.Errorf("evaluate: %s: %w", name, err)
	}
	head, err := cr.Read()
	if err == io.EOF {
		return nil, perr(1, 0, "%w: empty file; want a header patient_id,year,<outcome>,...", ErrBadHeader)
	}
	if err != nil {
		return nil, csvErr(err)
	}
	if len(head) < 3 {
		return nil, perr(1, 0, "%w: %d columns; want patient_id,year and at least one outcome column", ErrBadHeader, len(head))
	}
	for i, want := range []string{"patient_id", "year"} {
		if !strings.EqualFold(strings.TrimSpace(head[i]), want) {
			// The value is not echoed: a file without a header has a
			// patient id here.
			return nil, perr(1, i+1, "%w: want %q as column %d (is the header line missing?)", ErrBadHeader, want, i+1)
		}
	}
	o := &Outcomes{index: make(map[uint64]int32), seed: maphash.MakeSeed()}
	var lines []int // line of each row, for duplicate errors
	seen := make(map[string]int)
	for i, h := range head[2:] {
		h = strings.TrimSpace(h)
		if h == "" {
			return nil, perr(1, i+3, "%w: outcome column %d has no name", ErrBadHeader, i+3)
		}
		if j, ok := seen[h]; ok {
			return nil, perr(1, i+3, "%w: outcome %s repeats column %d", ErrBadHeader, redact.Quote(h, isOutcomeName), j)
		}
		seen[h] = i + 3
		o.Names = append(o.Names, h)
	}
	o.Values = make([][]bool, len(o.Names))
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvErr(err)
		}
		line, _ := cr.FieldPos(0)
		id := strings.TrimSpace(rec[0])
		if id == "" {
			return nil, perr(line, 1, "%w: empty patient id", ErrBadValue)
		}
		ys := strings.TrimSpace(rec[1])
		year, err := strconv.ParseInt(ys, 10, 32)
		if err != nil || year < 1 {
			return nil, perr(line, 2, "%w: year is %s; want a positive integer", ErrBadValue, redact.Describe(ys))
		}
		row := len(o.Years)
		if row == math.MaxInt32 {
			return nil, perr(line, 0, "%w: more than %d rows", ErrBadValue, math.MaxInt32-1)
		}
		if first := o.add(id, int32(year), int32(row)); first >= 0 {
			return nil, perr(line, 0, "%w: the same patient and year as line %d", ErrDuplicateRow, lines[first])
		}
		for k := range o.Names {
			switch v := strings.TrimSpace(rec[k+2]); v {
			case "0":
				o.Values[k] = append(o.Values[k], false)
			case "1":
				o.Values[k] = append(o.Values[k], true)
			default:
				return nil, perr(line, k+3, "%w: outcome %s is %s; want 0 or 1", ErrBadValue, redact.Quote(o.Names[k], isOutcomeName), redact.Describe(v))
			}
		}
		o.ids = append(o.ids, id...)
		o.idEnd = append(o.idEnd, int64(len(o.ids)))
		o.Years = append(o.Years, int32(year))
		lines = append(lines, line)
	}
	return o, nil
}

// isOutcomeName is the character rule of an outcome column's name: a
// letter, then letters, digits, '_', '-' or '.'.
func isOutcomeName(s string) bool {
	for i, r := range s {
		if !(unicode.IsLetter(r) || i > 0 && (unicode.IsDigit(r) || r == '_' || r == '-' || r == '.')) {
			return false
		}
	}
	return s != ""
}
