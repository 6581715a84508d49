package hierarchy

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/internal/input"
)

// Layouts describes the CCSR map layouts ReadMap recognises, for messages.
const Layouts = `supported layouts (detected by header):
  dxccsr          HCUP DXCCSR_vYYYY-N.CSV: 'ICD-10-CM CODE','ICD-10-CM CODE DESCRIPTION',['Default CCSR CATEGORY IP',...,]'CCSR CATEGORY 1',...
  reference-long  HCUP reference workbook mapping sheet as CSV: ICD-10-CM CODE,ICD-10-CM CODE DESCRIPTION,CCSR CATEGORY,CCSR CATEGORY DESCRIPTION[,Inpatient Default CCSR (Y/N/X),Outpatient Default CCSR (Y/N/X)]
  hcup-data-wide  hcup.data CSV: I10_DX,I10DX_text,default_CCSR_IP,default_CCSR_OP,CCSR1,...,CCSR6
  plain           code,category[,category_description][,code_description]`

// ReadMapFile reads a CCSR map from path; gzip-compressed files are
// recognised by their magic bytes and decompressed transparently, and an
// Excel workbook (HCUP's reference file as shipped) is refused with a
// message saying to save the sheet as CSV.
func ReadMapFile(path string) (*Map, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("hierarchy: %w", err)
	}
	defer f.Close()
	return ReadMap(f, path)
}

// ReadMap reads a CCSR map in any supported layout (see Layouts), detected
// from its header; a first line that is not a header (the title row of
// HCUP's reference workbook sheets) is skipped. Gzip input is detected and
// decompressed. An Excel workbook (HCUP's DXCCSR-Reference-File-vYYYY-N.xlsx)
// is refused with ErrWorkbook: save its mapping sheet as CSV. name is used
// in error messages. Errors are *ParseError.
func ReadMap(r io.Reader, name string) (*Map, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if magic, err := br.Peek(len(zipMagic)); err == nil && string(magic) == zipMagic {
		return nil, &ParseError{File: name, Line: 1, Err: ErrWorkbook}
	}
	cr, err := openCSV(br, name)
	if err != nil {
		return nil, err
	}
	header, err := readHeader(cr, name)
	if err != nil {
		return nil, err
	}
	lay, ok := detectLayout(header)
	if !ok {
		// header is the first line; the title-row retry happened in readHeader.
		return nil, &ParseError{File: name, Line: 1, Err: fmt.Errorf("%w: header %q; %s", ErrUnknownLayout, strings.Join(header, ","), Layouts)}
	}
	m := newMap(name, lay.format)
	m.hasIP, m.hasOP = lay.ip >= 0 || lay.ipFlag >= 0, lay.op >= 0 || lay.opFlag >= 0
	rd := &mapReader{m: m, cr: cr, name: name, lay: lay, nfields: len(header)}
	if err := rd.readRows(); err != nil {
		return nil, err
	}
	m.finish()
	return m, nil
}

// zipMagic starts every zip archive, and so every .xlsx workbook.
const zipMagic = "PK\x03\x04"

// openInput opens r through internal/input (gzip decompressed, byte-order
// mark dropped, a workbook or binary file refused). The returned function
// releases what it holds.
func openInput(r io.Reader, name string) (*bufio.Reader, func(), error) {
	br, err := input.NewReader(r, "")
	if err != nil {
		return nil, nil, &ParseError{File: name, Line: 1, Err: err}
	}
	return br, func() {}, nil
}

// openCSV wraps r (through internal/input: gzip decompressed, byte-order
// mark dropped, a workbook or binary file refused) in a csv.Reader
// configured for the CCSR layouts.
func openCSV(r io.Reader, name string) (*csv.Reader, error) {
	br, err := input.NewReader(r, "")
	if err != nil {
		return nil, &ParseError{File: name, Line: 1, Err: err}
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // the title row has its own width; rows are checked against the header
	cr.ReuseRecord = false
	return cr, nil
}

// readHeader returns the header record, skipping one title row when the
// first record is not a recognised header but the second is.
func readHeader(cr *csv.Reader, name string) ([]string, error) {
	first, err := cr.Read()
	if err == io.EOF {
		return nil, &ParseError{File: name, Line: 1, Err: fmt.Errorf("%w: empty input; %s", ErrNoHeader, Layouts)}
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	if _, ok := detectLayout(first); ok {
		return first, nil
	}
	second, err := cr.Read()
	if err == nil {
		if _, ok := detectLayout(second); ok {
			return second, nil
		}
	}
	return first, nil
}

// layout holds the column indices of a detected layout (-1 = absent).
type layout struct {
	format           string
	code, codeDesc   int
	cat, catDesc     int // long and plain
	ipFlag, opFlag   int // reference-long v2023
	ip, ipDesc       int // wide
	op, opDesc       int // wide
	slots, slotDescs []int
}

// headerKey normalises a header cell for matching: quotes stripped, upper
// case, runs of white space folded to one space.
func headerKey(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(unquote(s)), " "))
}

