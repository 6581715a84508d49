package corpus

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"slices"

	"github.com/hiervec/hiervec/internal/input"
	"github.com/hiervec/hiervec/internal/redact"
)

// ReadExtractFile reads an EHR extract from path; see ReadExtract. The file
// is opened through internal/input: gzip is decompressed (detected by its
// magic bytes), a byte-order mark dropped, an archive or binary file
// refused.
func ReadExtractFile(ctx context.Context, path string, opt ReadOptions) (*Corpus, *ReadReport, error) {
	f, err := input.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("corpus: %w", err)
	}
	defer f.Close()
	return ReadExtract(ctx, f, path, opt)
}

// ctxRows is how often (in rows or lines, a power of two) the readers check
// their context.
const ctxRows = 4096

// ReadExtract reads an EHR extract — CSV or TSV with a header, one diagnosis
// per row — and returns its patient-year corpus and a report of what was
// read. name is used in error messages only.
//
// The delimiter (comma or tab; '|' or semicolon when neither occurs) is
// detected from the header line. A UTF-8 byte-order mark, CRLF line ends and
// RFC 4180 quoting are handled; gzip input is decompressed transparently;
// an archive (an Excel workbook) or binary data is refused. Only the
// patient, date and code columns are read (see ReadOptions and
// PatientColumnNames); other columns are ignored, except an icd_version
// column: rows whose version is not the code system's are skipped and
// counted under ReasonICDVersion. A header that is missing columns gives a
// *ColumnError naming them all; a first line that is data, a *ParseError
// wrapping ErrNoHeader.
//
// A code is accepted only when it is a code of opt.CodeSystem; a row whose
// code is not is skipped and counted under ReasonCodeSyntax, and too many
// such rows stop the read with a *CodeColumnError; so do too many codes
// absent from opt.CodeList (see the package doc). Any other bad row (too
// few fields, a date that does not parse, an empty code or patient id,
// broken quoting) stops reading with a *ParseError, or, with opt.SkipBad,
// is skipped and counted per reason. Patient identifiers never appear in
// errors. The context is checked every few thousand rows; when it is done
// the read stops with an error wrapping ctx.Err().
func ReadExtract(ctx context.Context, r io.Reader, name string, opt ReadOptions) (*Corpus, *ReadReport, error) {
	if err := opt.Validate(); err != nil {
		return nil, nil, err
	}
	br, err := textReader(r, name)
	if err != nil {
		return nil, nil, err
	}
	peek, _ := br.Peek(64 << 10)
	if i := bytes.IndexByte(peek, '\n'); i >= 0 {
		peek = peek[:i]
	}
	cr := csv.NewReader(br)
	cr.Comma = detectDelimiter(string(peek))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true

	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, fmt.Errorf("corpus: %s: empty file: expected a header line naming the patient, date and code columns", name)
	}
	if err != nil {
		return nil, nil, csvError(name, err)
	}
	header = slices.Clone(header)
	cols, err := findColumns(name, header, opt)
	if err != nil {
		return nil, nil, err
	}

	s := newRowSink(opt, func() *CodeColumnError {
		line, _ := cr.FieldPos(0)
		return &CodeColumnError{File: name, Line: line, Column: cols.code + 1, Header: cols.codeHeader}
	})
	version := s.sys.version
	for {
		if err := s.stopped(ctx); err != nil {
			line, _ := cr.FieldPos(0)
			return nil, nil, fmt.Errorf("corpus: %s: reading stopped at line %d: %w", name, line, err)
		}
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, nil, csvError(name, err)
			}
			s.row()
			if e := s.bad(ReasonQuoting, func() error {
				return &ParseError{File: name, Line: pe.Line, Field: "row",
					Err: fmt.Errorf("%w (at character %d); expected RFC 4180 quoting: a quoted field ends with a quote followed by a delimiter or line end, a quote inside one is doubled", pe.Err, pe.Column)}
			}); e != nil {
				return nil, nil, e
			}
			continue
		}
		s.row()
		if len(rec) < cols.need {
			if e := s.bad(ReasonMissingField, func() error {
				line, _ := cr.FieldPos(0)
				field, col := missingField(cols, len(rec))
				return &ParseError{File: name, Line: line, Column: col, Field: field,
					Err: fmt.Errorf("%s: missing field: the row has %d fields, expected %d as in the header", field, len(rec), len(header))}
			}); e != nil {
				return nil, nil, e
			}
			continue
		}
		if cols.version >= 0 && trimSpace(rec[cols.version]) != version {
			s.skip(ReasonICDVersion)
			continue
		}
		pid := trimSpace(rec[cols.patient])
		if pid == "" {
			if e := s.bad(ReasonEmptyPatient, func() error {
				line, _ := cr.FieldPos(cols.patient)
				return &ParseError{File: name, Line: line, Column: cols.patient + 1, Field: "patient",
					Err: errors.New("patient id is empty; expected an identifier")}
			}); e != nil {
				return nil, nil, e
			}
			continue
		}
		date, ok := parseDate(rec[cols.date])
		if !ok {
			if e := s.bad(ReasonDate, func() error {
				line, _ := cr.FieldPos(cols.date)
				return &ParseError{File: name, Line: line, Column: cols.date + 1, Field: "date",
					Err: fmt.Errorf("date %s: %s", redact.Date(rec[cols.date]), dateExpected)}
			}); e != nil {
				return nil, nil, e
			}
			continue
		}
		id, verdict, err := s.codeOf(rec[cols.code])
		if err != nil {
			return nil, nil, err
		}
		switch verdict {
		case codeEmpty:
			if e := s.bad(ReasonEmptyCode, func() error {
				line, _ := cr.FieldPos(cols.code)
				return &ParseError{File: name, Line: line, Column: cols.code + 1, Field: "code",
					Err: fmt.Errorf("code is empty; expected %s", aCode(s.sys.Name()))}
			}); e != nil {
				return nil, nil, e
			}
			continue
		case codeRejected:
			continue
		}
		s.accept(pid, date, id)
	}
	return s.end()
}

