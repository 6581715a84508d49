package corpus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"

	"github.com/hiervec/hiervec/internal/redact"
)

// parquetMagic starts and ends every Parquet file (a file with an
// encrypted footer starts with "PARE").
const parquetMagic = "PAR1"

// parquetBatch is how many values of each column the Parquet reader
// decodes at a time.
const parquetBatch = 1024

// ReadParquetFile reads an EHR extract stored as a Parquet file at path;
// see ReadParquet.
func ReadParquetFile(ctx context.Context, path string, opt ReadOptions) (*Corpus, *ReadReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("corpus: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("corpus: %w", err)
	}
	return ReadParquet(ctx, f, st.Size(), path, opt)
}

// ReadParquet reads an EHR extract stored as Parquet (size bytes of r) —
// one diagnosis per row, as Spark, Databricks, BigQuery or pandas write
// them — with the rules of ReadExtract: the patient, date and code columns
// are the top-level columns named in opt or detected by the common names
// (PatientColumnNames, ...), an icd_version column skips and counts the
// rows of another version, and every row goes through the same checks,
// counts and code gate. name is used in error messages only.
//
// Column types: the patient column is a string (BYTE_ARRAY or
// FIXED_LEN_BYTE_ARRAY) or an integer (INT32, INT64: read as its decimal
// digits); the date column is a DATE, a TIMESTAMP of any unit (its
// calendar date as stored: the UTC date of a UTC-adjusted instant), a
// legacy INT96 timestamp, or a string read as ReadExtract reads dates;
// the code column is a string. A null counts as an empty field. Nested and
// repeated columns are refused. Errors name the file, the 1-based row
// number and the column number (ParseError.Row is set).
//
// Row groups are read one at a time and, within one, only the pages of
// the columns used, decoded parquetBatch values at a time: memory beyond
// the corpus is a few pages per column, whatever the file's size. A
// damaged file whose decoding panics in the Parquet library is an error
// (ErrCorruptParquet), not a crash.
func ReadParquet(ctx context.Context, r io.ReaderAt, size int64, name string, opt ReadOptions) (c *Corpus, rep *ReadReport, err error) {
	defer func() {
		if p := recover(); p != nil {
			why := "an internal error"
			if re, ok := p.(runtime.Error); ok {
				why = re.Error() // the runtime's words: indices and lengths, no data
			}
			c, rep, err = nil, nil, fmt.Errorf("%w: %s: decoding failed (%s)", ErrCorruptParquet, name, why)
		}
	}()
	if err := opt.Validate(); err != nil {
		return nil, nil, err
	}
	if err := checkParquetMagic(r, size, name); err != nil {
		return nil, nil, err
	}
	pf, err := parquet.OpenFile(r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %w", ErrCorruptParquet, name, err)
	}
	fields := pf.Root().Columns()
	header := make([]string, len(fields))
	for i, c := range fields {
		header[i] = c.Name()
	}
	cols, err := findColumns(name, header, opt)
	if err != nil {
		return nil, nil, err
	}
	dataLike, _ := dataCell(header, opt.codeSystem())
	var readers []*pqColumn
	column := func(idx int, role string, kinds func(*parquet.Column) (pqKind, string)) (*pqColumn, error) {
		c := fields[idx]
		what := headerCell(header[idx], dataLike > 0)
		if !c.Leaf() || c.Repeated() {
			return nil, fmt.Errorf("corpus: %s: column %d %s (the %s column) is nested or repeated; expected a plain column of one value per row", name, idx+1, what, role)
		}
		k, expected := kinds(c)
		if k == pqUnsupported {
			return nil, fmt.Errorf("corpus: %s: column %d %s (the %s column) is of Parquet type %s; expected %s", name, idx+1, what, role, pqTypeName(c), expected)
		}
		pc := &pqColumn{kind: k, leaf: c.Index(), field: idx + 1}
		if k == pqTimestamp {
			pc.perDay = pqUnitsPerDay(c)
		}
		readers = append(readers, pc)
		return pc, nil
	}
	patient, err := column(cols.patient, "patient", pqPatientKind)
	if err != nil {
		return nil, nil, err
	}
	date, err := column(cols.date, "date", pqDateKind)
	if err != nil {
		return nil, nil, err
	}
	code, err := column(cols.code, "code", pqCodeKind)
	if err != nil {
		return nil, nil, err
	}
	var version *pqColumn
	if cols.version >= 0 {
		if version, err = column(cols.version, "icd_version", pqPatientKind); err != nil {
			return nil, nil, err
		}
	}

	var row int64 // rows read before the current one
	s := newRowSink(opt, func() *CodeColumnError {
		return &CodeColumnError{File: name, Line: int(row + 1), Row: true, Column: cols.code + 1, Header: cols.codeHeader}
	})
	want := s.sys.version
	var pid, ver []byte // decoded patient id and version, reused
	rowErr := func(c *pqColumn, field string, err error) func() error {
		return func() error {
			return &ParseError{File: name, Line: int(row + 1), Row: true, Column: c.field, Field: field, Err: err}
		}
	}
	for _, rg := range pf.RowGroups() {
		chunks := rg.ColumnChunks()
		for _, c := range readers {
			c.open(chunks[c.leaf])
		}
		n := rg.NumRows()
		for i := int64(0); i < n; i, row = i+1, row+1 {
			if err := s.stopped(ctx); err != nil {
				closeAll(readers)
				return nil, nil, fmt.Errorf("corpus: %s: reading stopped at row %d: %w", name, row+1, err)
			}
			var vals [4]parquet.Value
			for k, c := range readers {
				v, err := c.next()
				if err != nil {
					closeAll(readers)
					return nil, nil, fmt.Errorf("corpus: %s: column %d, row %d: %w", name, c.field, row+1, err)
				}
				vals[k] = v
			}
			s.row()
			if version != nil {
				ver = version.text(ver[:0], vals[3])
				if string(trimBytes(ver)) != want {
					s.skip(ReasonICDVersion)
					continue
				}
			}
			pid = patient.text(pid[:0], vals[0])
			p := trimBytes(pid)
			if len(p) == 0 {
				if e := s.bad(ReasonEmptyPatient, rowErr(patient, "patient", errors.New("patient id is empty; expected an identifier"))); e != nil {
					closeAll(readers)
					return nil, nil, e
				}
				continue
			}
			d, ok, shown := date.date(vals[1])
			if !ok {
				if e := s.bad(ReasonDate, rowErr(date, "date", fmt.Errorf("date %s: %s", shown, pqDateExpected))); e != nil {
					closeAll(readers)
					return nil, nil, e
				}
				continue
			}
			var raw string
			if !vals[2].IsNull() {
				raw = bytesView(vals[2].ByteArray())
			}
			id, verdict, err := s.codeOf(raw)
			if err != nil {
				closeAll(readers)
				return nil, nil, err
			}
			switch verdict {
			case codeEmpty:
				if e := s.bad(ReasonEmptyCode, rowErr(code, "code", fmt.Errorf("code is empty; expected %s", aCode(s.sys.Name())))); e != nil {
					closeAll(readers)
					return nil, nil, e
				}
				continue
			case codeRejected:
				continue
			}
			s.accept(bytesView(p), d, id)
		}
		closeAll(readers)
	}
	return s.end()
}

