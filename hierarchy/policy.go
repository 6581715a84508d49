package hierarchy

import (
	"fmt"
	"strings"
)

// Policy chooses the category (or categories) of a code that CCSR maps to
// several. About 11% of ICD-10-CM codes have more than one CCSR category.
type Policy int

const (
	// PolicyDefaultOP takes HCUP's default outpatient (first-listed
	// diagnosis) category. Where the code has none that is usable (the map
	// has no outpatient default, or it is XXX111, "unacceptable as a
	// first-listed diagnosis") it falls back to the first category
	// (CCSR CATEGORY 1).
	PolicyDefaultOP Policy = iota
	// PolicyDefaultIP takes HCUP's default inpatient (principal diagnosis)
	// category, falling back to the first category where the default is
	// absent or XXX000 ("unacceptable as a principal diagnosis").
	PolicyDefaultIP
	// PolicyFirst takes CCSR CATEGORY 1 (the first category listed).
	PolicyFirst
	// PolicyAll takes every category of the code, in the file's order.
	PolicyAll
)

var policyNames = [...]string{
	PolicyDefaultOP: "default-op",
	PolicyDefaultIP: "default-ip",
	PolicyFirst:     "first",
	PolicyAll:       "all",
}

// String returns the policy's name as ParsePolicy accepts it.
func (p Policy) String() string {
	if p >= 0 && int(p) < len(policyNames) {
		return policyNames[p]
	}
	return fmt.Sprintf("Policy(%d)", int(p))
}

// ParsePolicy parses "default-op", "default-ip", "first" or "all" (case and
// surrounding white space ignored).
func ParsePolicy(s string) (Policy, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for p, name := range policyNames {
		if t == name {
			return Policy(p), nil
		}
	}
	return 0, fmt.Errorf("hierarchy: %w %q: want one of %s", ErrUnknownPolicy, s, strings.Join(policyNames[:], ", "))
}

// ResolvePolicy turns a policy name as a flag or a config gives it into a
// Policy: m's DefaultPolicy when name is empty (PolicyFirst when m is nil),
// ParsePolicy's result otherwise. Every command resolves -policy through
// it, so that an empty flag means the same everywhere.
func ResolvePolicy(name string, m *Map) (Policy, error) {
	if strings.TrimSpace(name) != "" {
		return ParsePolicy(name)
	}
	if m == nil {
		return PolicyFirst, nil
	}
	return m.DefaultPolicy(), nil
}