// detectLayout recognises a header row.
func detectLayout(header []string) (layout, bool) {
	idx := make(map[string]int, len(header))
	for i, h := range header {
		k := headerKey(h)
		if _, dup := idx[k]; !dup {
			idx[k] = i
		}
	}
	col := func(name string) int {
		if i, ok := idx[name]; ok {
			return i
		}
		return -1
	}
	prefix := func(p string) int {
		best := -1
		for k, i := range idx {
			if strings.HasPrefix(k, p) && (best < 0 || i < best) {
				best = i
			}
		}
		return best
	}
	l := layout{code: -1, codeDesc: -1, cat: -1, catDesc: -1, ipFlag: -1, opFlag: -1, ip: -1, ipDesc: -1, op: -1, opDesc: -1}
	slots := func(name func(n int) string, desc func(n int) string) {
		for n := 1; ; n++ {
			i := col(name(n))
			if i < 0 {
				return
			}
			l.slots = append(l.slots, i)
			l.slotDescs = append(l.slotDescs, col(desc(n)))
		}
	}
	switch {
	case col("ICD-10-CM CODE") >= 0 && col("CCSR CATEGORY 1") >= 0:
		l.format = FormatDXCCSR
		l.code, l.codeDesc = col("ICD-10-CM CODE"), col("ICD-10-CM CODE DESCRIPTION")
		l.ip, l.ipDesc = col("DEFAULT CCSR CATEGORY IP"), col("DEFAULT CCSR CATEGORY DESCRIPTION IP")
		l.op, l.opDesc = col("DEFAULT CCSR CATEGORY OP"), col("DEFAULT CCSR CATEGORY DESCRIPTION OP")
		slots(func(n int) string { return "CCSR CATEGORY " + strconv.Itoa(n) },
			func(n int) string { return "CCSR CATEGORY " + strconv.Itoa(n) + " DESCRIPTION" })
	case col("ICD-10-CM CODE") >= 0 && col("CCSR CATEGORY") >= 0:
		l.format = FormatReferenceLong
		l.code, l.codeDesc = col("ICD-10-CM CODE"), col("ICD-10-CM CODE DESCRIPTION")
		l.cat, l.catDesc = col("CCSR CATEGORY"), col("CCSR CATEGORY DESCRIPTION")
		l.ipFlag, l.opFlag = prefix("INPATIENT DEFAULT CCSR"), prefix("OUTPATIENT DEFAULT CCSR")
	case col("I10_DX") >= 0 && col("CCSR1") >= 0:
		l.format = FormatHCUPDataWide
		l.code, l.codeDesc = col("I10_DX"), col("I10DX_TEXT")
		l.ip, l.op = col("DEFAULT_CCSR_IP"), col("DEFAULT_CCSR_OP")
		slots(func(n int) string { return "CCSR" + strconv.Itoa(n) }, func(int) string { return "" })
	case col("CODE") >= 0 && col("CATEGORY") >= 0:
		l.format = FormatPlain
		l.code, l.codeDesc = col("CODE"), col("CODE_DESCRIPTION")
		l.cat, l.catDesc = col("CATEGORY"), col("CATEGORY_DESCRIPTION")
	default:
		return l, false
	}
	return l, true
}

// unquote strips the single quotes HCUP wraps values in, and surrounding
// white space: "'A000'" -> "A000", "' '" -> "".
func unquote(s string) string { return strings.Trim(s, "' \t\r\n") }

// normDesc returns a description with quotes stripped and every run of
// white space folded into one space (descriptions are single-line text).
func normDesc(s string) string { return strings.Join(strings.Fields(unquote(s)), " ") }

// mapReader reads the data rows of one file.
type mapReader struct {
	m       *Map
	cr      *csv.Reader
	name    string
	lay     layout
	nfields int
	rec     []string
}

func (rd *mapReader) errAt(field int, err error) *ParseError {
	line, col := rd.cr.FieldPos(field)
	return &ParseError{File: rd.name, Line: line, Column: col, Err: err}
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{File: name, Line: pe.Line, Column: pe.Column, Err: pe.Err}
	}
	return &ParseError{File: name, Err: err}
}

