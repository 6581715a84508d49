package corpus

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hiervec/hiervec/internal/redact"
)

// Column names detected, case-insensitively, when ReadOptions leaves a
// column name empty. They cover OMOP (person_id, condition_start_date,
// condition_source_value), MIMIC (subject_id, admittime, icd_code) and the
// usual claims and registry spellings.
var (
	PatientColumnNames = []string{"patient_id", "person_id", "subject_id", "patient", "member_id", "mrn", "pat_id", "patid"}
	DateColumnNames    = []string{"date", "service_date", "condition_start_date", "admittime", "dx_date", "visit_date", "encounter_date", "event_date"}
	CodeColumnNames    = []string{"code", "icd10", "icd10cm", "icd_code", "icd10_code", "dx", "dx_code", "diagnosis_code", "condition_source_value"}
)

// versionColumn is the optional column holding the ICD version (MIMIC's
// diagnoses_icd); rows whose version is not 10 are skipped and counted.
const versionColumn = "icd_version"

// columns are the 0-based field indices of an extract's columns; version
// is -1 when the extract has no icd_version column.
type columns struct {
	patient, date, code, version int
	need                         int    // fields a row must have: 1 + the largest index used
	codeHeader                   string // the code column's header cell, rendered for messages
}

// detectDelimiter picks the delimiter of a header line: ',' or '\t',
// whichever occurs more often outside quotes (',' on a tie); when neither
// occurs, '|' or ';', whichever occurs more often ('|' on a tie); ',' when
// none does.
func detectDelimiter(header string) rune {
	var comma, tab, semi, pipe int
	inQuote := false
	for i := 0; i < len(header); i++ {
		if header[i] == '"' {
			inQuote = !inQuote
		}
		if inQuote {
			continue
		}
		switch header[i] {
		case ',':
			comma++
		case '\t':
			tab++
		case ';':
			semi++
		case '|':
			pipe++
		}
	}
	switch {
	case tab > comma:
		return '\t'
	case comma > 0:
		return ','
	case pipe > 0 && pipe >= semi:
		return '|'
	case semi > 0:
		return ';'
	}
	return ','
}

// findColumns locates the patient, date and code columns in header, by the
// names in opt or, when empty, by the common names. A header that names no
// known column and holds a date- or code-shaped cell is data: a *ParseError
// wrapping ErrNoHeader. Every other problem, for all roles at once, is one
// *ColumnError.
func findColumns(file string, header []string, opt ReadOptions) (columns, error) {
	norm := make([]string, len(header))
	for i, h := range header {
		norm[i] = strings.ToLower(trimSpace(h))
	}
	roles := []struct {
		role   Role
		chosen string
	}{{RolePatient, opt.PatientCol}, {RoleDate, opt.DateCol}, {RoleCode, opt.CodeCol}}
	named := false
	for _, h := range norm {
		for _, r := range roles {
			if r.chosen != "" && h == strings.ToLower(trimSpace(r.chosen)) || r.chosen == "" && slices.Contains(r.role.commonNames(), h) {
				named = true
			}
		}
	}
	col, shape := dataCell(header, opt.codeSystem())
	if !named && col > 0 {
		return columns{}, &ParseError{File: file, Line: 1, Column: col, Field: "header",
			Err: fmt.Errorf("%w: the first line looks like data (field %d is shaped like %s), not a header; an extract needs a header line naming its patient, date and code columns, such as patient_id,date,code",
				ErrNoHeader, col, shape)}
	}
	dataLike := col > 0

	ce := &ColumnError{File: file}
	idx := make([]int, len(roles))
	for k, r := range roles {
		idx[k] = -1
		var matches []int
		for i, h := range norm {
			if r.chosen != "" && h == strings.ToLower(trimSpace(r.chosen)) || r.chosen == "" && slices.Contains(r.role.commonNames(), h) {
				matches = append(matches, i)
			}
		}
		switch {
		case len(matches) == 1:
			idx[k] = matches[0]
		case len(matches) == 0 && r.chosen != "":
			ce.Missing = append(ce.Missing, r.role)
			ce.Problems = append(ce.Problems, fmt.Sprintf("no %s column named %s (%s, %s NAME)",
				r.role, headerCell(r.chosen, false), r.role.Option(), r.role.Flag()))
		case len(matches) == 0:
			ce.Missing = append(ce.Missing, r.role)
			ce.Problems = append(ce.Problems, fmt.Sprintf("no %s column found (looked for %s); name it with %s NAME (%s)",
				r.role, strings.Join(r.role.commonNames(), ", "), r.role.Flag(), r.role.Option()))
		default:
			ce.Ambiguous = append(ce.Ambiguous, r.role)
			all := "all"
			if len(matches) == 2 {
				all = "both"
			}
			ce.Problems = append(ce.Problems, fmt.Sprintf("the %s column is ambiguous: columns %s %s match; choose one with %s NAME (%s)",
				r.role, listColumns(header, matches, dataLike), all, r.role.Flag(), r.role.Option()))
		}
	}
	for k := range roles {
		for j := 0; j < k; j++ {
			if idx[k] >= 0 && idx[k] == idx[j] {
				ce.Shared = append(ce.Shared, roles[k].role)
				ce.Problems = append(ce.Problems, fmt.Sprintf("the %s column is column %d, which is already the %s column; name each with its own flag (%s NAME, %s NAME)",
					roles[k].role, idx[k]+1, roles[j].role, roles[j].role.Flag(), roles[k].role.Flag()))
			}
		}
	}
	if len(ce.Problems) > 0 {
		ce.Header = renderHeader(header, dataLike)
		return columns{}, ce
	}
	c := columns{patient: idx[0], date: idx[1], code: idx[2], version: -1}
	for i, h := range norm {
		if h == versionColumn && i != c.patient && i != c.date && i != c.code {
			c.version = i
		}
	}
	c.need = max(c.patient, c.date, c.code, c.version) + 1
	c.codeHeader = headerCell(header[c.code], dataLike)
	return c, nil
}

// listColumns renders the given 0-based columns of header: `1 "patient"
// and 2 "patient_id"`.
func listColumns(header []string, cols []int, dataLike bool) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = fmt.Sprintf("%d %s", c+1, headerCell(header[c], dataLike))
	}
	if len(parts) == 2 {
		return parts[0] + " and " + parts[1]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// dataCell returns the 1-based number of the first cell of a line that is
// shaped like data (a date, or a code of sys) and what it is shaped like;
// 0 when none is.
func dataCell(cells []string, sys *CodeSystem) (int, string) {
	for i, h := range cells {
		t := trimSpace(h)
		if _, ok := parseDate(t); ok || redact.IsDateShaped(t) {
			return i + 1, "a date"
		}
		if sys.Valid(t) {
			return i + 1, aCode(sys.Name())
		}
	}
	return 0, ""
}
