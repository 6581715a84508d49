package corpus

import (
	"fmt"
	"strings"
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
	need                         int // fields a row must have: 1 + the largest index used
}

// detectDelimiter picks ',' or '\t' for a header line: the one that occurs
// (outside quotes) more often; ',' on a tie. ';' is accepted when neither
// occurs.
func detectDelimiter(header string) rune {
	var comma, tab, semi int
	inQuote := false
	for i := 0; i < len(header); i++ {
		switch header[i] {
		case '"':
			inQuote = !inQuote
		case ',':
			if !inQuote {
				comma++
			}
		case '\t':
			if !inQuote {
				tab++
			}
		case ';':
			if !inQuote {
				semi++
			}
		}
	}
	switch {
	case tab > comma:
		return '\t'
	case comma == 0 && tab == 0 && semi > 0:
		return ';'
	}
	return ','
}

// findColumns locates the patient, date and code columns in header, by the
// names in opt or, when empty, by the common names.
func findColumns(file string, header []string, opt ReadOptions) (columns, error) {
	norm := make([]string, len(header))
	for i, h := range header {
		norm[i] = strings.ToLower(trimSpace(h))
	}
	find := func(role, chosen string, common []string) (int, error) {
		if chosen != "" {
			want := strings.ToLower(trimSpace(chosen))
			idx := -1
			for i, h := range norm {
				if h == want {
					if idx >= 0 {
						return -1, fmt.Errorf("corpus: %s: %s column %q appears twice in the header %s", file, role, chosen, quoteList(header))
					}
					idx = i
				}
			}
			if idx < 0 {
				return -1, fmt.Errorf("corpus: %s: no %s column named %q in the header %s", file, role, chosen, quoteList(header))
			}
			return idx, nil
		}
		idx := -1
		for i, h := range norm {
			for _, c := range common {
				if h == c {
					if idx >= 0 {
						return -1, fmt.Errorf("corpus: %s: %s column is ambiguous: both %q and %q match; choose one with the %s column option (header %s)",
							file, role, header[idx], header[i], role, quoteList(header))
					}
					idx = i
				}
			}
		}
		if idx < 0 {
			return -1, fmt.Errorf("corpus: %s: no %s column found (looked for %s); name it with the %s column option (header %s)",
				file, role, strings.Join(common, ", "), role, quoteList(header))
		}
		return idx, nil
	}
	var c columns
	var err error
	if c.patient, err = find("patient", opt.PatientCol, PatientColumnNames); err != nil {
		return c, err
	}
	if c.date, err = find("date", opt.DateCol, DateColumnNames); err != nil {
		return c, err
	}
	if c.code, err = find("code", opt.CodeCol, CodeColumnNames); err != nil {
		return c, err
	}
	if c.patient == c.date || c.patient == c.code || c.date == c.code {
		return c, fmt.Errorf("corpus: %s: the patient, date and code columns must differ (header %s)", file, quoteList(header))
	}
	c.version = -1
	for i, h := range norm {
		if h == versionColumn && i != c.patient && i != c.date && i != c.code {
			c.version = i
		}
	}
	c.need = max(c.patient, c.date, c.code, c.version) + 1
	return c, nil
}

// quoteList renders a header for an error message.
func quoteList(h []string) string {
	q := make([]string, len(h))
	for i, s := range h {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, " ") + "]"
}
