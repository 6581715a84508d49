package corpus

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
)

// utf8BOM is the byte-order mark some tools (Excel) put before UTF-8 text.
var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// ReadExtractFile reads an EHR extract from path; see ReadExtract. A gzip
// file is decompressed transparently (detected by its magic bytes).
func ReadExtractFile(path string, opt ReadOptions) (*Corpus, *ReadReport, error) {
	r, cl, err := openInput(path)
	if err != nil {
		return nil, nil, err
	}
	defer cl.Close()
	return ReadExtract(r, path, opt)
}

// ReadExtract reads an EHR extract — CSV or TSV with a header, one diagnosis
// per row — and returns its patient-year corpus and a report of what was
// read. name is used in error messages only.
//
// The delimiter (comma, tab, or semicolon when neither occurs) is detected
// from the header line. A UTF-8 byte-order mark, CRLF line ends and RFC 4180
// quoting are handled; gzip input is decompressed transparently. Only the
// patient, date and code columns are read (see ReadOptions and
// PatientColumnNames); other columns are ignored, except an icd_version
// column: rows whose version is not 10 are skipped and counted under
// ReasonICDVersion.
//
// A bad row (too few fields, a date that does not parse, an empty code or
// patient id, broken quoting) stops reading with a *ParseError, or, with
// opt.SkipBad, is skipped and counted per reason. Patient identifiers never
// appear in errors.
func ReadExtract(r io.Reader, name string, opt ReadOptions) (*Corpus, *ReadReport, error) {
	if err := opt.Validate(); err != nil {
		return nil, nil, err
	}
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < 64<<10 {
		br = bufio.NewReaderSize(r, 1<<20)
	}
	br, err := maybeGunzip(br)
	if err != nil {
		return nil, nil, fmt.Errorf("corpus: %s: %w", name, err)
	}
	if head, _ := br.Peek(3); bytes.Equal(head, utf8BOM) {
		br.Discard(3)
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
		return nil, nil, fmt.Errorf("corpus: %s: header: %w", name, err)
	}
	header = slices.Clone(header)
	cols, err := findColumns(name, header, opt)
	if err != nil {
		return nil, nil, err
	}

	rep := &ReadReport{SkippedByReason: map[string]int64{}}
	b := newExtractBuilder()
	var code []byte // normalised code of the current row, reused
	fail := func(line, col int, field, reason string, e error) error {
		if opt.SkipBad {
			rep.skip(reason)
			return nil
		}
		return &ParseError{File: name, Line: line, Column: col, Field: field, Err: e}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, nil, fmt.Errorf("corpus: %s: %w", name, err)
			}
			rep.Rows++
			if e := fail(pe.Line, 0, "row", ReasonQuoting,
				fmt.Errorf("%w (at character %d); expected RFC 4180 quoting: a quoted field ends with a quote followed by a delimiter or line end, a quote inside one is doubled", pe.Err, pe.Column)); e != nil {
				return nil, nil, e
			}
			continue
		}
		rep.Rows++
		if len(rec) < cols.need {
			line, _ := cr.FieldPos(0)
			field, col := missingField(cols, len(rec))
			if e := fail(line, col, field, ReasonMissingField,
				fmt.Errorf("%s: missing field: the row has %d fields, expected %d as in the header", field, len(rec), len(header))); e != nil {
				return nil, nil, e
			}
			continue
		}
		if cols.version >= 0 && trimSpace(rec[cols.version]) != "10" {
			rep.skip(ReasonICDVersion)
			continue
		}
		pid := trimSpace(rec[cols.patient])
		if pid == "" {
			line, _ := cr.FieldPos(cols.patient)
			if e := fail(line, cols.patient+1, "patient", ReasonEmptyPatient,
				errors.New("patient id is empty; expected an identifier")); e != nil {
				return nil, nil, e
			}
			continue
		}
		date, ok := parseDate(rec[cols.date])
		if !ok {
			line, _ := cr.FieldPos(cols.date)
			if e := fail(line, cols.date+1, "date", ReasonDate,
				fmt.Errorf("date %q: %s", clip(rec[cols.date]), dateExpected)); e != nil {
				return nil, nil, e
			}
			continue
		}
		code = appendNormalized(code[:0], rec[cols.code])
		if len(code) == 0 {
			line, _ := cr.FieldPos(cols.code)
			if e := fail(line, cols.code+1, "code", ReasonEmptyCode,
				errors.New("code is empty; expected an ICD-10-CM code like E11.9 or E119")); e != nil {
				return nil, nil, e
			}
			continue
		}
		rep.Accepted++
		b.add(pid, date, code)
	}
	c := b.build()
	rep.PatientIDs = b.patientIDs
	finish(c, opt, rep)
	return c, rep, nil
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

