// Package redact is the one rule by which hiervec's messages may show a
// value read from an input file. Inputs carry patient identifiers, and a
// misnamed column, a shifted row or a file without a header can put an
// identifier in any field; so a message quotes a value only when the value
// passes the character rule of the column it was expected in, and then only
// its first few characters. Every other value is described by its shape
// ("a value of 18 characters: letters and digits"), which says what went
// wrong without saying what was there.
//
// The rules are deliberately narrower than the formats they guard: a date is
// quoted only when it is shaped like a date (digit groups of at most four
// separated by '-', '/', ':', 'T' or a space, at least one separator), so
// that a run of digits, which may be a record number, is described, not
// quoted; a code is quoted only when the caller's code rule accepts it.
package redact

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxQuoted is the number of characters of a value a message may show.
const MaxQuoted = 12

// Date quotes s when it is shaped like a date, and describes it otherwise.
func Date(s string) string {
	return Quote(s, IsDateShaped)
}

// Quote returns s quoted and cut to MaxQuoted characters when ok(s) holds,
// and Describe(s) otherwise. ok is the character rule of the column the
// value was read for (IsDateShaped, or a code system's syntax).
func Quote(s string, ok func(string) bool) string {
	t := strings.TrimSpace(s)
	if t == "" || ok == nil || !utf8.ValidString(t) || !ok(t) {
		return Describe(s)
	}
	if utf8.RuneCountInString(t) > MaxQuoted {
		r := []rune(t)
		return fmt.Sprintf("%q...", string(r[:MaxQuoted]))
	}
	return fmt.Sprintf("%q", t)
}

// IsDateShaped reports whether s consists of digit groups of one to four
// digits separated by single '-', '/', ':', '.', 'T' or space characters,
// with at least one separator, and at most 25 characters in all: the shape
// of "2019-03-04", "03/04/2019" or "2019-03-04T14:38:00". A bare run of
// digits is not date-shaped.
func IsDateShaped(s string) bool {
	if len(s) == 0 || len(s) > 25 {
		return false
	}
	seps, run := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			run++
			if run > 4 {
				return false
			}
		case c == '-' || c == '/' || c == ':' || c == '.' || c == 'T' || c == ' ':
			if run == 0 {
				return false
			}
			run = 0
			seps++
		default:
			return false
		}
	}
	return seps > 0 && run > 0
}

// Describe says what kind of value s is without showing any of it: its
// length and the classes of characters it holds.
func Describe(s string) string {
	if s == "" {
		return "an empty value"
	}
	if strings.TrimSpace(s) == "" {
		return fmt.Sprintf("a value of %s of white space only", size(len(s), "byte"))
	}
	if !utf8.ValidString(s) {
		return fmt.Sprintf("a value of %s that is not valid UTF-8", size(len(s), "byte"))
	}
	var letters, digits, spaces, punct, control, other bool
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters = true
		case unicode.IsDigit(r):
			digits = true
		case r == '\n' || r == '\r':
			control = true
		case unicode.IsSpace(r):
			spaces = true
		case unicode.IsControl(r):
			control = true
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			punct = true
		default:
			other = true
		}
	}
	var classes []string
	for _, c := range []struct {
		on   bool
		name string
	}{{letters, "letters"}, {digits, "digits"}, {spaces, "spaces"}, {punct, "punctuation"}, {control, "line breaks or control characters"}, {other, "other characters"}} {
		if c.on {
			classes = append(classes, c.name)
		}
	}
	n := utf8.RuneCountInString(s)
	return fmt.Sprintf("a value of %s: %s", size(n, "character"), joinAnd(classes))
}

// size writes n units, in thousands or millions for long values.
func size(n int, unit string) string {
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%.1f million %ss", float64(n)/1e6, unit)
	case n >= 1e4:
		return fmt.Sprintf("%d thousand %ss", n/1000, unit)
	case n == 1:
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return "no characters"
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
