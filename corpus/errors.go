package corpus

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hiervec/hiervec/internal/redact"
)

// ErrCorruptCache is wrapped by every error ReadCache returns for a file
// that is not a complete, intact hiervec corpus cache (bad magic, unknown
// version, truncation, checksum mismatch, inconsistent offsets).
var ErrCorruptCache = errors.New("corpus: corrupt corpus cache")

// ErrNoHeader is wrapped by the *ParseError of an extract whose first line
// is data, not a header.
var ErrNoHeader = errors.New("no header line")

// ErrCorruptParquet is wrapped by ReadParquet's errors for a file that is
// not a readable Parquet file: a damaged footer, pages that do not decode.
var ErrCorruptParquet = errors.New("corpus: damaged Parquet file")

// ErrUnknownFormat is wrapped by DetectFormat's error for a file that is
// neither a cache, an extract nor a sequence file.
var ErrUnknownFormat = errors.New("corpus: unrecognised input format")

// ErrCodeColumn is matched (errors.Is) by every *CodeColumnError.
var ErrCodeColumn = errors.New("corpus: the code values do not look like codes")

// ErrCacheCodes is wrapped by ReadFile's error for a cache holding tokens
// that are neither codes of the code system nor category-shaped.
var ErrCacheCodes = errors.New("corpus: the cache holds tokens that are not codes")

// ParseError is a bad row in an extract or a bad line in a sequence file.
// Its text names the file, the 1-based line, the 1-based field number and
// what was expected. It never carries a patient identifier: a value is
// quoted only when it is in the date or code column and passes that
// column's rule (internal/redact), and is described otherwise.
type ParseError struct {
	File   string // file name as given to the reader
	Line   int    // 1-based line where the field starts; the 1-based row number when Row is set
	Column int    // 1-based field number (0 when not known)
	Field  string // "header", "patient", "date", "code", "icd_version", "row" or "token"
	Row    bool   // Line numbers rows (a Parquet file, a database query), not lines of text
	Err    error  // what is wrong and what was expected
}

