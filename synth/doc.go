// Package synth generates synthetic EHR diagnosis extracts that behave like
// the data of Finch et al., "Exploiting hierarchy in medical concept
// embedding", JAMIA Open 2021;4(1):ooab022, so hiervec's reproduction and
// tests can run where real patient data cannot go.
//
// # What it writes
//
// Generate (and WriteFiles, which writes through atomic temporary files)
// produces three CSV files: an extract "patient_id,date,icd10_code" with one
// diagnosis per row, ISO dates, and codes written with the dot as real
// extracts often are ("E11.9"); the hierarchy "code,category,
// category_description,code_description", one row per code and CCSR
// category with the default category first (hierarchy.ReadMap reads it as
// the "plain" layout); and planted outcomes "patient_id,year,mortality,
// unplanned_admission", one row per patient-year. Patient identifiers are
// synthetic ("P0000001"). The generator streams: memory does not grow with
// the number of patients, and the same Config gives the same bytes
// (math/rand/v2 PCG seeded from Config.Seed; no map order reaches the output).
//
// The package sits above the data path: it uses hierarchy (to read a real
// CCSR map and to spell codes), and only commands (hiervec synth, the
// built-in default of hiervec reproduce), benchmarks and tests use it.
//
// # The hierarchy
//
// By default codes come from a built-in demonstration hierarchy in the shape
// of HCUP's CCSR (Clinical Classifications Software Refined for ICD-10-CM,
// hcup-us.ahrq.gov/toolssoftware/ccsr/): about 1,500 real FY2021 ICD-10-CM
// codes for common adult conditions, written from clinical knowledge and
// checked against CMS's code list and CCSR v2022.1 (real descriptions, real
// categories, default category first), in 343 real categories across all 21
// body systems. It is widened to the scale of the paper's corpus (about
// 5,400 codes in 400 categories) with synthetic categories (CIR040, ...) and
// synthetic codes under each category's real 3-character stems. A synthetic
// code has one of L M N P Q R S T U V W Y as its 4th character, which no
// real ICD-10-CM code has, so it looks like a code ("E11.Q27") and can never
// be mistaken for one. About 10% of codes belong to two or more categories,
// as in CCSR. With Config.Map, a real CCSR map replaces the built-in table.
//
// # The patients
//
// Each patient has an age (18-90), a sex and a frailty (a standard normal
// that raises every risk, so conditions cluster in the same patients). Each
// draws latent conditions: hand-written clinical clusters of categories
// (diabetes, hypertension, lipid disorders, obesity and kidney disease;
// COPD with tobacco use; heart failure with dysrhythmia and fluid disorders;
// pregnancy groups for women 18-45; cancers with their treatment encounters;
// acute infections, injuries, preventive care ...) whose prevalence depends
// on age, sex and frailty, and generated clusters of 2-5 categories covering
// every other category, with Zipf-like prevalences. Chronic conditions last
// all of a patient's years, acute ones are drawn anew each year. A condition
// activates some of its categories; codes are drawn from the active
// categories, inside a category by a Zipf law over its codes (real codes
// first), plus a share of noise codes from anywhere (NoiseShare) and of
// repeats of the patient's earlier codes (RepeatShare). Codes fall on visits
// (1.5-4 codes per date) spread over the year.
//
// Lengths are log-normal, longer for sicker patients: patient-years have a
// median of about 8 codes, a mean of about 14 and a tail to the cap of 400,
// and about 20% of patients span two or three years. Two outcomes per
// patient-year, mortality (about 4.5%) and unplanned admission (about 8%),
// are drawn from a logistic model of age, frailty and the year's conditions,
// so they can be predicted from the codes, but not perfectly.
//
// # Why this shape, and its limits
//
// Finch et al. embed codes with Word2Vec using a window of 100, so every code
// of a patient-year is context for every other, and score k-means clusters
// of the code vectors against CCSR categories by NMI (0.4-0.6 for their real
// vectors). Here codes of one category share context because a patient with
// an active category gets several of its codes; categories of one condition
// share it too, and noise and rare codes (the Zipf tail) blur the picture.
// Noise alone washes out with enough data, though: what keeps real NMI near
// 0.5 is that CCSR groups codes by clinical meaning, not by co-occurrence.
// So a share of each category's codes (OffCategoryShare) keep the company of
// another category: they are drawn when that one is active. Categories are
// learnable but not trivially recovered, and better models can show their
// advantage. The data is not
// real: prevalences and risks are rough, sequences have no order beyond
// dates, codes do not evolve over years, there are no demographics in the
// output, and co-occurrence structure outside the hand-written clusters is
// invented. Use it to test and time the pipeline and to compare variants,
// never to draw clinical conclusions.
package synth
