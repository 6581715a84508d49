package evaluate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

// Stratum is a band of codes by the number of distinct patients whose
// records hold them: Lo <= patients < Hi, no upper bound when Hi <= 0.
type Stratum struct {
	Name   string
	Lo, Hi int64
}

// Contains reports whether a code seen in n distinct patients is in the
// band.
func (s Stratum) Contains(n int64) bool { return n >= s.Lo && (s.Hi <= 0 || n < s.Hi) }

// DefaultStrata returns the frequency bands of the hierarchy study: under
// the small-cell threshold minPatients (the codes whose vectors are never
// written), then up to 99, 100 to 999 and 1,000 or more distinct patients:
// "<11", "11-99", "100-999", "1000+" with the default threshold of 11. The
// decades follow Word2Vec's own frequency scale (a code's number of
// training pairs grows with its count); the first band is the one where a
// vector must come from elsewhere to be written at all. A threshold of 100
// or more leaves the bands above it.
func DefaultStrata(minPatients int) []Stratum {
	lo := int64(max(minPatients, 1))
	var out []Stratum
	if lo > 1 {
		out = append(out, Stratum{Name: "<" + strconv.FormatInt(lo, 10), Lo: 0, Hi: lo})
	}
	for _, hi := range []int64{100, 1000} {
		if lo < hi {
			out = append(out, Stratum{Name: fmt.Sprintf("%d-%d", lo, hi-1), Lo: lo, Hi: hi})
			lo = hi
		}
	}
	return append(out, Stratum{Name: strconv.FormatInt(lo, 10) + "+", Lo: lo})
}

// GroupConfig configures ScoreGroups.
type GroupConfig struct {
	// Ks are the k-means cluster counts; each gives an NMI and an AMI per
	// group.
	Ks []int
	// KMeans configures k-means; K, Seed, Workers and Normalize are set
	// per run.
	KMeans KMeansConfig
	// N is the N of precision@N; 0 skips it.
	N int
	// All, when not empty, names an extra first group holding every
	// scored code.
	All string
	// Fit, when not nil, fits k-means on the codes for which it is true
	// only (the codes seen in training, say); every other code takes the
	// cluster of its nearest centroid, as a code met later would.
	Fit func(token string) bool
	// Partition, when not nil, is used instead of fitting: every code
	// takes the cluster of its nearest centroid (the Partition an earlier
	// call fitted on the same codes, for another placement of the rest).
	Partition *Partition
	// Workers bounds the goroutines of each step; <= 0 means GOMAXPROCS.
	Workers int
	// Seed drives k-means.
	Seed uint64
}

// Partition is the k-means clustering ScoreGroups scored with, by the k
// asked for: the k it ran with and the centroids (of unit vectors), so
// that other codes can be placed in the same clusters.
type Partition struct {
	Dim       int
	K         map[int]int
	Centroids map[int][]float32 // K[k] rows of Dim values
}

// DefaultGroupConfig returns k = 200 and 400 (Finch et al.'s), the default
// k-means (10 restarts), precision@10 and an "all" group.
func DefaultGroupConfig() GroupConfig {
	return GroupConfig{Ks: []int{200, 400}, KMeans: DefaultKMeansConfig(), N: 10, All: "all", Seed: 1}
}

// Validate reports every problem at once.
func (c GroupConfig) Validate() error {
	var errs []error
	for _, k := range c.Ks {
		if k < 2 {
			errs = append(errs, fmt.Errorf("evaluate: k = %d in Ks; every k must be at least 2", k))
		}
	}
	if c.N < 0 {
		errs = append(errs, fmt.Errorf("evaluate: N = %d; need 0 (off) or more (10 is the default)", c.N))
	}
	km := c.KMeans
	km.K = 1
	errs = append(errs, km.Validate())
	return errors.Join(errs...)
}

