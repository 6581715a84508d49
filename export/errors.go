package export

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors that a ParseError wraps, for callers that test the
// condition with errors.Is.
var (
	// ErrEmpty: the input holds no data at all.
	ErrEmpty = errors.New("empty input")
	// ErrSyntax: the input is not valid JSON (released layout only).
	ErrSyntax = errors.New("invalid JSON")
	// ErrLayout: the input is not laid out as the format says (the released
	// JSON is not an object of objects, a word2vec header is malformed, ...).
	ErrLayout = errors.New("unexpected layout")
	// ErrRagged: vectors of one set have different lengths, or a vector has
	// not the length its header announced.
	ErrRagged = errors.New("vectors of different lengths")
	// ErrNotNumber: a vector element is not a finite decimal number.
	ErrNotNumber = errors.New("not a finite number")
	// ErrDuplicate: a token occurs twice in one set.
	ErrDuplicate = errors.New("duplicate token")
)

// ParseError is an error in an input file, located as precisely as the
// format allows: by line and column where known, otherwise by byte offset,
// and by the set, token and vector element concerned.
type ParseError struct {
	File   string // file name, or the name given to a ...From reader
	Line   int    // 1-based line; 0 when unknown
	Column int    // 1-based column (in bytes); 0 when unknown
	Offset int64  // byte offset from the start of the input; -1 when unknown
	Set    string // set (top-level key) concerned, if any
	Token  string // token concerned, if any
	Index  int    // 0-based vector element concerned; -1 when none
	Err    error  // what went wrong; wraps one of the sentinel errors
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("export: ")
	if e.File != "" {
		b.WriteString(e.File)
	} else {
		b.WriteString("input")
	}
	switch {
	case e.Line > 0 && e.Column > 0:
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	case e.Line > 0:
		fmt.Fprintf(&b, ":%d", e.Line)
	case e.Offset >= 0:
		fmt.Fprintf(&b, ": byte %d", e.Offset)
	}
	if e.Set != "" {
		fmt.Fprintf(&b, ": set %q", e.Set)
	}
	if e.Token != "" {
		fmt.Fprintf(&b, ": token %q", e.Token)
	}
	if e.Index >= 0 {
		fmt.Fprintf(&b, ": element %d", e.Index)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }
