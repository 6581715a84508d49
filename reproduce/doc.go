// Package reproduce runs the experiment of Finch et al., "Exploiting
// hierarchy in medical concept embedding", JAMIA Open 2021;4(1):ooab022, in
// one call: from an EHR extract and a CCSR map (or the built-in synthetic
// extract of package synth) to the released embeddings.json and the paper's
// evaluation table.
//
// The paper trained 12 Word2Vec variants with gensim: CBOW and Skip-Gram,
// dimensions 10, 50 and 100, with CCSR category tokens co-trained beside the
// codes (CO: each code followed by its category in the same sequence, one
// run giving code and category vectors) or trained separately (SEP: a
// codes-only run for the code vectors and a second run on the same
// sequences with every code replaced by its category for the category
// vectors); window 100 and 10 epochs. A variant is thus one training run
// (CO) or two (SEP), 18 runs for the 12 variants, each written as soon as it
// finishes so that an interrupted run resumes where it stopped.
//
// Config.Repeats trains every run again with further seeds (seed + 1, ...)
// so that the report can give each score's spread.
//
// Every set is then scored as hiervec evaluate does: k-means AMI and NMI of
// the code vectors against each code's CCSR category at k = 200 and 400, on
// the raw vectors (as the paper) and on unit vectors, beside seeded random
// vectors for the same codes (the chance level); category vectors against
// the CCSR body systems; the silhouette of the labels, nearest-neighbour
// precision, and the AUC of logistic regression on patient-year vectors for
// each outcome. The scores are written as report.md (AMI first, in the
// shape of the paper's Table 2, with a Findings section that checks the
// paper's orderings), report.html (the same tables and charts and a map of
// one set's code vectors, in one file that loads nothing), report.json (the
// settings, the input's shape and every seed's scores) and the charts
// ami.svg, ami_unit.svg and nmi.svg.
//
// # The hierarchy study
//
// RunStudy (hiervec reproduce -study hierarchy) asks where the code
// hierarchy helps rather than how much on average. For each model,
// dimension and seed it hides a seeded share of the codes (Config.
// HoldoutCodes: their rows leave the corpus), trains every method of
// StudyMethods on what is left (SEP; the paper's CO; CO-levels, a token
// for each ancestor at Config.StudyLevels; ancestor composition alone and
// with CO; SEP and CO retrofitted over the same levels) and SEP also on
// every code, then scores with evaluate.ScoreGroups each frequency stratum
// of the seen codes (distinct patients: under the small-cell threshold,
// 11-99, 100-999, 1,000+) and with evaluate.ScoreUnseen the vectors each
// method gives the hidden codes, beside baselines that give a hidden code
// its category's row or centroid alone. Such a vector sits at its
// category by construction, so the category rank alone proves little; the
// neighbour overlap with SEP trained on every code (where the code was
// seen, and no hierarchy shaped the space) is the test the construction
// cannot pass for free. The downstream AUCs and each method's training
// time complete study.md (a table per metric: method by stratum, mean and
// standard deviation over seeds, and each method's paired difference from
// SEP) and study.json (a row per method, model, dimension, seed and
// stratum). Vectors stay in memory: the outputs hold aggregate scores and
// counts only, never a code.
package reproduce