// GroupScore is the evaluation of one group of a set's code vectors.
type GroupScore struct {
	Group  string
	Codes  int // scored codes of the group (with a vector and a label)
	Labels int // distinct labels among them
	// NMI and AMI of the group's codes' clusters against their labels, by
	// the k asked for; NaN for a group of fewer than two codes.
	NMI, AMI map[int]float64
	// K gives the k k-means ran with for each k asked for: the same, or
	// half the number of scored codes when the set has fewer than twice k.
	K map[int]int
	// PAtN is the mean, over the group's codes, of the share of their N
	// nearest neighbours (ScoreGroups' neighbours) that share their label;
	// NaN when not computed.
	PAtN float64
	N    int
}

// ScoreGroups scores groups of the code vectors of s (tokens of kind
// corpus.KindCode that label labels) where hierarchy helps or not: the
// frequency strata of a vocabulary, or the codes hidden from training.
//
// The unit vectors of the labelled codes are clustered once per k (the
// clusters of the whole space, as a user of the vectors meets them; with
// cfg.Fit, of the codes it names, every other code placed in the cluster
// of its nearest centroid; with cfg.Partition, an earlier call's clusters),
// and each group's NMI and AMI compare the clusters of its own codes with
// their labels: the contingency table is restricted to the group, so AMI's
// chance correction is that of the group's own sizes. A group is never
// clustered alone, so a group with fewer codes than k is scored at the
// set's k; k is capped only when fewer than 2k codes are clustered, at
// half of them (K records it). The Partition returned holds the clusters
// used. Unit vectors are clustered because raw
// Word2Vec vector lengths grow with a code's frequency, which would make
// the clusters follow the very strata being compared.
//
// group gives a token's groups, indices into names (none: the code is
// still clustered and may be a neighbour; several: the groups overlap,
// such as all hidden codes and the hidden codes of one stratum). Precision@N takes,
// for each code of a group, its N most cosine-similar other codes among
// those for which neighbour returns true (nil: every scored code).
func ScoreGroups(ctx context.Context, s *embedding.Set, label Labeler, group func(token string) []int, names []string, neighbour func(token string) bool, cfg GroupConfig) ([]GroupScore, *Partition, error) {
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	if p := cfg.Partition; p != nil && p.Dim != s.Dim {
		return nil, nil, fmt.Errorf("evaluate: a partition of dimension %d for set %q of dimension %d", p.Dim, s.Name, s.Dim)
	}
	dim := s.Dim
	rows, x, labels, _, _ := labelledRows(s, corpus.KindCode, label)
	groups := make([][]int, len(rows))
	cand, fit := make([]bool, len(rows)), make([]bool, len(rows))
	for r, i := range rows {
		tok := s.Tokens[i]
		g := group(tok)
		for _, x := range g {
			if x < 0 || x >= len(names) {
				return nil, nil, fmt.Errorf("evaluate: group %d of %d for a code of set %q", x, len(names), s.Name)
			}
		}
		groups[r] = slices.Clone(g)
		cand[r] = neighbour == nil || neighbour(tok)
		fit[r] = cfg.Fit == nil || cfg.Fit(tok)
	}
	n := len(labels)
	allNames := names
	off := 0
	if cfg.All != "" {
		allNames = append([]string{cfg.All}, names...)
		off = 1
	}
	members := make([][]int, len(allNames))
	for i, gs := range groups {
		if off == 1 {
			members[0] = append(members[0], i)
		}
		for _, g := range gs {
			members[g+off] = append(members[g+off], i)
		}
	}
	out := make([]GroupScore, len(allNames))
	for g, name := range allNames {
		out[g] = GroupScore{Group: name, Codes: len(members[g]), NMI: map[int]float64{}, AMI: map[int]float64{}, K: map[int]int{},
			PAtN: math.NaN(), N: cfg.N}
		lab := map[int]bool{}
		for _, i := range members[g] {
			lab[labels[i]] = true
		}
		out[g].Labels = len(lab)
	}
	part := cfg.Partition
	var fitRows []int
	for i, f := range fit {
		if f {
			fitRows = append(fitRows, i)
		}
	}
	if n < 4 || part == nil && len(fitRows) < 4 {
		return out, nil, nil
	}
	u := normalizeRows(x, n, dim)
	if part == nil {
		part = &Partition{Dim: dim, K: map[int]int{}, Centroids: map[int][]float32{}}
	}
	for _, k := range slices.Sorted(slices.Values(cfg.Ks)) {
		var clusters []int
		if cfg.Partition != nil {
			c, ok := part.Centroids[k]
			if !ok {
				return nil, nil, fmt.Errorf("evaluate: the partition has no clustering for k = %d", k)
			}
			clusters = nearestCentroids(u, n, dim, c, part.K[k])
		} else {
			fx := u
			if len(fitRows) < n {
				fx = make([]float32, 0, len(fitRows)*dim)
				for _, i := range fitRows {
					fx = append(fx, u[i*dim:(i+1)*dim]...)
				}
			}
			kk := min(k, len(fitRows)/2)
			km := cfg.KMeans
			km.K, km.Seed, km.Workers, km.Normalize = kk, cfg.Seed, cfg.Workers, false
			res, err := KMeans(ctx, fx, len(fitRows), dim, km)
			if err != nil {
				return nil, nil, fmt.Errorf("evaluate: set %q: %w", s.Name, err)
			}
			part.K[k], part.Centroids[k] = kk, res.Centroids
			if len(fitRows) == n {
				clusters = res.Labels
			} else {
				clusters = nearestCentroids(u, n, dim, res.Centroids, kk)
				for j, i := range fitRows {
					clusters[i] = res.Labels[j]
				}
			}
		}
		for g := range out {
			out[g].K[k] = part.K[k]
			a, b := make([]int, 0, len(members[g])), make([]int, 0, len(members[g]))
			for _, i := range members[g] {
				a = append(a, labels[i])
				b = append(b, clusters[i])
			}
			if len(a) < 2 {
				out[g].NMI[k], out[g].AMI[k] = math.NaN(), math.NaN()
				continue
			}
			out[g].NMI[k], out[g].AMI[k] = NMI(a, b), AMI(a, b)
		}
	}
	if cfg.N > 0 {
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		near, err := nearest(ctx, u, n, dim, all, cand, cfg.N, cfg.Workers)
		if err != nil {
			return nil, nil, err
		}
		for g := range out {
			if len(members[g]) == 0 {
				continue
			}
			sum, cnt := 0.0, 0
			for _, i := range members[g] {
				if len(near[i]) < cfg.N {
					continue // fewer than N candidates
				}
				same := 0
				for _, j := range near[i] {
					if labels[j] == labels[i] {
						same++
					}
				}
				sum += float64(same) / float64(cfg.N)
				cnt++
			}
			if cnt > 0 {
				out[g].PAtN = sum / float64(cnt)
			}
		}
	}
	return out, part, nil
}

