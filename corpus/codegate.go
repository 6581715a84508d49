package corpus

// The shares of bad code values that stop a read (see the package doc).
const (
	// codeCheckFirst: when the first codeCheckFirst code values all fail,
	// the read stops there.
	codeCheckFirst = 20
	// codeCheckRows: from this many code values on, the share of failures
	// is checked after every failure (and at the end).
	codeCheckRows = 1000
	// maxFailPercent: more than this share of code values failing the
	// syntax stops the read.
	maxFailPercent = 5
	// maxAbsentPercent: more than this share of syntax-valid codes absent
	// from the code list stops the read.
	maxAbsentPercent = 50
)

// codeGate counts code values checked against the code system's syntax and
// against the code list, and says when there are too many failures.
type codeGate struct {
	checked, failed     int64 // values checked against the syntax; those that failed
	listChecked, absent int64 // syntax-valid values checked against the list; those absent
}

// syntax counts one value checked against the syntax and reports whether
// the read must stop now: the first codeCheckFirst values all failed, or,
// from codeCheckRows values on, more than maxFailPercent failed.
func (g *codeGate) syntax(bad bool) bool {
	g.checked++
	if bad {
		g.failed++
	}
	switch {
	case g.checked == codeCheckFirst && g.failed == g.checked:
		return true
	case g.checked >= codeCheckRows && (bad || g.checked == codeCheckRows):
		return g.failed*100 > maxFailPercent*g.checked
	}
	return false
}

// syntaxFails reports whether, at the end of the input, too many values
// failed the syntax: every one of them (at least one), or, from
// codeCheckFirst values on, more than maxFailPercent.
func (g *codeGate) syntaxFails() bool {
	return g.checked > 0 && (g.failed == g.checked || g.checked >= codeCheckFirst && g.failed*100 > maxFailPercent*g.checked)
}

// list counts one syntax-valid value checked against the code list and
// reports whether the read must stop now: the first codeCheckFirst were
// all absent.
func (g *codeGate) list(absent bool) bool {
	g.listChecked++
	if absent {
		g.absent++
	}
	return g.listChecked == codeCheckFirst && g.absent == g.listChecked
}

// listFails reports whether, at the end of the input, too many values were
// absent from the code list: every one of them (at least one), or, from
// codeCheckFirst values on, more than maxAbsentPercent.
func (g *codeGate) listFails() bool {
	return g.listChecked > 0 && (g.absent == g.listChecked || g.listChecked >= codeCheckFirst && g.absent*100 > maxAbsentPercent*g.listChecked)
}
