package hierarchy

import (
	"errors"
	"fmt"
)

// Sentinel errors wrapped by ParseError (test them with errors.Is).
var (
	// ErrUnknownLayout: the header matches none of the supported CCSR map
	// layouts (see Layouts).
	ErrUnknownLayout = errors.New("unknown CCSR map layout")
	// ErrFieldCount: a data row has a different number of fields than the
	// header.
	ErrFieldCount = errors.New("wrong number of fields")
	// ErrBadCode: a code cell is empty or is not an alphanumeric ICD-10-CM
	// code once normalised.
	ErrBadCode = errors.New("bad ICD-10-CM code")
	// ErrBadCategory: a category cell that must hold a category is empty, or
	// a category contains white space or control characters (categories
	// become corpus tokens, which are separated by white space).
	ErrBadCategory = errors.New("bad category")
	// ErrBadFlag: a default flag of the reference workbook is not Y, N or X.
	ErrBadFlag = errors.New("bad default flag")
	// ErrConflictingDefault: one code is given two different default
	// categories for the same setting (inpatient or outpatient).
	ErrConflictingDefault = errors.New("conflicting default category")
	// ErrNoHeader: the input is empty.
	ErrNoHeader = errors.New("no header")
	// ErrUnknownPolicy: ParsePolicy was given a name it does not know.
	ErrUnknownPolicy = errors.New("unknown policy")
	// ErrWorkbook: the input is an Excel workbook (.xlsx), which the
	// readers do not open (an xlsx library would cost every hiervec command
	// its start-up memory); its mapping sheet saved as CSV reads as the
	// "reference-long" layout.
	ErrWorkbook = errors.New("an Excel workbook (.xlsx): save its DXCCSR_Mapping (v2020) or DX_to_CCSR_Mapping (v2023) sheet as CSV and give that file")
	// ErrUnknownLevel: ParseLevels was given a name it does not know.
	ErrUnknownLevel = errors.New("unknown level")
	// ErrNoMap: a level that comes from a CCSR map (ccsr, body) was asked
	// for without a map.
	ErrNoMap = errors.New("no CCSR map")
	// ErrBadOrderLine: a line of an ICD-10-CM order file or code list does
	// not have the expected layout.
	ErrBadOrderLine = errors.New("bad code list line")
)

// ParseError reports a problem in a CCSR map file, at a 1-based line and
// column (column in bytes, as encoding/csv counts it; 0 when the whole
// line is at fault), modelled on encoding/csv's ParseError.
type ParseError struct {
	File   string // the name given to ReadMap, or the path given to ReadMapFile
	Line   int
	Column int
	Err    error // the cause; wraps one of the sentinel errors or a csv/gzip error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("hierarchy: %s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }
