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
// synthetic codes. A category's synthetic codes are shared among its real
// 3-character stems and grown under each as a small subtree in ICD-10-CM's
// shape: a synthetic 4th character of the category's own, then digits, each
// node with 2 to 10 children, codes 4 to 7 characters long, none extending
// another (a real 3-character code used as a stem, such as I10, does get
// synthetic extensions, which no real code has). The synthetic 4th character is one of L M N P Q R S T U V W Y,
// which no real ICD-10-CM code has there, so a synthetic code looks like a
// code ("E11.R84") and can never be mistaken for one. About 10% of codes
// belong to two or more categories, as in CCSR. With Config.Map, a real
// CCSR map replaces the built-in table; everything below then works on its
// codes the same way.
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
// activates some of its categories, each with a random weight. Each code of
// a patient-year is noise (NoiseShare: a code drawn for a category chosen
// anywhere), a repeat of one of the patient's earlier codes (RepeatShare),
// or drawn for one of the active categories, chosen by weight; which code a
// category draws is the code tree's business (below). Codes fall on visits
// (1.5-4 codes per date) spread over the year.
//
// Lengths are log-normal, longer for sicker patients: patient-years have a
// median of about 8 codes, a mean of about 14 and a tail to the cap of 400,
// and about 20% of patients span two or three years. Two outcomes per
// patient-year, mortality (about 4.5%) and unplanned admission (about 8%),
// are drawn from a logistic model of age, frailty and the year's conditions,
// so they can be predicted from the codes, but not perfectly.
//
// # The code tree: which code a category draws
//
// ICD-10-CM codes are a tree: E11 (type 2 diabetes) is the 3-character
// category, E11.6 (with other complications) a node below it, E11.65 (with
// hyperglycemia) a code below that. In real records codes that share a
// prefix keep similar company, the more so the longer the prefix, and most
// codes are rare. The generator builds the tree from the codes' spellings
// alone (a root per 3-character prefix, a node per longer prefix), so the
// same story holds for the built-in table and for a real CCSR map.
//
// Profiles. Every node has an own context: the category whose company it
// keeps. A root keeps the company of the default category shared by most of
// its codes. A node below the root does too, except with probability
// OffCategoryShare (default 0.6) it keeps the company of a category chosen
// at random: CCSR groups codes by clinical meaning, while a later character
// often changes the company (Z79.4, long-term insulin, is coded with
// diabetes; Z79.01, anticoagulants, with atrial fibrillation). A node's
// profile is its parent's profile with a share ρ replaced by its own
// context; ρ is Spread (default 0.5) at the 4th character and shrinks by
// SpreadDecay (default 0.7) with each further character, since later
// characters refine the meaning less. A code's profile is that of its node:
// a mixture of its ancestors' contexts, E11.65 weighing its own context
// 0.35, E11.6's 0.325 and E11's 0.325. Two codes sharing a prefix share every
// component from the nodes of that prefix, so their profiles overlap more
// the longer the prefix they share; codes sharing less than the 3-character
// category share no node.
//
// Popularity. Every root has popularity 1, and each node shares its
// popularity among its children (and its own code, where a code spells the
// node) by a Zipf law of exponent ZipfExponent (default 2, each node with a
// dominant child and a tail of rare ones) over their rank, their order of
// first appearance in the table: the built-in table lists its real codes
// first, in rough order of commonness, and a CCSR map's codes are ordered
// shortest first, then by code, so less specific codes are the common ones.
// A code deep in a large subtree is rare; over a whole extract codes'
// frequencies fall off roughly as a power of their rank.
//
// Drawing. A category k draws code x with probability proportional to x's
// popularity times its profile's weight on k. So a code appears when one of
// the categories in its profile is active, in proportion to how common it is
// and how much of its company that category is. A category no profile
// names (a real CCSR category whose codes all default elsewhere) draws from
// its members by popularity. The tree, its contexts and its popularities are
// fixed for a hierarchy (drawn from a fixed seed, not Config.Seed); only the
// patients differ between seeds. Drawing a code costs one binary search,
// whatever the depth of the tree.
//
// # Why this shape, and its limits
//
// Finch et al. embed codes with Word2Vec using a window of 100, so every code
// of a patient-year is context for every other, and score k-means clusters
// of the code vectors against CCSR categories by NMI (0.4-0.6 for their real
// vectors). Here codes of one category share context because a patient with
// an active category gets several of the codes in its company; categories
// of one condition share it too, and noise, rare codes and the departures
// of finer nodes to other categories blur the picture, so categories are
// learnable but not trivially recovered. The code tree gives methods that
// use the ICD-10-CM tree (composing a code's vector from its ancestors',
// as fastText composes a word's from its character n-grams, Bojanowski et
// al. 2017, or GRAM from ontology ancestors, Choi et al. 2017) something to
// find. It is built in, though: that such a method helps on this data shows
// that it finds structure of this kind, not that real records have it. The
// data is not real: prevalences and risks are rough, sequences have no order
// beyond dates, codes do not evolve over years, there are no demographics in
// the output, and co-occurrence structure outside the hand-written clusters
// is invented. Use it to test and time the pipeline and to compare
// variants, never to draw clinical conclusions.
package synth
