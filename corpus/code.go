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
