package evaluate

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
)

// Contingency is the contingency table of two labelings of the same items:
// Counts[i][j] is the number of items in class i of the first labeling and
// cluster j of the second. Classes and clusters are numbered by order of
// first appearance, so any label values (negative, sparse) are accepted.
type Contingency struct {
	N      int     // number of items
	Counts [][]int // len(Rows) x len(Cols)
	Rows   []int   // row sums: size of each class of a
	Cols   []int   // column sums: size of each cluster of b
}

// NewContingency builds the contingency table of a against b. It panics
// when the lengths differ, as comparing labelings of different item sets is
// a programming error.
func NewContingency(a, b []int) *Contingency {
	if len(a) != len(b) {
		panic(fmt.Sprintf("evaluate: contingency of labelings of %d and %d items", len(a), len(b)))
	}
	ra, rb := relabel(a), relabel(b)
	t := &Contingency{N: len(a), Rows: make([]int, ra.k), Cols: make([]int, rb.k)}
	t.Counts = make([][]int, ra.k)
	flat := make([]int, ra.k*rb.k)
	for i := range t.Counts {
		t.Counts[i] = flat[i*rb.k : (i+1)*rb.k]
	}
	for i := range a {
		r, c := ra.ids[i], rb.ids[i]
		t.Counts[r][c]++
		t.Rows[r]++
		t.Cols[c]++
	}
	return t
}

// dense is a labeling renumbered 0..k-1 by first appearance.
type dense struct {
	ids []int
	k   int
}

func relabel(a []int) dense {
	m := make(map[int]int)
	ids := make([]int, len(a))
	for i, v := range a {
		id, ok := m[v]
		if !ok {
			id = len(m)
			m[v] = id
		}
		ids[i] = id
	}
	return dense{ids, len(m)}
}

// MutualInformation returns the mutual information of the two labelings in
// nats: sum_ij n_ij/N * ln(N n_ij / (a_i b_j)), clipped at 0.
func (t *Contingency) MutualInformation() float64 {
	if len(t.Rows) <= 1 || len(t.Cols) <= 1 {
		return 0 // a constant labeling shares no information (exactly 0, not rounding noise)
	}
	n := float64(t.N)
	var mi float64
	for i, row := range t.Counts {
		for j, nij := range row {
			if nij == 0 {
				continue
			}
			f := float64(nij)
			mi += f / n * (math.Log(f) + math.Log(n) - math.Log(float64(t.Rows[i])) - math.Log(float64(t.Cols[j])))
		}
	}
	return max(mi, 0)
}

// entropy returns the entropy in nats of the partition with the given part
// sizes summing to n (gonum's stat.Entropy of the proportions).
func entropy(sizes []int, n int) float64 {
	if n == 0 {
		return 0
	}
	p := make([]float64, len(sizes))
	for i, s := range sizes {
		p[i] = float64(s) / float64(n)
	}
	return max(stat.Entropy(p), 0)
}

// NMI returns the normalized mutual information of labelings a and b with
// arithmetic-mean normalisation, MI / ((H(a)+H(b))/2), as scikit-learn's
// normalized_mutual_info_score (average_method="arithmetic"). It is
// symmetric and lies in [0, 1] (rounding above 1 is clamped). Conventions (scikit-learn's): when both
// labelings have a single class, or both are empty, the result is 1; when
// the mutual information is 0 the result is 0. It panics when the lengths
// differ.
func NMI(a, b []int) float64 {
	t := NewContingency(a, b)
	if len(t.Rows) == len(t.Cols) && len(t.Rows) <= 1 {
		return 1
	}
	mi := t.MutualInformation()
	if mi == 0 {
		return 0
	}
	norm := (entropy(t.Rows, t.N) + entropy(t.Cols, t.N)) / 2
	// MI <= min(H) <= mean(H) in exact arithmetic; clamp the rounding
	// (1.0000000000000004 for a perfect match) so the bound holds.
	return min(1, mi/max(norm, eps64))
}

// eps64 is float64 machine epsilon (numpy's finfo(float64).eps).
const eps64 = 2.220446049250313e-16

// AMI returns the adjusted mutual information of labelings a and b with
// arithmetic-mean normalisation, (MI - E[MI]) / (mean(H(a), H(b)) - E[MI]),
// as scikit-learn's adjusted_mutual_info_score: E[MI] is the expected mutual
// information of two random labelings with the same class sizes under the
// hypergeometric model (Vinh, Epps & Bailey 2010), computed exactly. It is
// 1 for identical labelings and near 0 (possibly negative) for independent
// ones. Conventions as NMI: both single-class (or both empty) gives 1. It
// panics when the lengths differ.
func AMI(a, b []int) float64 {
	t := NewContingency(a, b)
	if len(t.Rows) == len(t.Cols) && len(t.Rows) <= 1 {
		return 1
	}
	mi := t.MutualInformation()
	emi := t.ExpectedMutualInformation()
	norm := (entropy(t.Rows, t.N) + entropy(t.Cols, t.N)) / 2
	den := norm - emi
	// As scikit-learn: keep the sign, avoid 0/0 for a perfect match.
	if den < 0 {
		den = min(den, -eps64)
	} else {
		den = max(den, eps64)
	}
	return (mi - emi) / den
}

// ExpectedMutualInformation returns E[MI] in nats over all pairs of
// labelings with the table's row and column sums, under the hypergeometric
// model (Vinh, Epps & Bailey 2010, eq. 24a; scikit-learn's
// expected_mutual_info_fast):
//
//	E[MI] = sum_i sum_j sum_{nij=max(1, a_i+b_j-N)}^{min(a_i, b_j)}
//	        nij/N ln(N nij / (a_i b_j)) *
//	        a_i! b_j! (N-a_i)! (N-b_j)! / (N! nij! (a_i-nij)! (b_j-nij)! (N-a_i-b_j+nij)!)
//
// The factorials are taken in log space from a table of ln k! (math.Lgamma).
// Rows (and columns) of equal size contribute equal terms, so the sum runs
// over distinct sizes weighted by their multiplicity: with a few hundred
// classes of a few distinct sizes it costs far less than rows x cols.
// A labeling with a single class gives 0.
func (t *Contingency) ExpectedMutualInformation() float64 {
	if len(t.Rows) <= 1 || len(t.Cols) <= 1 {
		return 0
	}
	N := t.N
	lf := make([]float64, N+1) // lf[k] = ln k!
	for k := range lf {
		lf[k], _ = math.Lgamma(float64(k) + 1)
	}
	ra, rb := sizeCounts(t.Rows), sizeCounts(t.Cols)
	logN := math.Log(float64(N))
	nf := float64(N)
	var emi float64
	for _, pa := range ra {
		a := pa.size
		for _, pb := range rb {
			b := pb.size
			var s float64
			fixed := lf[a] + lf[b] + lf[N-a] + lf[N-b] - lf[N]
			la, lb := math.Log(float64(a)), math.Log(float64(b))
			for nij := max(1, a+b-N); nij <= min(a, b); nij++ {
				term2 := logN + math.Log(float64(nij)) - la - lb
				gln := fixed - lf[nij] - lf[a-nij] - lf[b-nij] - lf[N-a-b+nij]
				s += float64(nij) / nf * term2 * math.Exp(gln)
			}
			emi += float64(pa.count*pb.count) * s
		}
	}
	return emi
}

type sizeCount struct{ size, count int }

// sizeCounts groups equal sizes, in order of first appearance.
func sizeCounts(sizes []int) []sizeCount {
	idx := make(map[int]int)
	var out []sizeCount
	for _, s := range sizes {
		if i, ok := idx[s]; ok {
			out[i].count++
			continue
		}
		idx[s] = len(out)
		out = append(out, sizeCount{s, 1})
	}
	return out
}
