package corpus

// Skip reasons: the keys of ReadReport.SkippedByReason.
const (
	// ReasonMissingField: the row has fewer fields than the patient, date or
	// code column needs.
	ReasonMissingField = "missing_field"
	// ReasonDate: the date does not parse or is not a real calendar date.
	ReasonDate = "date"
	// ReasonEmptyCode: the code field is empty (or white space).
	ReasonEmptyCode = "empty_code"
	// ReasonEmptyPatient: the patient id field is empty.
	ReasonEmptyPatient = "empty_patient"
	// ReasonQuoting: the CSV quoting of the row is broken.
	ReasonQuoting = "quoting"
	// ReasonICDVersion: the extract has an icd_version column and the row's
	// version is not 10 (an ICD-9 code, say). Such rows are always skipped,
	// with or without ReadOptions.SkipBad, and always counted.
	ReasonICDVersion = "icd_version"
	// ReasonCodeSyntax: the code is not a code of the code system
	// (ReadOptions.CodeSystem; ICD-10-CM by default): an identifier, a name,
	// a date, a value too long or with spaces. Such rows are always skipped,
	// with or without SkipBad, and always counted; too many stop the read
	// with a *CodeColumnError. In a sequence file, a line holding such a
	// token.
	ReasonCodeSyntax = "code_syntax"
	// ReasonVocabulary: a row of an OMOP table whose source concept is of
	// another vocabulary than the code system's and not of the other ICD
	// version (SNOMED, ICD10 (WHO), Read, ...: a row of the other ICD-CM
	// version is counted under ReasonICDVersion, as an extract's
	// icd_version column would count it). Always skipped and counted;
	// SourceReport.SkippedVocabularies says which.
	ReasonVocabulary = "vocabulary"
)

// ReadReport says what reading a corpus did, row by row and token by token,
// so that nothing is dropped silently. It is a plain struct: the CLI prints
// it or encodes it as JSON.
//
// For an extract Rows == Accepted + Skipped always holds. For a sequence file
// a row is a non-blank line and nothing is skipped; blank lines are counted
// in BlankLines. For a cache, Rows is 0.
type ReadReport struct {
	Rows            int64            `json:"rows"`          // data rows (extract) or non-blank lines (sequence file)
	Accepted        int64            `json:"accepted_rows"` // rows that became a token (before Dedupe and MinCount)
	Skipped         int64            `json:"skipped_rows"`  // rows skipped, = sum of SkippedByReason
	SkippedByReason map[string]int64 `json:"skipped_by_reason"`
	BlankLines      int64            `json:"blank_lines,omitempty"` // sequence files: blank lines skipped

	// CodeSystem is the code system the codes were checked against, as
	// ParseCodeSystem reads it ("icd10cm"); a cache's tokens are checked too.
	CodeSystem string `json:"code_system,omitempty"`
	// NotInCodeList and NotInCodeListCodes count the accepted rows (code
	// tokens, for a sequence file) and the distinct codes that pass the
	// syntax but are absent from ReadOptions.CodeList; 0 without a list.
	// They are accepted all the same.
	NotInCodeList      int64 `json:"not_in_code_list,omitempty"`
	NotInCodeListCodes int64 `json:"not_in_code_list_codes,omitempty"`

	Patients     int64 `json:"patients"`      // distinct patients with at least one sequence in the corpus
	PatientYears int64 `json:"patient_years"` // sequences in the corpus
	Tokens       int64 `json:"tokens"`        // tokens in the corpus, after Dedupe and MinCount

	DedupedTokens         int64 `json:"deduped_tokens"`           // repeats removed by Dedupe
	DroppedMinCountTokens int64 `json:"dropped_min_count_tokens"` // tokens removed by MinCount
	DroppedMinCountCodes  int64 `json:"dropped_min_count_codes"`  // distinct tokens removed by MinCount
	EmptySequencesDropped int64 `json:"empty_sequences_dropped"`  // sequences left empty by Dedupe/MinCount

	// Sources breaks the rows down by where they were read from, for an
	// input read from several (the tables of an OMOP database) or from a
	// query; nil for a file. The sources' counts add up to the report's.
	Sources []SourceReport `json:"sources,omitempty"`

	// PatientIDs lists the patient identifiers in first-seen order:
	// Corpus.Patients[i] indexes it. It exists only in memory, so callers
	// can join patient outcomes to sequences. It must never be printed,
	// logged or written; it is excluded from JSON.
	PatientIDs []string `json:"-"`
}

// SourceReport counts the rows read from one source of a database: an
// OMOP table or a query.
type SourceReport struct {
	Name            string           `json:"name"`             // "cdm.condition_occurrence", "query"
	Absent          bool             `json:"absent,omitempty"` // the table is not in the schema: nothing read
	Rows            int64            `json:"rows"`
	Accepted        int64            `json:"accepted_rows"`
	Skipped         int64            `json:"skipped_rows"`
	SkippedByReason map[string]int64 `json:"skipped_by_reason,omitempty"`
	// FromSourceValue counts the accepted rows whose code is the row's
	// source value, the row having no source concept (a subset of
	// Accepted).
	FromSourceValue int64 `json:"from_source_value,omitempty"`
	// SkippedVocabularies counts the rows skipped under ReasonVocabulary
	// by their source concept's vocabulary_id ("(other)" for one not
	// shaped like a vocabulary id).
	SkippedVocabularies map[string]int64 `json:"skipped_vocabularies,omitempty"`
}

// skip counts one skipped row.
func (r *ReadReport) skip(reason string) {
	if r.SkippedByReason == nil {
		r.SkippedByReason = make(map[string]int64)
	}
	r.SkippedByReason[reason]++
	r.Skipped++
}
