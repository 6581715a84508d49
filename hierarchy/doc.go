// Package hierarchy holds the structure hiervec folds into training: HCUP's
// Clinical Classifications Software Refined (CCSR) for ICD-10-CM diagnoses
// and the ICD-10-CM code tree, the decisions that label a code with them,
// and the co-trained (CO) and separately trained (SEP) corpora of Finch et
// al. 2021.
//
// A typical use reads a map, resolves the policy a flag names, and labels
// codes or builds a view:
//
//	m, err := hierarchy.ReadMapFile("DXCCSR_v2023-1.CSV")
//	policy, err := hierarchy.ResolvePolicy(policyFlag, m) // "" = the map's default
//	lab := hierarchy.NewLabeler(m, policy)
//	cat, ok := lab.Label("E11.9")                       // END002, true
//	cov := lab.Coverage(c.Vocab, nil, 10)               // codes without a category
//	co, report := hierarchy.CoTrain(c, m, policy)       // "E119 END002 I10 CIR007 ..."
//
// Every command resolves -policy with ResolvePolicy and labels codes with a
// Labeler, so that a code has one category wherever it is looked at:
// in the views, in evaluate's scores, in inspect's coverage and in the
// projector's metadata.
//
// # CCSR
//
// CCSR (Agency for Healthcare Research and Quality, Healthcare Cost and
// Utilization Project; hcup-us.ahrq.gov/toolssoftware/ccsr/) groups the
// ~74,000 ICD-10-CM diagnosis codes into ~540 clinically meaningful
// categories such as CIR007 "Essential hypertension", named by a 3-letter
// body system (CIR, END, INJ, ...; BodySystems, from the v2023.1 workbook's
// Naming_Conventions sheet) and a number. About 11% of codes map to two to
// six categories (a code for diabetes with a kidney complication is both
// END and GEN). From v2021.1 on, HCUP also gives each code a default
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
// The reference workbook itself (.xlsx) is refused with ErrWorkbook, in
// one line that says to save its mapping sheet as CSV: an xlsx library
// would add its start-up memory to every hiervec command.
//
// Codes are normalised as corpus.NormalizeCode does (upper case, no dot) and
// must be alphanumeric. A repeated (code, category) pair is ignored and
// counted in MapStats.Duplicates; a wide row with no category leaves its
// code unmapped and is counted in MapStats.NoCategory. Errors are
// *ParseError values naming file, line and column.
//
// # Policies and labels
//
// A view needs one category per code, or all of them. PolicyDefaultOP and
// PolicyDefaultIP take HCUP's default outpatient or inpatient category;
// where a code's default is XXX111 or XXX000 (unacceptable as first-listed
// or principal diagnosis), or the file has no default columns, they fall
// back to the first category (CCSR CATEGORY 1). PolicyFirst takes the first
// category; PolicyAll takes every category in the file's order.
// Map.DefaultPolicy is default-op when the file has the outpatient default,
// first otherwise; ResolvePolicy gives it for an empty flag. Finch et al.
// assign each code its default category.
//
// A Labeler looks a code token up as given and, failing that, normalised
// ("E11.9" finds E119), and returns its categories under its policy; Label
// gives the first, the label evaluate scores clusters against. Coverage
// counts the codes of a vocabulary that have no category, and their
// occurrences, with the most frequent listed: nothing unmapped is lost
// silently.
//
// # Ancestors
//
// An Ancestry gives any code (seen in an extract or not) its ancestors at a
// set of Levels, each as a corpus token whose spelling tells its kind
// (corpus.KindOf) and can never be a code:
//
//	ccsr     CCSR categories under the policy    END002  (corpus.KindCategory)
//	body     their body systems                  BS:END  (corpus.KindBodySystem)
//	icd6..4  ICD-10-CM prefix nodes              E116*   (corpus.KindPrefix)
//	icd3     the 3-character category            E11*    (corpus.KindPrefix)
//	chapter  the ICD-10-CM chapter               CH:04   (corpus.KindChapter)
//
// ParseLevels reads a flag such as "ccsr" (the paper) or
// "icd3,ccsr,chapter"; ancestors always come in that canonical order. A
// longer prefix (icd4 to icd6) is a node only when the CodeSystem has it:
// CMS's order file (ReadCodeSystemFile on icd10cm_order_YYYY.txt) lists
// every header, such as E11.6; without it, NewCodeSystem of the map's and
// the corpus's codes makes a prefix a node only when it is itself a code.
// Edges gives the tree's edges for a code (each node to its nearest chosen
// ancestor in ICD-10-CM; code to category to body system in CCSR), the
// graph the retrofit package smooths vectors over. NewComposition turns an
// Ancestry and a vocabulary into the table of ancestor composition
// (trainer.TrainComposed): per code, the ancestors whose rows its input
// vector is composed from; Of gives the same for any code, seen or not,
// and Patients the patients behind each ancestor's row, for the
// small-cell rule.
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
// CoTrainLevels generalises CO to an Ancestry's levels: every code is
// followed by all its ancestor tokens ("E1165 END002 E11* CH:04" for
// icd3,ccsr,chapter); with the ccsr level alone it is CoTrain. The views
// precompute, per vocabulary id, the ids of the tokens it expands to, so
// building a view is one pass over the flat token array with no map
// look-ups. Each view's ViewReport counts what it dropped or left unmapped.
//
// # ICD-10-CM structure
//
// Chapter gives the chapter of a code from its first three characters by
// the 22 code ranges of the FY2021 ICD-10-CM tabular list (A00-B99 ...
// U00-U85); Category3 its 3-character category; Dotted its display form.
//
// References: M. Finch et al., "Exploiting hierarchy in medical concept
// embedding", JAMIA Open 4(1):ooab022, 2021; HCUP, "Clinical
// Classifications Software Refined (CCSR) for ICD-10-CM diagnoses",
// v2020.1-v2023.1 reference files; CMS and CDC NCHS, ICD-10-CM FY2021
// code descriptions in tabular order (icd10cm_order_2021.txt).
package hierarchy
