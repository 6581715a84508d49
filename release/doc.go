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
// Counts come from the patient index that extracts and corpus caches keep
// per sequence (corpus.Corpus.Patients). A sequence file carries no patient
// identity: each of its sequences is counted as a patient of its own, an
// upper bound when one patient has several lines, and Counts.Exact says so
// for the caller to warn.
package release
