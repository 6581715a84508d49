package corpus

import (
	"errors"
	"fmt"
	"strings"
)

// ReadOptions controls how an EHR extract (and, for Dedupe and MinCount, any
// corpus read through ReadFile) becomes a Corpus.
type ReadOptions struct {
	// PatientCol, DateCol and CodeCol name the extract columns holding the
	// patient identifier, the date and the diagnosis code, matched
	// case-insensitively. Empty means "detect from common names" (see
	// PatientColumnNames, DateColumnNames, CodeColumnNames).
	PatientCol, DateCol, CodeCol string

	// Dedupe keeps only the first occurrence of each code within a
	// patient-year (a sequence). The paper keeps repeats, so the default is
	// false.
	Dedupe bool

	// MinCount drops every token seen fewer than MinCount times in the whole
	// corpus (after Dedupe), like word2vec's -min-count. 1 keeps everything.
	MinCount int

	// SkipBad skips malformed rows (missing fields, unparsable dates, empty
	// codes or patient ids, broken quoting) and counts them per reason in
	// the ReadReport instead of stopping at the first with a *ParseError.
	SkipBad bool

	// CodeSystem is the syntax every code must have (see CodeSystem); nil
	// means ICD10CM. A value that fails is never a token: the row (the line
	// of a sequence file) is skipped and counted under ReasonCodeSyntax,
	// whatever SkipBad says, and too many stop the read with a
	// *CodeColumnError.
	CodeSystem *CodeSystem

	// CodeList, when set, is the list of codes the input's codes should come
	// from (the CCSR map, a code-list file: ReadCodeList). A code absent
	// from it is accepted and counted (ReadReport.NotInCodeList), but when
	// most are absent the read stops with a *CodeColumnError: the column
	// holds identifiers shaped like codes. Category tokens of a sequence
	// file are not checked.
	CodeList CodeSet

	// Database says which tables (or query) ReadDatabase reads; used only
	// when the input is a database URL.
	Database DatabaseOptions
}

// DefaultReadOptions returns the options the paper's setting needs:
// columns detected, duplicates kept (Finch et al. keep every code event),
// MinCount 1 (every code kept: rare codes still need a vector for the
// category evaluation), and bad rows are errors (a broken extract should be
// noticed, not trained on).
func DefaultReadOptions() ReadOptions {
	return ReadOptions{MinCount: 1}
}

// Validate reports every problem with the options at once.
func (o ReadOptions) Validate() error {
	var errs []error
	if o.MinCount < 1 {
		errs = append(errs, fmt.Errorf("corpus: MinCount is %d; it must be at least 1 (1 keeps every code)", o.MinCount))
	}
	cols := map[string]string{}
	for _, c := range []struct{ name, val string }{{"PatientCol", o.PatientCol}, {"DateCol", o.DateCol}, {"CodeCol", o.CodeCol}} {
		v := strings.ToLower(strings.TrimSpace(c.val))
		if v == "" {
			continue
		}
		if prev, ok := cols[v]; ok {
			errs = append(errs, fmt.Errorf("corpus: %s and %s both name column %q; each must name a different column", prev, c.name, c.val))
			continue
		}
		cols[v] = c.name
	}
	if strings.TrimSpace(o.Database.Query) != "" && (o.Database.OMOPSchema != "" || o.Database.VocabSchema != "") {
		errs = append(errs, errors.New("corpus: Database.Query names its own tables; OMOPSchema and VocabSchema (-omop-schema, -vocab-schema) do not apply to it"))
	}
	return errors.Join(errs...)
}
