package hierarchy

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/hiervec/hiervec/corpus"
)

// CodeSystem is a set of ICD-10-CM nodes: billable codes and, when read
// from CMS's order file, the headers above them (the 3-character
// categories and the non-billable 4- to 6-character subdivisions such as
// E11.6). The ICD-10-CM prefix levels (icd4 to icd6) take a code's prefix
// only when it is a node of the system.
type CodeSystem struct {
	name     string
	nodes    map[string]bool // normalised node -> billable
	billable []string        // sorted
}

// NewCodeSystem returns the code system of the given codes, each counted as
// billable and normalised as corpus.NormalizeCode does; empty strings are
// ignored. Without an order file, a CCSR map's codes and a corpus's codes
// make the system: a code's longer prefix is then a node only when it is
// itself a code of one of them.
func NewCodeSystem(name string, lists ...[]string) *CodeSystem {
	s := &CodeSystem{name: name, nodes: make(map[string]bool)}
	for _, l := range lists {
		for _, c := range l {
			if c = corpus.NormalizeCode(c); c != "" {
				s.add(c, true)
			}
		}
	}
	s.finish()
	return s
}

func (s *CodeSystem) add(code string, billable bool) {
	s.nodes[code] = s.nodes[code] || billable
}

func (s *CodeSystem) finish() {
	s.billable = s.billable[:0]
	for c, b := range s.nodes {
		if b {
			s.billable = append(s.billable, c)
		}
	}
	slices.Sort(s.billable)
}

// Name returns the file the system was read from, or the name given to
// NewCodeSystem.
func (s *CodeSystem) Name() string { return s.name }

// Has reports whether a normalised code is a node (billable or header).
func (s *CodeSystem) Has(code string) bool {
	_, ok := s.nodes[code]
	return ok
}

// Len returns the number of nodes, headers included.
func (s *CodeSystem) Len() int { return len(s.nodes) }

// Billable returns the billable codes, sorted. The slice is shared: do not
// modify it.
func (s *CodeSystem) Billable() []string { return s.billable }

// ReadCodeSystemFile reads a code system from path; see ReadCodeSystem.
func ReadCodeSystemFile(path string) (*CodeSystem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("hierarchy: %w", err)
	}
	defer f.Close()
	return ReadCodeSystem(f, path)
}

// ReadCodeSystem reads CMS's ICD-10-CM order file (icd10cm_order_YYYY.txt:
// fixed width, the order number in columns 1-5, the code in 7-13, the
// billable flag in 15, 1 for a code and 0 for a header, descriptions from
// 17 on) or a code list (the first field of each line is a code, the rest
// ignored, as in CMS's icd10cm_codes_YYYY.txt; every code billable). The
// layout is taken from the first non-blank line: five digits and a space
// start an order file. Gzip input is detected; CRLF line ends and blank
// lines are accepted. Errors are *ParseError naming the line and column.
func ReadCodeSystem(r io.Reader, name string) (*CodeSystem, error) {
	br, closeFn, err := openInput(r, name)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	s := &CodeSystem{name: name, nodes: make(map[string]bool)}
	order, decided := false, false
	for line := 1; ; line++ {
		raw, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return nil, &ParseError{File: name, Line: line, Err: err}
		}
		text := bytes.TrimRight(raw, "\r\n")
		if line == 1 {
			text = bytes.TrimPrefix(text, []byte("\ufeff"))
		}
		if len(bytes.TrimSpace(text)) > 0 {
			if !decided {
				order, decided = isOrderLine(text), true
			}
			if err := s.addLine(text, order, name, line); err != nil {
				return nil, err
			}
		}
		if err == io.EOF {
			break
		}
	}
	s.finish()
	return s, nil
}

// isOrderLine reports whether a line starts as the order file's do: five
// digits and a space.
func isOrderLine(b []byte) bool {
	if len(b) < 6 || b[5] != ' ' {
		return false
	}
	for _, c := range b[:5] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// addLine adds the code of one non-blank line.
func (s *CodeSystem) addLine(text []byte, order bool, name string, line int) error {
	bad := func(col int, format string, a ...any) error {
		return &ParseError{File: name, Line: line, Column: col, Err: fmt.Errorf("%w: "+format, append([]any{ErrBadOrderLine}, a...)...)}
	}
	var field []byte
	col := 1
	billable := true
	if order {
		if !isOrderLine(text) || len(text) < 15 {
			return bad(1, "want the order file's layout: a 5-digit order number, the code in columns 7-13, the billable flag (0 or 1) in column 15")
		}
		field, col = bytes.TrimSpace(text[6:13]), 7
		switch text[14] {
		case '0':
			billable = false
		case '1':
		default:
			return bad(15, "billable flag %s, want 0 (header) or 1 (code)", describeByte(text[14]))
		}
	} else {
		trimmed := bytes.TrimLeft(text, " \t")
		col = len(text) - len(trimmed) + 1
		field = trimmed
		if i := bytes.IndexAny(trimmed, " \t,"); i >= 0 {
			field = trimmed[:i]
		}
	}
	code := corpus.NormalizeCode(string(field))
	if code == "" {
		return bad(col, "empty code")
	}
	for i := 0; i < len(code); i++ {
		if c := code[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return bad(col, "code of %d characters that are not all letters and digits, want an ICD-10-CM code such as E119", len(code))
		}
	}
	s.add(code, billable)
	return nil
}

// describeByte names a byte for a message without echoing input text.
func describeByte(c byte) string {
	switch {
	case c == ' ':
		return "blank"
	case c >= '0' && c <= '9':
		return fmt.Sprintf("%q", c)
	}
	return "not a digit"
}