// checkParquetMagic refuses, naming nothing of its content, a file that
// does not start and end with "PAR1".
func checkParquetMagic(r io.ReaderAt, size int64, name string) error {
	var head, tail [4]byte
	if size < 12 {
		return fmt.Errorf("corpus: %s: not a Parquet file: %d bytes, too short for one", name, size)
	}
	if _, err := r.ReadAt(head[:], 0); err != nil {
		return fmt.Errorf("corpus: %s: %w", name, err)
	}
	if _, err := r.ReadAt(tail[:], size-4); err != nil {
		return fmt.Errorf("corpus: %s: %w", name, err)
	}
	switch {
	case string(head[:]) == "PARE":
		return fmt.Errorf("corpus: %s: an encrypted Parquet file; write the extract without encryption", name)
	case string(head[:]) != parquetMagic:
		return fmt.Errorf("corpus: %s: not a Parquet file (it does not start with PAR1); name another -input-format, or leave it to detection", name)
	case string(tail[:]) != parquetMagic:
		return fmt.Errorf("corpus: %s: the Parquet file is truncated (it does not end with PAR1)", name)
	}
	return nil
}

// pqDateExpected is the "what was expected" part of a Parquet date error.
const pqDateExpected = "expected a DATE, a TIMESTAMP or a date string like 2019-03-04, in the years 1 to 9999"

// pqKind is how a Parquet column's values are decoded.
type pqKind int

const (
	pqUnsupported pqKind = iota
	pqBytes              // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY: the bytes
	pqInt                // INT32, INT64: decimal digits (ids, versions)
	pqDays               // DATE: days since 1970-01-01
	pqTimestamp          // INT64 TIMESTAMP: units since 1970-01-01T00:00
	pqInt96              // legacy INT96 timestamp: nanoseconds of the day, Julian day
)

// pqPatientKind: an id is a string or an integer.
func pqPatientKind(c *parquet.Column) (pqKind, string) {
	switch c.Type().Kind() {
	case parquet.ByteArray, parquet.FixedLenByteArray:
		return pqBytes, ""
	case parquet.Int32, parquet.Int64:
		if lt := c.Type().LogicalType(); lt != nil && lt.Value != nil {
			if _, ok := lt.Value.(*format.IntType); !ok {
				break // a DATE, a TIMESTAMP, a DECIMAL: not an id
			}
		}
		if ct := c.Type().ConvertedType(); ct != nil && !isIntConverted(*ct) {
			break
		}
		return pqInt, ""
	}
	return pqUnsupported, "a string or an integer column"
}

// pqCodeKind: a code is a string.
func pqCodeKind(c *parquet.Column) (pqKind, string) {
	switch c.Type().Kind() {
	case parquet.ByteArray, parquet.FixedLenByteArray:
		return pqBytes, ""
	}
	return pqUnsupported, "a string column"
}

// pqDateKind: a DATE, a TIMESTAMP (logical or converted), an INT96, or a
// string.
func pqDateKind(c *parquet.Column) (pqKind, string) {
	t := c.Type()
	var logical format.LogicalTypeValue
	if lt := t.LogicalType(); lt != nil {
		logical = lt.Value
	}
	var converted deprecated.ConvertedType = -1
	if ct := t.ConvertedType(); ct != nil {
		converted = *ct
	}
	const expected = "a DATE, a TIMESTAMP or a string column"
	switch t.Kind() {
	case parquet.ByteArray, parquet.FixedLenByteArray:
		return pqBytes, ""
	case parquet.Int32:
		if _, ok := logical.(*format.DateType); ok || converted == deprecated.Date {
			return pqDays, ""
		}
	case parquet.Int64:
		if _, ok := logical.(*format.TimestampType); ok || converted == deprecated.TimestampMillis || converted == deprecated.TimestampMicros {
			return pqTimestamp, ""
		}
	case parquet.Int96:
		return pqInt96, ""
	}
	return pqUnsupported, expected
}

// pqUnitsPerDay returns the units of a TIMESTAMP column in one day.
func pqUnitsPerDay(c *parquet.Column) int64 {
	const day = 86400
	if lt := c.Type().LogicalType(); lt != nil {
		if ts, ok := lt.Value.(*format.TimestampType); ok && ts.Unit.Value != nil {
			switch ts.Unit.Value.(type) {
			case *format.MilliSeconds:
				return day * 1e3
			case *format.MicroSeconds:
				return day * 1e6
			case *format.NanoSeconds:
				return day * 1e9
			}
		}
	}
	if ct := c.Type().ConvertedType(); ct != nil && *ct == deprecated.TimestampMicros {
		return day * 1e6
	}
	return day * 1e3
}

func isIntConverted(ct deprecated.ConvertedType) bool {
	switch ct {
	case deprecated.Int8, deprecated.Int16, deprecated.Int32, deprecated.Int64,
		deprecated.Uint8, deprecated.Uint16, deprecated.Uint32, deprecated.Uint64:
		return true
	}
	return false
}

// pqTypeName names a column's type for a message ("INT64 (TIME)").
func pqTypeName(c *parquet.Column) string {
	name := c.Type().Kind().String()
	if lt := c.Type().LogicalType(); lt != nil && lt.Value != nil {
		name += " (" + lt.Value.String() + ")"
	}
	return name
}

// pqColumn reads one column of the current row group a value at a time,
// parquetBatch values decoded at once.
type pqColumn struct {
	kind   pqKind
	leaf   int   // leaf column index in a row group
	field  int   // 1-based top-level field number, for messages
	perDay int64 // pqTimestamp: units in a day

	r      parquet.ColumnChunkValueReader
	buf    []parquet.Value
	at, n  int
	digits []byte
}

func (c *pqColumn) open(chunk parquet.ColumnChunk) {
	c.r = parquet.NewColumnChunkValueReader(chunk)
	if c.buf == nil {
		c.buf = make([]parquet.Value, parquetBatch)
	}
	c.at, c.n = 0, 0
}

// next returns the column's next value. Values of the batch before stay
// valid until the batch is used up: the reader moves to another page only
// then.
func (c *pqColumn) next() (parquet.Value, error) {
	if c.at == c.n {
		n, err := c.r.ReadValues(c.buf)
		if n == 0 {
			if err == nil || err == io.EOF {
				err = errors.New("the column chunk ends before its row group's last row")
			}
			return parquet.Value{}, err
		}
		c.at, c.n = 0, n
	}
	v := c.buf[c.at]
	c.at++
	return v, nil
}

func closeAll(cs []*pqColumn) {
	for _, c := range cs {
		if c.r != nil {
			c.r.Close()
			c.r = nil
		}
	}
}

// text appends a string or integer value to dst (nothing for a null).
func (c *pqColumn) text(dst []byte, v parquet.Value) []byte {
	if v.IsNull() {
		return dst
	}
	switch c.kind {
	case pqBytes:
		return append(dst, v.ByteArray()...)
	case pqInt:
		if v.Kind() == parquet.Int32 {
			return strconv.AppendInt(dst, int64(v.Int32()), 10)
		}
		return strconv.AppendInt(dst, v.Int64(), 10)
	}
	return dst
}

// date decodes a date value to yyyymmdd. When it is not a date it
// returns false and the value rendered for a message (a string quoted
// only when date-shaped, through internal/redact).
func (c *pqColumn) date(v parquet.Value) (int32, bool, string) {
	if v.IsNull() {
		return 0, false, "(null)"
	}
	var days int64
	switch c.kind {
	case pqBytes:
		s := bytesView(v.ByteArray())
		d, ok := parseDate(s)
		if !ok {
			return 0, false, redact.Date(s)
		}
		return d, true, ""
	case pqDays:
		days = int64(v.Int32())
	case pqTimestamp:
		days = floorDiv(v.Int64(), c.perDay)
	case pqInt96:
		t := v.Int96()
		days = int64(t[2]) - julianDayUnixEpoch
	}
	y, m, d := civilFromDays(days)
	if y < 1 || y > 9999 {
		return 0, false, fmt.Sprintf("in the year %d", y)
	}
	return int32(y*10000 + m*100 + d), true, ""
}

// julianDayUnixEpoch is the Julian day number of 1970-01-01, the day an
// INT96 timestamp's day counts from.
const julianDayUnixEpoch = 2440588

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// civilFromDays converts days since 1970-01-01 to a proleptic Gregorian
// year, month and day (Hinnant, "chrono-Compatible Low-Level Date
// Algorithms", days_from_civil's inverse).
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// trimBytes trims ASCII white space.
func trimBytes(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}