// clip shortens a field value quoted in an error message.
func clip(s string) string {
	const max = 40
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

// extractBuilder collects accepted rows as three flat int32 columns
// (patient-year, date, code id) — 12 bytes a row, no strings per row — and
// groups them into a Corpus at the end.
type extractBuilder struct {
	patients   map[string]int32 // patient id -> index; dropped after build
	patientIDs []string
	pys        map[uint64]int32 // patient<<32 | year -> patient-year index
	pyPatient  []int32
	pyYear     []int32
	codes      map[string]int32
	words      []string

	rowPY, rowDate, rowCode []int32
}

func newExtractBuilder() *extractBuilder {
	return &extractBuilder{
		patients: make(map[string]int32),
		pys:      make(map[uint64]int32),
		codes:    make(map[string]int32),
	}
}

// add records one accepted row. pid and code may alias a reused buffer: they
// are copied only when new.
func (b *extractBuilder) add(pid string, date int32, code []byte) {
	p, ok := b.patients[pid]
	if !ok {
		p = int32(len(b.patientIDs))
		id := string([]byte(pid)) // copy: pid is a slice of the CSV line
		b.patientIDs = append(b.patientIDs, id)
		b.patients[id] = p
	}
	year := date / 10000
	key := uint64(uint32(p))<<32 | uint64(uint32(year))
	py, ok := b.pys[key]
	if !ok {
		py = int32(len(b.pyPatient))
		b.pyPatient = append(b.pyPatient, p)
		b.pyYear = append(b.pyYear, year)
		b.pys[key] = py
	}
	id, ok := b.codes[string(code)] // no allocation for a lookup
	if !ok {
		id = int32(len(b.words))
		w := string(code)
		b.words = append(b.words, w)
		b.codes[w] = id
	}
	b.rowPY = append(b.rowPY, py)
	b.rowDate = append(b.rowDate, date)
	b.rowCode = append(b.rowCode, id)
}

// build groups the rows: one sequence per patient-year, ordered by patient
// first-seen order then year; within a sequence rows ordered by date, input
// order kept within a date; a visit per distinct date. Vocabulary ids are
// in first-seen order (finish sorts them).
func (b *extractBuilder) build() *Corpus {
	b.patients, b.pys, b.codes = nil, nil, nil // the id map lives only while reading
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
	start := make([]int64, nPY+1)
	for _, py := range b.rowPY {
		start[rank[py]+1]++
	}
	for i := 1; i <= nPY; i++ {
		start[i] += start[i-1]
	}
	rows := make([]int32, len(b.rowPY))
	next := slices.Clone(start[:nPY])
	for i, py := range b.rowPY {
		r := rank[py]
		rows[next[r]] = int32(i)
		next[r]++
	}
	next, b.rowPY = nil, nil

	c := &Corpus{
		Vocab:     &Vocab{Words: b.words, Kinds: make([]Kind, len(b.words)), Counts: make([]int64, len(b.words))},
		Tokens:    MakeTokens(len(rows), len(b.words)),
		Seqs:      make([]int64, nPY+1),
		SeqVisits: make([]int64, nPY+1),
		Visits:    []int64{0},
		Years:     make([]int32, nPY),
		Patients:  make([]int32, nPY),
	}
	date := b.rowDate
	for r := 0; r < nPY; r++ {
		seg := rows[start[r]:start[r+1]]
		if !slices.IsSortedFunc(seg, func(x, y int32) int { return int(date[x] - date[y]) }) {
			slices.SortFunc(seg, func(x, y int32) int {
				if date[x] != date[y] {
					return int(date[x] - date[y])
				}
				return int(x - y)
			})
		}
		for k, row := range seg {
			t := start[r] + int64(k)
			if k > 0 && date[row] != date[seg[k-1]] {
				c.Visits = append(c.Visits, t)
			}
			c.Tokens.Set(int(t), b.rowCode[row])
		}
		c.Visits = append(c.Visits, start[r+1])
		c.Seqs[r+1] = start[r+1]
		c.SeqVisits[r+1] = int64(len(c.Visits) - 1)
		c.Years[r] = b.pyYear[order[r]]
		c.Patients[r] = b.pyPatient[order[r]]
	}
	b.rowDate, b.rowCode = nil, nil
	return c
}