// textReader returns the text of r: the reader of an input.File (opened,
// checked), or r through input.NewReader.
func textReader(r io.Reader, name string) (*bufio.Reader, error) {
	if f, ok := r.(*input.File); ok {
		return f.Reader, nil
	}
	br, err := input.NewReader(r, name)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	return br, nil
}

// csvError wraps an error of the CSV reader that is not about one row.
// encoding/csv's messages quote no field values.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{File: name, Line: pe.Line, Field: "row",
			Err: fmt.Errorf("%w (at character %d); expected RFC 4180 quoting", pe.Err, pe.Column)}
	}
	return fmt.Errorf("corpus: %s: %w", name, err)
}

// emptyCode reports whether a code field normalises to nothing (white
// space and dots only).
func emptyCode(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isSpace(s[i]) && s[i] != '.' {
			return false
		}
	}
	return true
}

// missingField names the first needed column a row of n fields lacks, and
// its 1-based field number.
func missingField(c columns, n int) (string, int) {
	best, field := -1, ""
	for _, f := range []struct {
		idx  int
		name string
	}{{c.patient, "patient"}, {c.date, "date"}, {c.code, "code"}, {c.version, "icd_version"}} {
		if f.idx >= n && (best < 0 || f.idx < best) {
			best, field = f.idx, f.name
		}
	}
	return field, best + 1
}

// extractBuilder collects accepted rows in chunked columns (patient-year,
// month and day, code id) — 8 bytes a row while the codes number at most
// 65,536, no strings per row, no copies as they grow — and groups them into
// a Corpus at the end.
type extractBuilder struct {
	patients   map[string]int32 // patient id -> index; dropped after build
	patientIDs []string
	lastPY     []int32 // per patient: its latest new patient-year (an index of pyPatient)
	prevPY     []int32 // per patient-year: the same patient's one before, or -1
	pyPatient  []int32
	pyYear     []int32
	codes      map[string]int32
	words      []string

	rows rowColumns
}

func newExtractBuilder() *extractBuilder {
	return &extractBuilder{
		patients: make(map[string]int32),
		codes:    make(map[string]int32),
	}
}

// addCode adds a new code and returns its id; code may alias a reused
// buffer.
func (b *extractBuilder) addCode(code []byte) int32 {
	id := int32(len(b.words))
	w := string(code)
	b.words = append(b.words, w)
	b.codes[w] = id
	return id
}

// add records one accepted row, of code id. pid may alias a reused buffer:
// it is copied only when new.
func (b *extractBuilder) add(pid string, date int32, id int32) {
	p, ok := b.patients[pid]
	if !ok {
		p = int32(len(b.patientIDs))
		id := string([]byte(pid)) // copy: pid is a slice of the CSV line
		b.patientIDs = append(b.patientIDs, id)
		b.patients[id] = p
		b.lastPY = append(b.lastPY, -1)
	}
	// The patient's patient-years form a chain from its latest one: a few
	// links at most, the first one nearly always the row's.
	year := date / 10000
	py := b.lastPY[p]
	for py >= 0 && b.pyYear[py] != year {
		py = b.prevPY[py]
	}
	if py < 0 {
		py = int32(len(b.pyPatient))
		b.pyPatient = append(b.pyPatient, p)
		b.pyYear = append(b.pyYear, year)
		b.prevPY = append(b.prevPY, b.lastPY[p])
		b.lastPY[p] = py
	}
	b.rows.add(py, uint16(date%10000), id)
}

// minFreeRows is the number of rows from which build returns the reader's
// freed memory to the operating system before grouping.
const minFreeRows = 1 << 20

// rowChunkBits sets the rows of one chunk of rowColumns: 65,536, so that a
// chunk's columns take 512 KiB and a growing extract wastes at most one.
const rowChunkBits = 16

