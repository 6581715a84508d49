// Package hierarchy holds the structure hiervec folds into training: the
// ICD-10-CM code levels (chapter, 3-character category) and HCUP's Clinical
// Classifications Software Refined (CCSR) for ICD-10-CM diagnoses, and it
// builds the co-trained (CO) and separately trained (SEP) corpora of
// Finch et al. 2021.
//
// # CCSR
//
// CCSR (Agency for Healthcare Research and Quality, Healthcare Cost and
// Utilization Project; hcup-us.ahrq.gov/toolssoftware/ccsr/) groups the
// ~74,000 ICD-10-CM diagnosis codes into ~540 clinically meaningful
// categories such as CIR007 "Essential hypertension", named by a 3-letter
// body system (CIR, END, INJ, ...) and a number. About 11% of codes map to
// two to six categories (a code for diabetes with a kidney complication is
// both END and GEN). From v2021.1 on, HCUP also gives each code a default
// inpatient category (for a principal diagnosis) and a default outpatient
// category (for a first-listed diagnosis); codes that cannot be a principal
// or first-listed diagnosis get the markers XXX000 and XXX111 instead.
//
// # Layouts
//
// ReadMap detects the layout from the header (a first line that is not a
// header, such as the title row of the v2023 workbook sheets, is skipped),
// columns are found by name, not position, and gzip input is decompressed:
//
//   - "dxccsr": HCUP's DXCCSR_vYYYY-N.CSV as published, 18 columns: code,
//     code description, default IP category and description, default OP
//     category and description, CCSR CATEGORY 1..6 and their descriptions.
//     Every header name and value is wrapped in single quotes inside its
//     CSV field ('A000'), descriptions with commas are in double quotes,
//     and blank slots are ' '. Single quotes are stripped, then white
//     space; blank means no category. Versions before v2021.1 have no
//     default columns.
//   - "reference-long": the mapping sheet of HCUP's reference workbook
//     saved as CSV, one row per (code, category): v2020.1 has code, code
//     description, category, category description; v2023.1 adds
//     "Inpatient Default CCSR (Y/N/X)" and "Outpatient Default CCSR (Y/N/X)",
//     where Y marks the default category and X means the code's default
//     is XXX000 (inpatient) or XXX111 (outpatient).
//   - "hcup-data-wide": the wide CSV of the R package hcup.data
//     (I10_DX, I10DX_text, default_CCSR_IP, default_CCSR_OP, CCSR1..CCSR6),
//     built from DXCCSR_v2022-1.CSV with quotes removed; empty slot = empty
//     field.
//   - "plain": a header with code and category and optionally
//     category_description and code_description (any order, other columns
//     ignored), one row per code and category; a code may repeat, and the
//     order of its categories is kept. WritePlain writes it.
//
// Codes are normalised as corpus.NormalizeCode does (upper case, no dot) and
// must be alphanumeric. A repeated (code, category) pair is ignored and
// counted in MapStats.Duplicates; a wide row with no category leaves its
// code unmapped and is counted in MapStats.NoCategory. Errors are
// *ParseError values naming file, line and column.
//
// # Policies
//
// A view needs one category per code, or all of them. PolicyDefaultOP and
// PolicyDefaultIP take HCUP's default outpatient or inpatient category;
// where a code's default is XXX111 or XXX000 (unacceptable as first-listed
// or principal diagnosis), or the file has no default columns, they fall
// back to the first category (CCSR CATEGORY 1). PolicyFirst takes the first
// category; PolicyAll takes every category in the file's order.
// Map.DefaultPolicy is default-op when the file has the outpatient default,
// first otherwise. Finch et al. assign each code its default category.
//
// # Views
//
// Finch et al. (Exploiting hierarchy in medical concept embedding, JAMIA
// Open 2021;4(1):ooab022) train Word2Vec in two ways. CO (co-trained): each
// code in a patient-year sequence is followed by its CCSR category token,
// so codes and categories are embedded in one space (CoTrain builds that
// corpus: "E119 END002 I10 CIR007 ..."). SEP (separately trained): code
// vectors come from the plain corpus, category vectors from a second run on
// the same sequences with every code replaced by its category (CategoryView).
// Both views precompute, per vocabulary id, the ids of its category tokens,
// so building a view is one pass over the flat token array with no map
// look-ups.
//
// # ICD-10-CM structure
//
// Chapter gives the chapter of a code from its first three characters by
// the 22 code ranges of the FY2021 ICD-10-CM tabular list (A00-B99 ...
// U00-U85); Category3 its 3-character category; Dotted its display form.
package hierarchy