func (rd *mapReader) readRows() error {
	for {
		rec, err := rd.cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvError(rd.name, err)
		}
		rd.rec = rec
		if len(rec) != rd.nfields {
			return rd.errAt(len(rec)-1, fmt.Errorf("%w: got %d, want %d as in the header", ErrFieldCount, len(rec), rd.nfields))
		}
		rd.m.stats.Rows++
		code, err := rd.code()
		if err != nil {
			return err
		}
		e := rd.m.entry(code)
		if rd.lay.codeDesc >= 0 && e.desc == "" {
			e.desc = normDesc(rec[rd.lay.codeDesc])
		}
		if rd.lay.slots != nil {
			err = rd.wideRow(e)
		} else {
			err = rd.longRow(e)
		}
		if err != nil {
			return err
		}
	}
}

// code returns the row's normalised code.
func (rd *mapReader) code() (string, error) {
	raw := rd.rec[rd.lay.code]
	code := corpus.NormalizeCode(unquote(raw))
	if code == "" {
		return "", rd.errAt(rd.lay.code, fmt.Errorf("%w: empty, want an ICD-10-CM code such as A000", ErrBadCode))
	}
	for _, r := range code {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "", rd.errAt(rd.lay.code, fmt.Errorf("%w %q: want letters and digits only (dots and quotes are removed)", ErrBadCode, raw))
		}
	}
	return code, nil
}

// category returns the category in field i ("" when blank).
func (rd *mapReader) category(i int) (string, error) {
	c := unquote(rd.rec[i])
	for _, r := range c {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return "", rd.errAt(i, fmt.Errorf("%w %q: a category must not contain white space", ErrBadCategory, rd.rec[i]))
		}
	}
	return c, nil
}

// setDefault records a default category, rejecting a conflicting one.
func (rd *mapReader) setDefault(dst *string, cat string, field int, setting string) error {
	if cat == "" {
		return nil
	}
	if *dst != "" && *dst != cat {
		return rd.errAt(field, fmt.Errorf("%w: %s default %s after %s for the same code", ErrConflictingDefault, setting, cat, *dst))
	}
	*dst = cat
	return nil
}

// wideRow reads the category slots and defaults of a DXCCSR or hcup.data row.
func (rd *mapReader) wideRow(e *mapEntry) error {
	m, l := rd.m, rd.lay
	mapped := false
	for s, i := range l.slots {
		c, err := rd.category(i)
		if err != nil {
			return err
		}
		if c == "" {
			continue
		}
		mapped = true
		m.addPair(e, c)
		if d := l.slotDescs[s]; d >= 0 {
			setDesc(m.catDesc, c, normDesc(rd.rec[d]))
		}
	}
	if !mapped {
		m.stats.NoCategory++
	}
	for _, d := range []struct {
		col, desc int
		dst       *string
		setting   string
	}{{l.ip, l.ipDesc, &e.ip, "inpatient"}, {l.op, l.opDesc, &e.op, "outpatient"}} {
		if d.col < 0 {
			continue
		}
		c, err := rd.category(d.col)
		if err != nil {
			return err
		}
		if err := rd.setDefault(d.dst, c, d.col, d.setting); err != nil {
			return err
		}
		if d.desc >= 0 && c != "" {
			setDesc(m.catDesc, c, normDesc(rd.rec[d.desc]))
		}
	}
	return nil
}

// longRow reads the (code, category) pair of a reference-long or plain row
// and, for the v2023 workbook, its Y/N/X default flags.
func (rd *mapReader) longRow(e *mapEntry) error {
	m, l := rd.m, rd.lay
	c, err := rd.category(l.cat)
	if err != nil {
		return err
	}
	if c == "" {
		return rd.errAt(l.cat, fmt.Errorf("%w: empty, want a category such as CIR007", ErrBadCategory))
	}
	m.addPair(e, c)
	if l.catDesc >= 0 {
		setDesc(m.catDesc, c, normDesc(rd.rec[l.catDesc]))
	}
	for _, f := range []struct {
		col     int
		dst     *string
		marker  string
		setting string
	}{{l.ipFlag, &e.ip, "XXX000", "inpatient"}, {l.opFlag, &e.op, "XXX111", "outpatient"}} {
		if f.col < 0 {
			continue
		}
		switch flag := strings.ToUpper(unquote(rd.rec[f.col])); flag {
		case "Y":
			err = rd.setDefault(f.dst, c, f.col, f.setting)
		case "X":
			err = rd.setDefault(f.dst, f.marker, f.col, f.setting)
		case "N", "":
		default:
			err = rd.errAt(f.col, fmt.Errorf("%w %q: want Y (default category), N or X (unacceptable as %s default)", ErrBadFlag, rd.rec[f.col], f.setting))
		}
		if err != nil {
			return err
		}
	}
	return nil
}
