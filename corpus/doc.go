// Package corpus turns EHR diagnosis extracts and sequence files into the
// flat, tokenised training corpus hiervec trains on, and stores it in a
// binary cache.
//
// # Data model: the patient-year
//
// Following Finch et al., "Exploiting hierarchy in medical concept
// embedding", JAMIA Open 2021;4(1):ooab022, a training sequence is one
// patient's diagnosis codes in one calendar year, in date order. Word2Vec
// (Mikolov et al. 2013) then treats a patient-year like a sentence: context
// windows never cross from one patient-year into another. Within a sequence
// the codes of one calendar date form a visit, the unit Med2Vec (Choi et al.
// 2016) needs.
//
// An extract (ReadExtract) is CSV or TSV with a header and one diagnosis per
// row: a patient identifier, a date and an ICD-10-CM code; other columns are
// ignored. Codes are normalised (NormalizeCode: trimmed, upper case, dot
// removed). Rows are grouped per patient per calendar year of the date;
// within a sequence rows are ordered by date, input order kept within a
// date. Sequences are ordered by the order in which patients are first seen,
// then by year. Optional steps: Dedupe keeps the first occurrence of a code
// in each sequence; MinCount drops rare codes; a sequence left empty is
// removed. Every row is accounted for in a ReadReport (Rows == Accepted +
// Skipped), and so is every token removed.
//
// The extract reader does not know ICD versions. When the extract has an
// icd_version column (as MIMIC-IV's diagnoses_icd has), rows whose version
// is not 10 are skipped and counted under the reason "icd_version"; they are
// never mixed into an ICD-10-CM corpus and never dropped silently.
//
// A sequence file (ReadSequences) has one sequence per line, tokens
// separated by white space, taken as given.
//
// The Corpus itself is flat: one array of token ids for the whole corpus
// plus offsets for sequences and visits, so memory is 2 bytes per token
// (4 when the vocabulary has more than 65,536 words: Tokens) plus 8 per
// sequence and per visit. While an extract is read, each row costs 8 more
// bytes (patient-year, month and day, a 2-byte code id; 10 past 65,536
// codes) in chunks that grow without copying, and 4 more while the rows
// are grouped (their order); no string is kept per row, one per patient
// (its identifier, for ReadReport.PatientIDs). The vocabulary is sorted like
// word2vec's: count descending, ties by token ascending.
//
// # Cache format
//
// WriteCache stores a Corpus as a little-endian binary file: the magic
// "HVCORPUS", a format version, flags and section sizes; then the sections
// (word lengths and bytes, kinds, counts, tokens, sequence, visit and
// sequence-visit offsets, years, patient indices); then a CRC-64 (ECMA)
// checksum over everything before it. ReadCache checks the sizes against
// the file length before allocating, the checksum, and every invariant of
// the corpus; any failure wraps ErrCorruptCache. Files are written through
// internal/atomicfile, so a crash never leaves half a cache.
//
// # Privacy
//
// Patient identifiers never enter a Corpus, a cache, an error message or a
// report that is printed: a Corpus holds, per sequence, only the index of
// its patient in first-seen order. The identifiers themselves are returned
// once, in ReadReport.PatientIDs, which lives in memory only (it is excluded
// from JSON) so that callers can join outcomes such as mortality to
// sequences. Errors about a bad patient field name the file, line and field
// number, never the value.
package corpus
