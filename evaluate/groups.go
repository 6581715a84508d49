package evaluate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

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
	// Workers bounds the goroutines of each step; <= 0 means GOMAXPROCS.
	Workers int
	// Seed drives k-means.
	Seed uint64
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
// The unit vectors of every labelled code are clustered once per k (the
// clusters of the whole space, as a user of the vectors meets them), and
// each group's NMI and AMI compare the clusters of its own codes with their
// labels: the contingency table is restricted to the group, so AMI's
// chance correction is that of the group's own sizes. A group is never
// clustered alone, so a group with fewer codes than k is scored at the
// set's k; k is capped only when the whole set has fewer than 2k codes, at
// half the codes (K records it). Unit vectors are clustered because raw
// Word2Vec vector lengths grow with a code's frequency, which would make
// the clusters follow the very strata being compared.
//
// group gives a token's groups, indices into names (none: the code is
// still clustered and may be a neighbour; several: the groups overlap,
// such as all hidden codes and the hidden codes of one stratum). Precision@N takes,
// for each code of a group, its N most cosine-similar other codes among
// those for which neighbour returns true (nil: every scored code).
func ScoreGroups(ctx context.Context, s *embedding.Set, label Labeler, group func(token string) []int, names []string, neighbour func(token string) bool, cfg GroupConfig) ([]GroupScore, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	dim := s.Dim
	var x []float32
	var labels []int
	var groups [][]int
	var cand []bool
	ids := map[string]int{}
	for i, tok := range s.Tokens {
		if s.Kinds[i] != corpus.KindCode {
			continue
		}
		l, ok := label(tok)
		if !ok {
			continue
		}
		id, seen := ids[l]
		if !seen {
			id = len(ids)
			ids[l] = id
		}
		x = append(x, s.Vector(i)...)
		labels = append(labels, id)
		g := group(tok)
		for _, x := range g {
			if x < 0 || x >= len(names) {
				return nil, fmt.Errorf("evaluate: group %d of %d for a code of set %q", x, len(names), s.Name)
			}
		}
		groups = append(groups, slices.Clone(g))
		cand = append(cand, neighbour == nil || neighbour(tok))
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
	if n < 4 {
		return out, nil
	}
	u := unitRows(x, n, dim)
	for _, k := range slices.Sorted(slices.Values(cfg.Ks)) {
		kk := min(k, n/2)
		km := cfg.KMeans
		km.K, km.Seed, km.Workers, km.Normalize = kk, cfg.Seed, cfg.Workers, false
		res, err := KMeans(ctx, u, n, dim, km)
		if err != nil {
			return nil, fmt.Errorf("evaluate: set %q: %w", s.Name, err)
		}
		for g := range out {
			out[g].K[k] = kk
			a, b := make([]int, 0, len(members[g])), make([]int, 0, len(members[g]))
			for _, i := range members[g] {
				a = append(a, labels[i])
				b = append(b, res.Labels[i])
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
			return nil, err
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
	return out, nil
}
