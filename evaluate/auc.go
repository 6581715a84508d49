package evaluate

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
)

// AUCResult is a ROC AUC with its bootstrap 95% interval.
type AUCResult struct {
	AUC, Lo, Hi          float64
	Positives, Negatives int // in the scored (test) rows
}

// AUC returns the area under the ROC curve of scores against the 0/1
// outcomes y: the probability that a random positive scores above a random
// negative, ties counting one half. It is computed exactly as the
// Mann-Whitney U statistic from average ranks (Hanley & McNeil 1982):
//
//	AUC = (sum of positives' ranks - P(P+1)/2) / (P N)
//
// in O(n log n). It returns an error wrapping ErrOneClass when either class
// is empty.
func AUC(scores []float64, y []bool) (float64, error) {
	if len(scores) != len(y) {
		return 0, fmt.Errorf("evaluate: AUC: %d scores for %d outcomes", len(scores), len(y))
	}
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return scores[idx[a]] < scores[idx[b]] })
	return aucSorted(scores, y, idx)
}

// aucSorted computes AUC over the rows listed in idx, which must be sorted
// by score (a row may appear more than once, as in a bootstrap resample).
func aucSorted(scores []float64, y []bool, idx []int) (float64, error) {
	var pos, neg int
	var rankSum float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		avg := float64(i+1+j) / 2 // mean of ranks i+1..j
		for _, r := range idx[i:j] {
			if y[r] {
				pos++
				rankSum += avg
			} else {
				neg++
			}
		}
		i = j
	}
	if pos == 0 || neg == 0 {
		return 0, fmt.Errorf("evaluate: AUC: %d positives and %d negatives: %w", pos, neg, ErrOneClass)
	}
	p := float64(pos)
	return (rankSum - p*(p+1)/2) / (p * float64(neg)), nil
}

// BootstrapAUC returns the AUC of scores against y with a percentile
// bootstrap 95% interval from resamples resamples of the rows (drawn with
// replacement, seeded; resamples lacking a class are redrawn, up to a
// bound). resamples = 0 gives Lo = Hi = AUC.
func BootstrapAUC(scores []float64, y []bool, resamples int, seed uint64) (AUCResult, error) {
	a, err := AUC(scores, y)
	if err != nil {
		return AUCResult{}, err
	}
	res := AUCResult{AUC: a, Lo: a, Hi: a}
	for _, v := range y {
		if v {
			res.Positives++
		} else {
			res.Negatives++
		}
	}
	if resamples <= 0 {
		return res, nil
	}
	n := len(scores)
	order := make([]int, n) // rows sorted by score, once
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return scores[order[a]] < scores[order[b]] })
	rng := rand.New(rand.NewPCG(seed, 0x617563)) // "auc"
	counts := make([]int, n)
	idx := make([]int, 0, n)
	vals := make([]float64, 0, resamples)
	for tries := 0; len(vals) < resamples && tries < 10*resamples; tries++ {
		clear(counts)
		for range n {
			counts[rng.IntN(n)]++
		}
		// Expand in score order: the resample is sorted without a sort.
		idx = idx[:0]
		for _, r := range order {
			for range counts[r] {
				idx = append(idx, r)
			}
		}
		v, err := aucSorted(scores, y, idx)
		if err != nil {
			continue // a resample with one class: draw again
		}
		vals = append(vals, v)
	}
	if len(vals) == 0 {
		return res, nil
	}
	slices.Sort(vals)
	res.Lo = quantile(vals, 0.025)
	res.Hi = quantile(vals, 0.975)
	return res, nil
}

// quantile returns the q-quantile of sorted v with linear interpolation
// (numpy's default "linear" method).
func quantile(v []float64, q float64) float64 {
	h := q * float64(len(v)-1)
	lo := int(h)
	if lo+1 >= len(v) {
		return v[len(v)-1]
	}
	return v[lo] + (h-float64(lo))*(v[lo+1]-v[lo])
}
