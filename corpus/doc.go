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
// An extract (ReadExtract) is CSV or TSV with a header (or Parquet, or an
// OMOP database: see below) and one diagnosis per row: a patient identifier, a date and a diagnosis code; other columns are
// ignored. Codes are normalised (NormalizeCode: trimmed, upper case, dot
// removed). Rows are grouped per patient per calendar year of the date;
// within a sequence rows are ordered by date, input order kept within a
// date. Sequences are ordered by the order in which patients are first seen,
// then by year. Optional steps: Dedupe keeps the first occurrence of a code
// in each sequence; MinCount drops rare codes; a sequence left empty is
// removed. Every row is accounted for in a ReadReport (Rows == Accepted +
// Skipped), and so is every token removed.
//
// When the extract has an icd_version column (as MIMIC-IV's diagnoses_icd
// has), rows whose version is not the code system's (10 for ICD-10-CM) are
// skipped and counted under the reason "icd_version"; they are never mixed
// into the corpus and never dropped silently.
//
// The same rows may come as a Parquet file (ReadParquet: the same
// columns, detected or named; dates as DATE, TIMESTAMP of any unit, INT96
// or strings). Every extract reader hands its rows to one row sink, which
// checks, counts and groups them, so a Parquet file and a CSV file of the
// same rows make the same corpus and the same report.
//
// A sequence file (ReadSequences) has one sequence per line, tokens
// separated by white space, kept as written.
//
// # OMOP CDM on PostgreSQL
//
// ReadDatabase reads the diagnoses of an OMOP Common Data Model (v5.4)
// database on PostgreSQL, given as a postgres:// URL (IsDatabaseURL), with
// github.com/jackc/pgx, a pure-Go driver. It reads four tables of the CDM
// schema (DatabaseOptions.OMOPSchema: "cdm" when the database has it, else
// the search path), in one read-only, repeatable-read transaction, each
// ordered by its primary key so that the same data makes the same corpus;
// rows stream from the server and are kept only as the builder keeps them.
//
// The code of a row is its ICD-10-CM source code, never the standard
// condition_concept_id (SNOMED CT: mapping it back to ICD-10-CM is
// one-to-many and loses specificity). The row's *_source_concept_id is
// looked up in the concept table (DatabaseOptions.VocabSchema; the CDM
// schema by default): a concept of vocabulary ICD10CM gives its
// concept_code, which the vocabulary has checked, and the row's
// *_source_value is ignored (it may hold a site's own spelling). A concept
// of the other ICD-CM version (ICD9CM) skips the row under
// ReasonICDVersion, as an extract's icd_version column would; a concept
// of any other vocabulary (SNOMED, ICD10 (WHO), Read, ...) under
// ReasonVocabulary, counted per vocabulary_id in the table's
// SourceReport. A row without a source concept (NULL, or 0, which is
// Athena's "No matching concept" and never joined, or an id absent from
// the concept table) is an unmapped code: its source value is taken and
// checked by the code system's syntax like any extract's code, so local
// text is rejected and counted (ReasonCodeSyntax) and too much of it stops
// the read (the code gate); such accepted rows are counted in
// SourceReport.FromSourceValue, since syntax cannot tell an unmapped
// ICD-9-CM V code (V70.0) from an ICD-10-CM code. A NULL or blank source
// value is a row without a code: skipped and counted under
// ReasonEmptyCode, whatever SkipBad says.
//
// condition_occurrence is read whole. An ICD-10-CM code whose target
// domain is not Condition (many Z codes, some R codes) sits in the table
// of its domain, so observation, measurement and procedure_occurrence are
// read too, but only their rows whose source concept is of a diagnosis
// vocabulary (ICD10CM, ICD9CM, ICD10 and its national versions): their
// other rows are laboratory results, procedures and answers, whose source
// values are no codes, and are neither read nor counted. A missing table
// of these three is reported (SourceReport.Absent); a missing
// condition_occurrence or concept table is an error naming the flag.
// Dates are the tables' *_date columns.
//
// DatabaseOptions.Query reads another schema instead: a SELECT whose
// first three columns are the patient, the date (date, timestamp,
// timestamptz as its UTC date, or text as an extract's dates) and the
// code; its rows are checked like a CSV extract's (a NULL is an empty
// field).
//
// # A code is only what looks like a code
//
// Patient identifiers, names and dates must never become tokens, whatever
// column a user names or a shifted row puts where. So both readers accept a
// code only when it passes the code system's syntax (CodeSystem: ICD10CM by
// default, ICD9CM, or a pattern; ParseCodeSystem reads the -code-system
// flag's values icd10cm, icd9cm, regex:PATTERN). A row whose code fails is
// skipped and counted under ReasonCodeSyntax, always (it is a fact about
// the data, not a broken row); a sequence file's line holding a token that
// is neither a code nor shaped like a CCSR category is skipped the same way.
// Many failures mean the wrong column, or not a sequence file, so the read
// stops with a *CodeColumnError, which names the column and the flags to
// use and quotes no value:
//   - at once when the first 20 values checked all fail;
//   - when, from 1,000 values on, more than 5% have failed (checked after
//     every failure);
//   - at the end, when every value failed, or, from 20 values on, more than
//     5% did.
//
// Real codes never fail their system's syntax: every code of the
// FY2021 ICD-10-CM code set and every ICD-9-CM and ICD-10-CM code of
// MIMIC-IV's dictionary pass (tests check), so 5% leaves room for typing
// errors in a real extract and none for a column of identifiers. Syntax
// cannot tell a code from an identifier shaped like one (a record number
// such as Q004211). When a list of known codes is at hand
// (ReadOptions.CodeList: the CCSR map, a code-list file read by
// ReadCodeList), codes absent from it are accepted and counted
// (ReadReport.NotInCodeList), but the read stops with a *CodeColumnError
// when the first 20 codes are all absent, or at the end when more than
// half of them are (from 20 on; all of them, below): a CCSR map of another
// year misses few of a real extract's codes (v2020.1 lacks 496 of the
// 72,621 FY2021 codes, under 1%), a column of identifiers misses nearly
// all. The list check has no running share, so
// that the streaming and the parallel sequence readers decide alike.
//
// # Formats are never guessed into tokens
//
// DetectFormat calls a file a cache or a Parquet file by its magic bytes
// ("HVCORPUS", "PAR1"), and a sequence file only when no line of its first
// 64 KiB holds a comma, semicolon or '|' and every token there is a code
// (or a category); a file whose first line has delimited fields is an
// extract, which ReadExtract then reads or refuses: a header that does not
// name the patient, date and code columns gives a *ColumnError listing
// every missing and ambiguous column at once, with the header's columns and
// the flag for each (-patient-col NAME); a first line that names no known
// column and holds a date- or code-shaped field is data, refused with a
// *ParseError wrapping ErrNoHeader. Anything else is an error wrapping
// ErrUnknownFormat. Every input is opened through internal/input, which
// decompresses gzip, drops a byte-order mark and refuses an archive (an
// Excel workbook) or binary data in one line.
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
// checksum over everything before it. Format version 2 stores each token
// in 2 bytes when the vocabulary has at most 65,536 words (a flag says so)
// and in 4 otherwise, so that a cache is as compact as the corpus in
// memory; version 1, which stored every token in 4 bytes, is still read. ReadCache checks the sizes against
// the file length before allocating, the checksum, and every invariant of
// the corpus; any failure wraps ErrCorruptCache. Files are written through
// internal/atomicfile, so a crash never leaves half a cache.
//
// # Privacy
//
// Patient identifiers never enter a Corpus, a cache, an error message or a
// report that is printed: a Corpus holds, per sequence, only the index of
// its patient in first-seen order. The readers of every format hand each
// row's identifier to the row sink, whose builder keeps it only as a key
// of its patient map (and in ReadReport.PatientIDs). A database is named
// in messages and reports without its password and URL parameters
// (DatabaseName); a server's error message keeps its double-quoted words
// only when they are shaped like identifiers and drops its detail, which
// may hold row values. The identifiers themselves are returned
// once, in ReadReport.PatientIDs, which lives in memory only (it is excluded
// from JSON) so that callers can join outcomes such as mortality to
// sequences.
//
// Every error names the file, line and field number (for a Parquet file or
// a database, the row: ParseError.Row) and what was expected.
// A value is quoted only when it is in the date or the code column and
// passes that column's rule (internal/redact: date-shaped; a code of the
// code system), cut to a few characters; any other value is described by
// its length and character classes. Header cells are quoted in column
// errors only when they look like column names (up to 32 ASCII letters,
// digits, '_', '-' and spaces, starting with a letter or '_', no run of
// more than three digits) and the header holds no date- or code-shaped
// cell; otherwise they are described too. Reading stops, with an error
// wrapping the context's, when the context passed to a reader is done
// (checked every 4,096 rows or lines, and every 64 KiB of a cache).
package corpus
