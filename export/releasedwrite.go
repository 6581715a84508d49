package export

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/internal/atomicfile"
)

// WriteReleased writes sets to path in the released JSON layout (see the
// package documentation), atomically: a failed write leaves no file.
func WriteReleased(path string, sets []*embedding.Set) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer f.Abort()
	if err := WriteReleasedTo(f, sets); err != nil {
		return err
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// WriteReleasedTo writes sets to w in the released JSON layout: one object
// whose keys are the sets' Names, in the order given; each value maps a
// token to its vector. Codes are written dotted (hierarchy.Dotted; a code
// token that is not all ASCII letters and digits is written as it is),
// categories as they are. Vectors are lists of numbers written as strings
// (strconv 'g' format, shortest text that reads back to the same float32)
// except in sets whose name starts with "Med2Vec", whose vectors are lists
// of plain JSON numbers, as in the Dryad file. Every set is validated first.
func WriteReleasedTo(w io.Writer, sets []*embedding.Set) error {
	names := make(map[string]bool, len(sets))
	for _, s := range sets {
		if err := s.Validate(); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if names[s.Name] {
			return fmt.Errorf("export: two sets named %q; keys of the released layout must differ", s.Name)
		}
		names[s.Name] = true
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	buf := make([]byte, 0, 1<<12)
	buf = append(buf, '{')
	for k, s := range sets {
		if k > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, "\n"...)
		buf = appendJSONString(buf, s.Name)
		buf = append(buf, ": {"...)
		quoted := !strings.HasPrefix(s.Name, "Med2Vec")
		for i := range s.Len() {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, "\n  "...)
			tok := s.Tokens[i]
			if s.Kinds[i] == corpus.KindCode {
				tok = displayCode(tok)
			}
			buf = appendJSONString(buf, tok)
			buf = append(buf, ": ["...)
			for j, v := range s.Vector(i) {
				if j > 0 {
					buf = append(buf, ", "...)
				}
				if quoted {
					buf = append(buf, '"')
				}
				buf = strconv.AppendFloat(buf, float64(v), 'g', -1, 32)
				if quoted {
					buf = append(buf, '"')
				}
			}
			buf = append(buf, ']')
			if len(buf) >= 1<<11 {
				if _, err := bw.Write(buf); err != nil {
					return fmt.Errorf("export: write released JSON: %w", err)
				}
				buf = buf[:0]
			}
		}
		if s.Len() > 0 {
			buf = append(buf, '\n')
		}
		buf = append(buf, '}')
	}
	if len(sets) > 0 {
		buf = append(buf, '\n')
	}
	buf = append(buf, "}\n"...)
	if _, err := bw.Write(buf); err != nil {
		return fmt.Errorf("export: write released JSON: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: write released JSON: %w", err)
	}
	return nil
}

// appendJSONString appends s as a JSON string literal: quote, backslash and
// control characters escaped, invalid UTF-8 replaced by U+FFFD (as
// encoding/json does), U+2028 and U+2029 escaped so the file is also valid
// JavaScript.
func appendJSONString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				buf = append(buf, '\\', c)
			case c == '\n':
				buf = append(buf, '\\', 'n')
			case c == '\r':
				buf = append(buf, '\\', 'r')
			case c == '\t':
				buf = append(buf, '\\', 't')
			case c < 0x20 || c == 0x7f:
				buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				buf = append(buf, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			buf = append(buf, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			buf = append(buf, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			buf = append(buf, s[i:i+size]...)
		}
		i += size
	}
	return append(buf, '"')
}

// displayCode returns a code token as the released file and the code books
// write it, with the dot after the third character. Tokens that are not
// all ASCII letters and digits (already dotted, or not codes at all) are
// returned as they are.
func displayCode(tok string) string {
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return tok
		}
	}
	return hierarchy.Dotted(tok)
}

// normalizeCode is corpus.NormalizeCode made idempotent: removing the dots
// can expose white space (" . x"), which a second trim removes, so that a
// token read, written and read again is the same token.
func normalizeCode(tok string) string {
	return strings.TrimSpace(corpus.NormalizeCode(tok))
}