func (e *ParseError) Error() string {
	if e.Row && e.Column == 0 {
		return fmt.Sprintf("corpus: %s: row %d: %s", e.File, e.Line, e.Err)
	}
	if e.Row {
		return fmt.Sprintf("corpus: %s: row %d, column %d: %s", e.File, e.Line, e.Column, e.Err)
	}
	if e.Column == 0 {
		return fmt.Sprintf("corpus: %s:%d: %s", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("corpus: %s:%d:%d: %s", e.File, e.Line, e.Column, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Role is what an extract column holds: RolePatient, RoleDate or RoleCode.
type Role string

// The roles of an extract's columns.
const (
	RolePatient Role = "patient"
	RoleDate    Role = "date"
	RoleCode    Role = "code"
)

// Flag returns the hiervec flag that names the role's column
// ("-patient-col").
func (r Role) Flag() string { return "-" + string(r) + "-col" }

// Option returns the ReadOptions field that names the role's column
// ("PatientCol").
func (r Role) Option() string {
	switch r {
	case RolePatient:
		return "PatientCol"
	case RoleDate:
		return "DateCol"
	}
	return "CodeCol"
}

// commonNames returns the names detected for the role.
func (r Role) commonNames() []string {
	switch r {
	case RolePatient:
		return PatientColumnNames
	case RoleDate:
		return DateColumnNames
	}
	return CodeColumnNames
}

// ColumnError says that an extract's header does not name its patient,
// date and code columns unambiguously. It reports every role at once:
// Missing lists the roles no column was found for (by the name chosen in
// ReadOptions, or else by any of the common names), Ambiguous those that
// several columns match, Shared those that resolve to a column another
// role took. Header is the header rendered safely for a message (a cell is
// quoted only when it looks like a column name: see the package doc), and
// Text says, per role, what was looked for. Its message names the option
// and the hiervec flag to use (PatientCol, -patient-col NAME).
type ColumnError struct {
	File      string
	Missing   []Role
	Ambiguous []Role
	Shared    []Role
	Header    string   // `1 "subject_id", 2 "hadm_id", 3 a value of ...`
	Problems  []string // one sentence per role in trouble, in role order
}

func (e *ColumnError) Error() string {
	return fmt.Sprintf("corpus: %s: header line: %s; the header's columns are %s",
		e.File, strings.Join(e.Problems, "; "), e.Header)
}

// CodeColumnError stops a read whose code values do not look like codes:
// too many fail the code system's syntax (a column of identifiers, names or
// dates read as codes; a sequence file that is not one), or too many of
// those that pass are absent from the code list (identifiers shaped like
// codes). It names the column and what to change, never a value. See the
// package doc for the shares.
type CodeColumnError struct {
	File      string
	Line      int    // the line (the row, when Row is set) at which reading stopped
	Row       bool   // Line numbers rows (a Parquet file, a database query), not lines of text
	Source    string // for a database: where the codes came from (a table and its columns, a query); Column and Header are then unset
	Column    int    // 1-based field number of the code column; 0 for a sequence file
	Header    string // the column's header cell, rendered safely; "" for a sequence file
	System    string // the code system's name ("ICD-10-CM")
	Checked   int64  // values checked (lines of a sequence file; for NotInList, code values that passed the syntax)
	Failed    int64  // of those, values that failed (absent from the list, for NotInList)
	Early     bool   // stopped before the end of the input
	NotInList bool   // Failed counts values absent from the code list
	Sequences bool   // the input is a sequence file
}

func (e *CodeColumnError) Error() string {
	var b strings.Builder
	if e.Row {
		fmt.Fprintf(&b, "corpus: %s: row %d: ", e.File, e.Line)
	} else {
		fmt.Fprintf(&b, "corpus: %s:%d: ", e.File, e.Line)
	}
	share := fmt.Sprintf("%d of %d", e.Failed, e.Checked)
	if e.Early && e.Failed == e.Checked {
		share = fmt.Sprintf("all %d of the first %d", e.Failed, e.Checked)
	}
	switch {
	case e.Source != "" && !e.NotInList:
		fmt.Fprintf(&b, "the codes read from %s do not look like %s codes: %s values fail the code syntax (more than %d%%, or all of the first %d, stops the read); "+
			"check the tables read (-omop-schema, -vocab-schema) or the query (-query), or name the code system with -code-system icd10cm|icd9cm|regex:PATTERN (CodeSystem)",
			e.Source, e.System, share, maxFailPercent, codeCheckFirst)
	case e.Source != "":
		fmt.Fprintf(&b, "the codes read from %s do not look like codes: %s values shaped like %s codes are not in the code list (more than %d%%, or all of the first %d, stops the read; identifiers can be shaped like codes); "+
			"check the tables read (-omop-schema, -vocab-schema) or the query (-query), or the code list",
			e.Source, share, e.System, maxAbsentPercent, codeCheckFirst)
	case e.Sequences && !e.NotInList:
		fmt.Fprintf(&b, "this does not look like a sequence file of %s codes: %s lines hold a token that is neither %s nor a CCSR category (more than %d%%, or all of the first %d, stops the read); "+
			"name the input format with -input-format (an extract needs a header line), or the code system with -code-system icd10cm|icd9cm|regex:PATTERN",
			e.System, share, aCode(e.System), maxFailPercent, codeCheckFirst)
	case e.Sequences:
		fmt.Fprintf(&b, "%s codes are not in the code list (more than %d%%, or all of the first %d, stops the read): this does not look like a sequence file of codes; check the input and the code list",
			share, maxAbsentPercent, codeCheckFirst)
	case !e.NotInList:
		fmt.Fprintf(&b, "column %d %s does not look like a column of %s codes: %s values fail the code syntax (more than %d%%, or all of the first %d, stops the read); "+
			"name the code column with -code-col NAME (CodeCol), or the code system with -code-system icd10cm|icd9cm|regex:PATTERN (CodeSystem)",
			e.Column, e.Header, e.System, share, maxFailPercent, codeCheckFirst)
	default:
		fmt.Fprintf(&b, "column %d %s does not look like a column of codes: %s values shaped like %s codes are not in the code list (more than %d%%, or all of the first %d, stops the read; identifiers can be shaped like codes); "+
			"name the code column with -code-col NAME (CodeCol), or check the code list",
			e.Column, e.Header, share, e.System, maxAbsentPercent, codeCheckFirst)
	}
	return b.String()
}

// Is reports whether target is ErrCodeColumn.
func (e *CodeColumnError) Is(target error) bool { return target == ErrCodeColumn }

// quoteValue quotes a value through internal/redact: quoted (and cut) when
// ok accepts it, described otherwise.
func quoteValue(value string, ok func(string) bool) string { return redact.Quote(value, ok) }

// maxColumnName is the longest header cell quoted in a message.
const maxColumnName = 32

// looksLikeColumnName is the character rule of a header cell: 1 to
// maxColumnName ASCII letters, digits, '_', '-' and spaces, starting with a
// letter or '_', with no run of more than three digits (a record number is
// a run of digits).
func looksLikeColumnName(s string) bool {
	if len(s) == 0 || len(s) > maxColumnName || !(isLetter(s[0]) || s[0] == '_') {
		return false
	}
	run := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			if run++; run > 3 {
				return false
			}
			continue
		case isLetter(c) || c == '_' || c == '-' || c == ' ':
		default:
			return false
		}
		run = 0
	}
	return true
}

func isLetter(c byte) bool { return isUpper(c) || ('a' <= c && c <= 'z') }

// headerCell renders one header cell for a message: quoted in full when it
// looks like a column name and its line is not data-like, described
// otherwise.
func headerCell(h string, dataLike bool) string {
	t := trimSpace(h)
	if !dataLike && looksLikeColumnName(t) {
		return strconv.Quote(t)
	}
	return "(" + redact.Describe(h) + ")"
}

// renderHeader renders a header line's cells, numbered from 1.
func renderHeader(header []string, dataLike bool) string {
	var b strings.Builder
	for i, h := range header {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d %s", i+1, headerCell(h, dataLike))
	}
	return b.String()
}