// rowColumns holds the accepted rows of an extract in chunks of
// 1<<rowChunkBits rows, column by column: growing it never copies (a
// single growing slice would leave its old arrays behind, as much garbage
// as the rows themselves). Row i is at chunk i>>rowChunkBits.
type rowColumns struct {
	py   [][]int32  // the row's patient-year
	md   [][]uint16 // month*100 + day of its date (the year is the patient-year's)
	code []Tokens   // its code id (2 bytes while every id fits, per chunk)
	n    int
}

func (c *rowColumns) add(py int32, md uint16, code int32) {
	k := c.n >> rowChunkBits
	if k == len(c.py) {
		c.py = append(c.py, make([]int32, 0, 1<<rowChunkBits))
		c.md = append(c.md, make([]uint16, 0, 1<<rowChunkBits))
		var t Tokens
		t.Grow(1 << rowChunkBits)
		c.code = append(c.code, t)
	}
	c.py[k] = append(c.py[k], py)
	c.md[k] = append(c.md[k], md)
	c.code[k].Append(code)
	c.n++
}

func (c *rowColumns) monthDay(i int32) uint16 {
	return c.md[i>>rowChunkBits][i&(1<<rowChunkBits-1)]
}

func (c *rowColumns) codeID(i int32) int32 {
	return c.code[i>>rowChunkBits].At(int(i & (1<<rowChunkBits - 1)))
}

// build groups the rows: one sequence per patient-year, ordered by patient
// first-seen order then year; within a sequence rows ordered by date, input
// order kept within a date; a visit per distinct date. Vocabulary ids are
// in first-seen order (finish sorts them).
func (b *extractBuilder) build() *Corpus {
	b.patients, b.codes, b.lastPY, b.prevPY = nil, nil, nil, nil // they live only while reading
	// The patient map and the CSV reader's garbage are most of the memory
	// besides the rows: on a large extract, collect them and return their
	// pages now, before the arrays below are allocated (600,000 patients:
	// peak RSS 253-332 MiB, depending on where the last collection fell,
	// against 237 MiB every time). A small one is not worth a collection.
	if b.rows.n >= minFreeRows {
		debug.FreeOSMemory()
	}
	nPY := len(b.pyPatient)
	// Rank patient-years by (patient, year).
	order := make([]int32, nPY)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int {
		if b.pyPatient[x] != b.pyPatient[y] {
			return int(b.pyPatient[x] - b.pyPatient[y])
		}
		return int(b.pyYear[x] - b.pyYear[y])
	})
	rank := make([]int32, nPY)
	for r, py := range order {
		rank[py] = int32(r)
	}
	// Counting sort of rows by rank: stable, so input order is kept.
	cols := &b.rows
	start := make([]int64, nPY+1)
	for _, chunk := range cols.py {
		for _, py := range chunk {
			start[rank[py]+1]++
		}
	}
	for i := 1; i <= nPY; i++ {
		start[i] += start[i-1]
	}
	rows := make([]int32, cols.n)
	next := slices.Clone(start[:nPY])
	for k, chunk := range cols.py {
		for j, py := range chunk {
			r := rank[py]
			rows[next[r]] = int32(k<<rowChunkBits + j)
			next[r]++
		}
	}
	next, rank, cols.py = nil, nil, nil

	// Order each patient-year's rows by date (month and day: the year is
	// the patient-year's), counting the visits, so that Visits is
	// allocated once.
	nVisits := 0
	for r := 0; r < nPY; r++ {
		seg := rows[start[r]:start[r+1]]
		md := func(x int32) int { return int(cols.monthDay(x)) }
		if !slices.IsSortedFunc(seg, func(x, y int32) int { return md(x) - md(y) }) {
			slices.SortFunc(seg, func(x, y int32) int {
				if d := md(x) - md(y); d != 0 {
					return d
				}
				return int(x - y)
			})
		}
		for k := range seg {
			if k == 0 || cols.monthDay(seg[k]) != cols.monthDay(seg[k-1]) {
				nVisits++
			}
		}
	}

	c := &Corpus{
		Vocab:     &Vocab{Words: b.words, Kinds: make([]Kind, len(b.words)), Counts: make([]int64, len(b.words))},
		Tokens:    MakeTokens(len(rows), len(b.words)),
		Seqs:      make([]int64, nPY+1),
		SeqVisits: make([]int64, nPY+1),
		Visits:    make([]int64, 1, nVisits+1),
		Years:     make([]int32, nPY),
		Patients:  make([]int32, nPY),
	}
	for r := 0; r < nPY; r++ {
		seg := rows[start[r]:start[r+1]]
		for k, row := range seg {
			t := start[r] + int64(k)
			if k > 0 && cols.monthDay(row) != cols.monthDay(seg[k-1]) {
				c.Visits = append(c.Visits, t)
			}
			c.Tokens.Set(int(t), cols.codeID(row))
		}
		c.Visits = append(c.Visits, start[r+1])
		c.Seqs[r+1] = start[r+1]
		c.SeqVisits[r+1] = int64(len(c.Visits) - 1)
		c.Years[r] = b.pyYear[order[r]]
		c.Patients[r] = b.pyPatient[order[r]]
	}
	b.rows = rowColumns{}
	return c
}
