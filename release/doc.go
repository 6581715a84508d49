// Package release decides which trained vectors may leave the machine:
// small-cell suppression, the rule every export of hiervec applies.
//
// A vector is a summary of the patients whose records contain its token. A
// code seen in one patient has a vector shaped by that patient's other
// diagnoses alone, which can be read back; public-use data releases guard
// against this with a minimum cell size. hiervec writes a token's vector
// only when the token occurs in at least MinPatients distinct patients
// (DefaultMinPatients, 11: the cell-size threshold of CMS's data release
// policy, which forbids publishing any cell derived from fewer than 11
// beneficiaries). A category token counts the patients with any code of the
// category, which is exactly the patients whose co-trained or
// category-only sequences hold the category token, so one count over the
// view a set was trained on serves codes, categories and any other token.
//
// Suppressed tokens still train: their co-occurrences shape the vectors of
// the tokens that are written. Reports say how many tokens of each kind,
// and what share of the code occurrences, were suppressed, never which.
//
// # Coverage
//
// Whoever retrains on local data needs a vector for every code they will
// meet later, not only for the codes this extract held often enough.
// Cover gives every code of a code list (the CCSR map's codes, or
// CMS's ICD-10-CM list) a vector where one can be had without breaking the
// rule: a code that passes keeps its trained row; any other listed code,
// whether rare here or absent, is filled from elsewhere (composed from its
// ancestors' rows, or given by retrofitting from its hierarchy
// neighbours) and marked so, or is marked suppressed. A row trained on the
// code's own occurrences is refused for a code under the threshold
// (ErrOwnRows). WriteCoverageTable writes the companion table, one row
// per code: code, distinct patients, occurrences, source (trained,
// composed, retrofitted, suppressed) and own_rows (whether the code's own
// occurrences trained its vector). Its counts obey the rule too: a code
// under the threshold shows "<11" and no occurrences, the same for a rare
// code as for one never seen, since which codes occur rarely is itself a
// small cell.
//
// Counts come from the patient index that extracts and corpus caches keep
// per sequence (corpus.Corpus.Patients). A sequence file carries no patient
// identity: each of its sequences is counted as a patient of its own, an
// upper bound when one patient has several lines, and Counts.Exact says so
// for the caller to warn.
package release
