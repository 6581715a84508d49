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
package reproduce