// nearestCentroids returns, for each of the n rows of x, the index of the
// nearest of the k centroids c (squared Euclidean distance, ties to the
// lower index): argmax_j x·c_j - ||c_j||²/2, one matrix product
// (blas32.Gemm) per chunk of rows.
func nearestCentroids(x []float32, n, dim int, c []float32, k int) []int {
	half := make([]float32, k)
	for j := range k {
		half[j] = float32(sqNormRow(c[j*dim:(j+1)*dim]) / 2)
	}
	out := make([]int, n)
	const chunk = 256
	prod := make([]float32, chunk*k)
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		m := hi - lo
		blas32.Gemm(blas.NoTrans, blas.Trans, 1,
			blas32.General{Rows: m, Cols: dim, Stride: dim, Data: x[lo*dim : hi*dim]},
			blas32.General{Rows: k, Cols: dim, Stride: dim, Data: c},
			0, blas32.General{Rows: m, Cols: k, Stride: k, Data: prod[:m*k]})
		for r := range m {
			row := prod[r*k : (r+1)*k]
			best, bv := 0, row[0]-half[0]
			for j := 1; j < k; j++ {
				if v := row[j] - half[j]; v > bv {
					best, bv = j, v
				}
			}
			out[lo+r] = best
		}
	}
	return out
}
