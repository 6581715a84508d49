// Package evaluate scores sets of concept vectors against a hierarchy, the
// way Finch et al. 2021 ("Exploiting hierarchy in medical concept
// embedding", JAMIA Open 4(1):ooab022, Table 2) did: cluster the code
// vectors with k-means and compare the clusters with each code's CCSR
// category; and, downstream, predict patient outcomes from patient vectors
// (the mean of their codes' vectors) with logistic regression, scored by
// ROC AUC.
//
// EvaluateSets is the entry point: it scores every set with ScoreSet (code
// vectors against a Labeler, usually the CCSR map) or, for a set of
// category vectors (IsCategorySet, told by its tokens' kinds),
// ScoreCategories (against the CCSR body systems, hierarchy.BodySystem); with
// Config.Random it adds a random baseline per dimension (RandomSet), and
// with a Downstream the outcome AUCs. WriteTable and WriteJSON print the
// SetScores. ScoreGroups and ScoreUnseen score frequency strata and codes
// hidden from training. KMeans, NMI, AMI, Silhouette, PrecisionAtN,
// FitLogistic, AUC and BootstrapAUC are the pieces, usable alone. The
// evaluation bounds its own memory (see Memory below): the classifiers use
// at most DownstreamConfig.MaxPatientYears patient-years, and EvaluateSets
// sets a soft memory limit from its own bound when none is in force.
//
// # What the scores mean
//
// AMI is the headline: it is 0 in expectation for clusters unrelated to the
// labels and 1 for a perfect match. NMI, which the paper reported first,
// rewards any fine partition: with k = 200 clusters of a few thousand codes
// and a few hundred categories, random vectors already score NMI about 0.5.
// The random baseline (standard Gaussian vectors of the same dimension for
// the same codes, clustered with the same k) shows that level on the data
// at hand.
//
// The paper clustered the raw vectors; Config.Vectors scores unit vectors
// beside them. They differ because Euclidean k-means on raw vectors groups
// by length as much as by direction, and word2vec's vector lengths grow
// with a code's frequency (CBOW's most of all), so on raw vectors a few
// clusters take most of the codes.
//
// # k-means
//
// KMeans is Lloyd's algorithm (Lloyd 1982) from k-means++ seeds (Arthur &
// Vassilvitskii 2007) in scikit-learn's greedy variant: the first centre is
// a uniformly random point, each next one the best, by resulting potential
// (the sum of squared distances to the nearest centre), of 2+floor(ln k)
// candidates drawn with probability proportional to D(x)^2. A restart stops
// when no label changes or when the summed squared centroid shift falls to
// Tol times the mean per-dimension variance (scikit-learn's relative
// tolerance); an empty cluster is reseeded at the point farthest from its
// centroid. The restart of least inertia is kept (ten by default, as
// scikit-learn's n_init=10 of the paper's time). Squared distances use
// ||x||^2 - 2x·c + ||c||^2 with precomputed norms, so the first iteration is
// one n x k matrix product (gonum's blas32.Gemm) plus an argmin pass split
// over goroutines. Later iterations use Hamerly's bounds (Hamerly 2010): an
// upper bound on each point's distance to its centroid and a lower bound on
// its distance to any other, moved by the centroid shifts, let a point keep
// its label without any distance computed; only the points that fail the
// test are compared with every centroid (again one matrix product over
// their gathered rows). The labels are those of plain Lloyd (a test checks
// it); on word2vec code vectors a large share of the comparisons is skipped.
// The result depends on the seed only, not on the number of workers.
//
// # Agreement with the hierarchy labels
//
// For labelings U (e.g. CCSR categories) and V (clusters) of N items with
// contingency counts n_ij, row sums a_i and column sums b_j (Contingency):
//
//	MI(U,V) = sum_ij n_ij/N ln(N n_ij / (a_i b_j))
//	H(U)    = -sum_i a_i/N ln(a_i/N)
//	NMI     = MI / ((H(U) + H(V)) / 2)                        (Strehl & Ghosh 2002)
//	AMI     = (MI - E[MI]) / ((H(U) + H(V)) / 2 - E[MI])      (Vinh, Epps & Bailey 2010)
//
// with the arithmetic mean as normaliser, as scikit-learn's
// normalized_mutual_info_score and adjusted_mutual_info_score (its
// default). E[MI] is the expected mutual information of two random
// labelings with the same marginals under the hypergeometric model,
// computed exactly in log space (math.Lgamma). NMI rewards many small
// clusters even at random (it is 0.1 for independent labelings with tens of
// classes in a few thousand items); AMI is 0 in expectation at random and 1
// for identical labelings. scikit-learn's limit conventions are kept: two
// single-class (or empty) labelings score 1; an MI of 0 gives NMI 0.
//
// Silhouette (Rousseeuw 1987) is the mean over items of
// s(i) = (b(i) - a(i)) / max(a(i), b(i)), where a(i) is the mean Euclidean
// distance from i to the other members of its class and b(i) the smallest
// mean distance to the members of another class; items in singleton classes
// score 0 (scikit-learn's silhouette_score). Applied to the hierarchy labels
// it says how compact and separated the categories are in the vector space.
// It costs O(N^2 d); rows are split over goroutines.
//
// PrecisionAtN is the mean, over items, of the share of an item's N nearest
// other items by cosine similarity that carry the item's label.
//
// # Where hierarchy helps: frequency strata and unseen codes
//
// An average over all codes hides the tail, where most codes of a code
// system live and where a hierarchy should help most. ScoreGroups scores
// groups of codes inside one space: the frequency strata of DefaultStrata
// (distinct patients under the small-cell threshold, to 99, to 999, 1,000
// and more), or the codes hidden from training. k-means runs once per k on
// the unit vectors of every code (or of the codes GroupConfig.Fit names,
// every other code placed in the cluster of its nearest centroid; the
// Partition returned places another set's codes in the same clusters),
// and each group's NMI and AMI compare the clusters of its own codes with
// their labels (the contingency table restricted to the group);
// precision@N takes each code's N nearest codes among the candidates the
// caller names.
//
// ScoreUnseen scores the vectors given to codes hidden from training: the
// rank of the true category's centroid (the mean unit vector of its seen
// codes) among all centroids, precision@N among the seen codes, and the
// overlap between a code's N nearest seen codes here and in reference
// spaces where the code was trained (compared as neighbour sets, so no
// rotation between spaces matters). A vector built from its category (the
// category's row or centroid) sits near that category by construction and
// scores a perfect rank: the rank says little unless a method beats that
// baseline, and the neighbour overlap, which the construction does not
// give, is the test that matters.
//
// # Downstream prediction
//
// A patient-year's vector is the mean of the vectors of its codes
// (PatientYearVectors). Logistic regression with an L2 penalty on
// standardised features (scikit-learn's parameterisation: minimise
// ||w||^2/2 + C sum log-loss, intercept unpenalised) is fitted with
// gonum/optimize's L-BFGS on a stratified, seeded train split and scored on
// the test split by ROC AUC, computed exactly as the Mann-Whitney U
// statistic with average ranks for ties,
// AUC = (R_pos - n_pos(n_pos+1)/2)/(n_pos n_neg) (Hanley & McNeil 1982),
// with a percentile bootstrap 95% interval over test-set resamples. The AUC
// is computed here rather than as the trapezoid under gonum's stat.ROC
// (the same number, ties included; a test checks it) because a bootstrap
// resample is then scored from one sort of the test rows.
//
// # Memory
//
// The classifiers make many passes over the patient-year vectors (one per
// L-BFGS evaluation), so the vectors are held, 4 x dim bytes per
// patient-year (400 bytes at dimension 100: gigabytes for a cohort of
// millions), for every set scored; recomputing them from the tokens on each
// pass would cost the corpus's size in work per pass instead. So the
// evaluation bounds its memory in three ways.
//
// The classifiers see at most DownstreamConfig.MaxPatientYears
// patient-years (DefaultMaxPatientYears, a million): when more are joined
// to an outcome row, NewDownstream keeps a seeded sample of that many,
// stratified by the joint class of the outcomes (each stratum its share by
// largest remainder, a uniform draw inside it), so each outcome's
// prevalence is that of the whole cohort; the split is then drawn on the
// sample as it would be on the cohort, and a cohort under the cap is
// scored exactly as without one. What the sample costs in precision is
// what the AUC's bootstrap interval shows: its width shrinks as one over
// the square root of the test rows, so scoring a tenth of a cohort widens
// it about three times.
//
// A Downstream keeps its own copy of the kept patient-years' tokens and
// outcomes, not the corpus, the identifiers or the outcomes file, so a
// caller that drops those (as hiervec evaluate does) holds only what the
// classifiers need; Downstream.Bound states what Score allocates for a set
// of a given dimension, a test checks it with runtime.MemStats, and it
// grows with the kept patient-years only.
//
// Go's collector lets the heap grow to twice what is live before it
// collects, and keeps freed pages until its scavenger returns them, so a
// process that has read an extract and then allocates one vector matrix per
// set holds much more than it uses. When no memory limit is in force
// (neither GOMEMLIMIT nor the program's own) and Config.LimitMemory is set,
// EvaluateSets collects the garbage and returns the free pages
// (debug.FreeOSMemory), then sets a soft limit (debug.SetMemoryLimit) of
// what the runtime holds plus its own bound on what the evaluation will
// hold at once (the largest set's k-means and geometry work space and the
// downstream Bound of the largest dimension), plus a quarter more (at
// least 64 MiB) so that the collector runs only when that headroom is
// used; it restores "no limit" when it returns. The limit is soft: were the
// bound short, the runtime would collect more often (it caps the
// collector's share of CPU at one half), not fail.
//
// References: Finch A, Crowell A, Chang Y-C, et al. JAMIA Open 2021;
// Strehl A, Ghosh J. JMLR 2002;3:583-617; Vinh NX, Epps J, Bailey J. JMLR
// 2010;11:2837-54; Rousseeuw PJ. J Comput Appl Math 1987;20:53-65; Arthur D,
// Vassilvitskii S. SODA 2007; Hamerly G. SDM 2010:130-40; Lloyd SP. IEEE Trans Inf Theory 1982;28:129-37;
// Hanley JA, McNeil BJ. Radiology 1982;143:29-36.
package evaluate
