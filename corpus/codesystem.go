package corpus

import (
	"fmt"
	"regexp"
	"strings"
)

// CodeSystem is the syntax a diagnosis code must have to be read: the
// extract reader and the sequence reader accept a code only when it passes,
// so that an identifier, a name or a shifted field never becomes a token.
// ICD10CM is the default; ICD9CM and a user pattern (ParseCodeSystem) are
// the others. A CodeSystem is immutable and safe for concurrent use.
//
// Every system checks the value as written (surrounding white space
// trimmed, any case): at most one dot, and only where the system puts it;
// then the normalised code (NormalizeCode: upper case, dot removed) against
// its syntax. Whatever the system, a code is at most MaxCodeLen printable
// ASCII characters without spaces.
type CodeSystem struct {
	name    string // as ParseCodeSystem reads it: "icd10cm", "icd9cm", "regex:..."
	display string // for messages: "ICD-10-CM"
	syntax  func(code []byte) bool
	dotAt   func(code []byte, at int) bool // whether a dot at index at of the written value is allowed
	version string                         // the icd_version of the rows an extract keeps
}

// MaxCodeLen bounds a code's length (without its dot) under every code
// system, a user pattern included.
const MaxCodeLen = 32

// ICD10CM is ICD-10-CM syntax: a letter, a digit, then one to five letters
// or digits (3 to 7 characters without the dot); the dot, when written,
// comes after the third character and before at least one more (E11.9,
// e119, C4A.0, S72.001A, U07.1). Extract rows with an icd_version column
// are kept when it is 10.
var ICD10CM = &CodeSystem{
	name:    "icd10cm",
	display: "ICD-10-CM",
	syntax: func(b []byte) bool {
		if len(b) < 3 || len(b) > 7 || !isUpper(b[0]) || !isDigit(b[1]) {
			return false
		}
		for _, c := range b[2:] {
			if !isUpper(c) && !isDigit(c) {
				return false
			}
		}
		return true
	},
	dotAt:   func(b []byte, at int) bool { return at == 3 && len(b) > 3 },
	version: "10",
}

// ICD9CM is ICD-9-CM diagnosis syntax: three digits and up to two more
// (250.00, 4019); a V code, V and two digits and up to two more (V70.0,
// V707); an E code, E and three digits and up to one more (E880.9, E8791).
// The dot comes after the third character (after the fourth in E codes)
// and before at least one more. Extract rows with an icd_version column are
// kept when it is 9.
var ICD9CM = &CodeSystem{
	name:    "icd9cm",
	display: "ICD-9-CM",
	syntax: func(b []byte) bool {
		if len(b) < 3 || len(b) > 5 {
			return false
		}
		lo := 1
		switch {
		case isDigit(b[0]):
			lo = 0
		case b[0] == 'V':
		case b[0] == 'E':
			if len(b) < 4 {
				return false
			}
		default:
			return false
		}
		for _, c := range b[lo:] {
			if !isDigit(c) {
				return false
			}
		}
		return true
	},
	dotAt: func(b []byte, at int) bool {
		if b[0] == 'E' {
			return at == 4 && len(b) > 4
		}
		return at == 3 && len(b) > 3
	},
	version: "9",
}

// ParseCodeSystem reads a code system as a flag names it: "icd10cm",
// "icd9cm" (either case), or "regex:PATTERN", a Go regular expression
// (RE2 syntax) that the whole normalised code must match (upper case, dot
// removed: write `regex:[A-Z][0-9]{4}`, not `regex:[a-z]\.`). A pattern
// system allows one dot anywhere, keeps extract rows whose icd_version is
// 10 as ICD10CM does, and like every system accepts at most MaxCodeLen
// printable ASCII characters without spaces.
func ParseCodeSystem(s string) (*CodeSystem, error) {
	t := strings.TrimSpace(s)
	switch strings.ToLower(t) {
	case "icd10cm", "":
		return ICD10CM, nil
	case "icd9cm":
		return ICD9CM, nil
	}
	if len(t) > len("regex:") && strings.EqualFold(t[:len("regex:")], "regex:") {
		pat := t[len("regex:"):]
		re, err := regexp.Compile(`^(?:` + pat + `)$`)
		if err != nil {
			return nil, fmt.Errorf("corpus: code system %q: %w", s, err)
		}
		return &CodeSystem{
			name:    "regex:" + pat,
			display: "pattern " + pat,
			syntax:  func(b []byte) bool { return re.Match(b) },
			dotAt:   func([]byte, int) bool { return true },
			version: "10",
		}, nil
	}
	return nil, fmt.Errorf("corpus: unknown code system %q; expected icd10cm, icd9cm or regex:PATTERN", s)
}

// String returns the system as ParseCodeSystem reads it.
func (s *CodeSystem) String() string { return s.name }

// Name returns the system's name for messages: "ICD-10-CM", "ICD-9-CM" or
// "pattern PATTERN".
func (s *CodeSystem) Name() string { return s.display }

// Valid reports whether value, as written in an input, is a code of the
// system.
func (s *CodeSystem) Valid(value string) bool {
	b, at, ok := appendCode(nil, value)
	return ok && s.accepts(b, at)
}

// accepts checks a code appended by appendCode.
func (s *CodeSystem) accepts(code []byte, dotAt int) bool {
	return (dotAt < 0 || s.dotAt(code, dotAt)) && s.syntax(code)
}

// aCode names one code of the system called name, for messages: "an
// ICD-10-CM code", "a code matching pattern X".
func aCode(name string) string {
	if strings.HasPrefix(name, "pattern ") {
		return "a code matching " + name
	}
	return "an " + name + " code"
}

// quote renders a code value for a message: quoted when it is a code of
// the system, described otherwise.
func (s *CodeSystem) quote(value string) string { return quoteValue(value, s.Valid) }

// appendCode appends NormalizeCode(s) to dst and reports the index of the
// dot in the trimmed value (-1 when there is none) and whether the value is
// shaped like a code at all: printable ASCII without inner white space, at
// most one dot, 1 to MaxCodeLen characters besides it. When ok, out[len(dst):]
// equals NormalizeCode(s); otherwise out may hold anything (a long value is
// not copied).
func appendCode(dst []byte, s string) (out []byte, dotAt int, ok bool) {
	s = trimSpace(s)
	if len(s) == 0 || len(s) > MaxCodeLen+1 {
		return dst, -1, false
	}
	dotAt, ok = -1, true
	start := len(dst)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if dotAt >= 0 {
				ok = false
			}
			dotAt = i
			continue
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		case c <= ' ' || c >= 0x7f:
			ok = false
		}
		dst = append(dst, c)
	}
	if n := len(dst) - start; n == 0 || n > MaxCodeLen {
		ok = false
	}
	return dst, dotAt, ok
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// CodeSet is a list of known codes: the CCSR map, a code-list file
// (ReadCodeList). Has reports whether a normalised code (NormalizeCode:
// upper case, no dot) is in the list. Syntax cannot tell a code from an
// identifier shaped like one (a record number such as Q004211); membership
// can.
type CodeSet interface {
	Has(code string) bool
}

// codeSystem returns the options' code system, ICD10CM when none is set.
func (o *ReadOptions) codeSystem() *CodeSystem {
	if o.CodeSystem == nil {
		return ICD10CM
	}
	return o.CodeSystem
}
