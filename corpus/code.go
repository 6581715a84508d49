package corpus

import "strings"

// NormalizeCode returns an ICD-10-CM code in the form hiervec keeps
// internally: surrounding white space trimmed, upper case, dots removed
// ("e11.9 " -> "E119"). It does not check that the code exists.
func NormalizeCode(s string) string {
	s = strings.TrimSpace(s)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.ReplaceAll(s, ".", "")
	}
	return strings.ToUpper(s)
}

// appendNormalized appends NormalizeCode(s) to dst without allocating when
// s is ASCII (the extract reader's hot path); other input goes through
// NormalizeCode itself, so the two always agree.
func appendNormalized(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return append(dst, NormalizeCode(s)...)
		}
	}
	s = trimSpace(s)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			continue
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
