package corpus

import (
	"errors"
	"fmt"
)

// ErrCorruptCache is wrapped by every error ReadCache returns for a file
// that is not a complete, intact hiervec corpus cache (bad magic, unknown
// version, truncation, checksum mismatch, inconsistent offsets).
var ErrCorruptCache = errors.New("corpus: corrupt corpus cache")

// ParseError is a bad row in an extract or a bad line in a sequence file.
// Its text names the file, the 1-based line, the 1-based field number and
// what was expected. It never carries a patient identifier: for the patient
// column only the problem is named, never the value.
type ParseError struct {
	File   string // file name as given to the reader
	Line   int    // 1-based line where the field starts
	Column int    // 1-based field number (0 when not known)
	Field  string // "patient", "date", "code", "icd_version", "row" or "token"
	Err    error  // what is wrong and what was expected
}

func (e *ParseError) Error() string {
	if e.Column == 0 {
		return fmt.Sprintf("corpus: %s:%d: %s", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("corpus: %s:%d:%d: %s", e.File, e.Line, e.Column, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }
