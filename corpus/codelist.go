package corpus

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/hiervec/hiervec/internal/input"
)

// CodeList is a set of known codes read from a file (ReadCodeList); it is
// a CodeSet.
type CodeList struct {
	codes map[string]struct{}
}

// NewCodeList returns a list of the given codes, normalised.
func NewCodeList(codes ...string) *CodeList {
	l := &CodeList{codes: make(map[string]struct{}, len(codes))}
	for _, c := range codes {
		l.codes[NormalizeCode(c)] = struct{}{}
	}
	return l
}

// Has reports whether the normalised code is in the list.
func (l *CodeList) Has(code string) bool {
	_, ok := l.codes[code]
	return ok
}

// Len returns the number of distinct codes in the list.
func (l *CodeList) Len() int { return len(l.codes) }

// ReadCodeListFile reads a code list from path; see ReadCodeList.
func ReadCodeListFile(ctx context.Context, path string, sys *CodeSystem) (*CodeList, error) {
	f, err := input.Open(path)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	defer f.Close()
	return ReadCodeList(ctx, f, path, sys)
}

// ReadCodeList reads a list of codes of system sys (nil: ICD10CM): one
// code per line, the code being the line's first field (up to the first
// white space, comma, tab, semicolon or |, quotes removed), so that CMS's
// icd10cm_codes_YYYY.txt, a CCSR CSV or a plain list all serve. Blank lines
// are skipped, and so is a first line whose first field is not a code (a
// header). Any other first field that is not a code of the system is an
// error naming the line; gzip input is decompressed. name is used in
// errors only.
func ReadCodeList(ctx context.Context, r io.Reader, name string, sys *CodeSystem) (*CodeList, error) {
	if sys == nil {
		sys = ICD10CM
	}
	br, err := textReader(r, name)
	if err != nil {
		return nil, err
	}
	l := &CodeList{codes: make(map[string]struct{})}
	line := 0
	var code []byte
	err = eachLine(ctx, br, func(b []byte) error {
		line++
		s := strings.TrimSpace(string(b))
		if s == "" {
			return nil
		}
		if i := strings.IndexAny(s, " \t,;|"); i >= 0 {
			s = s[:i]
		}
		s = strings.Trim(s, `"'`)
		var at int
		var ok bool
		code, at, ok = appendCode(code[:0], s)
		if !ok || !sys.accepts(code, at) {
			if line == 1 {
				return nil // a header
			}
			return &ParseError{File: name, Line: line, Column: 1, Field: "code",
				Err: fmt.Errorf("%s is not %s; expected one code per line", sys.quote(s), aCode(sys.Name()))}
		}
		l.codes[string(code)] = struct{}{}
		return nil
	})
	if err != nil {
		if _, ok := err.(*ParseError); ok {
			return nil, err
		}
		return nil, fmt.Errorf("corpus: %s: %w", name, err)
	}
	if len(l.codes) == 0 {
		return nil, fmt.Errorf("corpus: %s: no %s code in the code list", name, sys.Name())
	}
	return l, nil
}
