package corpus

import "slices"

// LengthStats summarises sequence lengths in tokens. With window 100 a
// patient-year is trained all-pairs, so the tail (P99, Max) drives training
// cost more than the mean does.
type LengthStats struct {
	Seqs   int     `json:"sequences"`
	Median float64 `json:"median"` // middle length; mean of the two middle ones for an even count
	Mean   float64 `json:"mean"`
	P90    int     `json:"p90"` // nearest-rank percentile: 90% of sequences are at most this long
	P99    int     `json:"p99"`
	Max    int     `json:"max"`
}

// LengthStats returns the distribution of sequence lengths; all zero for an
// empty corpus.
func (c *Corpus) LengthStats() LengthStats {
	n := c.NumSeqs()
	if n == 0 {
		return LengthStats{}
	}
	lens := make([]int, n)
	var sum int64
	for i := range lens {
		lens[i] = int(c.Seqs[i+1] - c.Seqs[i])
		sum += int64(lens[i])
	}
	slices.Sort(lens)
	st := LengthStats{Seqs: n, Mean: float64(sum) / float64(n), Max: lens[n-1]}
	if n%2 == 1 {
		st.Median = float64(lens[n/2])
	} else {
		st.Median = float64(lens[n/2-1]+lens[n/2]) / 2
	}
	st.P90 = lens[nearestRank(90, n)]
	st.P99 = lens[nearestRank(99, n)]
	return st
}

// nearestRank returns the 0-based index of the p-th percentile of n sorted
// values by the nearest-rank method: ceil(p/100 * n) - 1.
func nearestRank(p, n int) int {
	r := (p*n + 99) / 100
	return max(r-1, 0)
}
