package evaluate

import (
	"context"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

// UnseenConfig configures ScoreUnseen.
type UnseenConfig struct {
	// N is the neighbourhood size of precision@N and of the neighbour
	// overlap.
	N int
	// TopCategories is how many nearest category centroids count as a hit.
	TopCategories int
	// Workers bounds the goroutines; <= 0 means GOMAXPROCS.
	Workers int
}

// DefaultUnseenConfig returns N = 10 and the 10 nearest centroids.
func DefaultUnseenConfig() UnseenConfig { return UnseenConfig{N: 10, TopCategories: 10} }

// UnseenScore says how well the vectors a set gives to codes hidden from
// its training place them.
type UnseenScore struct {
	// Codes is the number of hidden codes with a label that the set has a
	// vector for: the ones scored.
	Codes int
	// NoCentroid counts scored codes whose category has no seen code: they
	// count as misses in CategoryTop and CategoryTop1.
	NoCentroid int
	// Categories is the number of category centroids ranked.
	Categories int
	// CategoryTop is the share of scored codes whose category is among the
	// TopCategories centroids nearest to their vector (cosine);
	// CategoryTop1 the share whose category's centroid is the nearest.
	CategoryTop, CategoryTop1 float64
	// MedianRank is the median rank of the true category's centroid (1 is
	// the nearest); codes without a centroid rank last.
	MedianRank float64
	// PAtN is the mean share of a code's N nearest seen codes that share
	// its label.
	PAtN float64
	// Overlap gives, per reference set (by name), the mean over the scored
	// codes the reference also holds of |A ∩ B| / N, where A are the N
	// seen codes nearest to the code's vector here and B the N nearest to
	// its vector in the reference (among the same candidates: seen codes
	// that both sets hold). OverlapCodes gives how many codes each mean
	// is over.
	Overlap      map[string]float64
	OverlapCodes map[string]int
}

// ScoreUnseen scores the vectors set s gives to codes hidden from its
// training (hidden(token) true), against the vectors of its seen codes:
//
//   - category rank: the centroid of each category is the mean of the unit
//     vectors of its seen codes; the hidden code's categories' centroids are ranked
//     by cosine similarity to its vector, and the rank of its label's centroid
//     counted (a hit when it is among the TopCategories nearest);
//   - precision@N among the seen codes;
//   - neighbour overlap: for each reference set (typically the same method
//     trained on every code, where the code was seen), how many of the
//     code's N nearest seen codes are the same in both.
//
// Only codes with a label are considered, as seen codes (candidates and
// centroid members) or hidden ones. A vector that sits at its category's
// centroid by construction scores CategoryTop 1: compare with a baseline
// that does exactly that before reading the category rank as learnt.
func ScoreUnseen(ctx context.Context, s *embedding.Set, hidden func(token string) bool, label Labeler, refs []*embedding.Set, cfg UnseenConfig) (*UnseenScore, error) {
	if cfg.N < 1 || cfg.TopCategories < 1 {
		return nil, fmt.Errorf("evaluate: unseen codes: N = %d and TopCategories = %d; both must be at least 1", cfg.N, cfg.TopCategories)
	}
	for i, r := range refs {
		for _, o := range refs[:i] {
			if o.Name == r.Name {
				return nil, fmt.Errorf("evaluate: unseen codes: two reference sets named %q", r.Name)
			}
		}
	}
	dim := s.Dim
	sc := &UnseenScore{PAtN: math.NaN(), CategoryTop: math.NaN(), CategoryTop1: math.NaN(), MedianRank: math.NaN(),
		Overlap: map[string]float64{}, OverlapCodes: map[string]int{}}
	setRows, x, labels, nl, _ := labelledRows(s, corpus.KindCode, label)
	toks := make([]string, len(setRows))
	isHidden := make([]bool, len(setRows))
	for r, i := range setRows {
		toks[r] = s.Tokens[i]
		isHidden[r] = hidden(s.Tokens[i])
	}
	n := len(labels)
	u := normalizeRows(x, n, dim)
	var rows []int
	cand := make([]bool, n)
	for i, h := range isHidden {
		if h {
			rows = append(rows, i)
		} else {
			cand[i] = true
		}
	}
	sc.Codes = len(rows)
	if len(rows) == 0 {
		return sc, nil
	}

	// Category centroids of the seen codes.
	cent := make([]float64, nl*dim)
	members := make([]int, nl)
	for i := range n {
		if !cand[i] {
			continue
		}
		members[labels[i]]++
		for k, v := range u[i*dim : (i+1)*dim] {
			cent[labels[i]*dim+k] += float64(v)
		}
	}
	var centLabels []int // centroid row -> label
	var c32 []float32
	for l := range nl {
		if members[l] == 0 {
			continue
		}
		centLabels = append(centLabels, l)
		row := cent[l*dim : (l+1)*dim]
		var ss float64
		for _, v := range row {
			ss += v * v
		}
		inv := 0.0
		if ss > 0 {
			inv = 1 / math.Sqrt(ss)
		}
		for _, v := range row {
			c32 = append(c32, float32(v*inv))
		}
	}
	sc.Categories = len(centLabels)
	rowOf := make([]int, nl)
	for i := range rowOf {
		rowOf[i] = -1
	}
	for r, l := range centLabels {
		rowOf[l] = r
	}
	if sc.Categories > 0 {
		h := make([]float32, len(rows)*dim)
		for k, r := range rows {
			copy(h[k*dim:(k+1)*dim], u[r*dim:(r+1)*dim])
		}
		sims := make([]float32, len(rows)*sc.Categories)
		blas32.Gemm(blas.NoTrans, blas.Trans, 1,
			blas32.General{Rows: len(rows), Cols: dim, Stride: dim, Data: h},
			blas32.General{Rows: sc.Categories, Cols: dim, Stride: dim, Data: c32},
			0, blas32.General{Rows: len(rows), Cols: sc.Categories, Stride: sc.Categories, Data: sims})
		ranks := make([]float64, len(rows))
		top, top1 := 0, 0
		for k, r := range rows {
			cr := rowOf[labels[r]]
			if cr < 0 {
				sc.NoCentroid++
				ranks[k] = float64(sc.Categories + 1)
				continue
			}
			g := sims[k*sc.Categories : (k+1)*sc.Categories]
			rank := 1
			for j, v := range g {
				// Ties go against the true category: a tie is not a hit.
				if j != cr && v >= g[cr] {
					rank++
				}
			}
			ranks[k] = float64(rank)
			if rank <= cfg.TopCategories {
				top++
			}
			if rank == 1 {
				top1++
			}
		}
		sc.CategoryTop = float64(top) / float64(len(rows))
		sc.CategoryTop1 = float64(top1) / float64(len(rows))
		sc.MedianRank = median(ranks)
	}

	// Precision@N among the seen codes.
	near, err := nearest(ctx, u, n, dim, rows, cand, cfg.N, cfg.Workers)
	if err != nil {
		return nil, err
	}
	sum, cnt := 0.0, 0
	for k, r := range rows {
		if len(near[k]) < cfg.N {
			continue
		}
		same := 0
		for _, j := range near[k] {
			if labels[j] == labels[r] {
				same++
			}
		}
		sum += float64(same) / float64(cfg.N)
		cnt++
	}
	if cnt > 0 {
		sc.PAtN = sum / float64(cnt)
	}

	for _, ref := range refs {
		o, m, err := overlap(ctx, u, dim, toks, cand, rows, ref, cfg)
		if err != nil {
			return nil, err
		}
		sc.Overlap[ref.Name], sc.OverlapCodes[ref.Name] = o, m
	}
	return sc, nil
}

// overlap returns the mean neighbour overlap of the hidden rows between the
// unit vectors u (dimension udim, tokens toks) and the reference set ref, and the number of
// rows it is over; candidates are the seen codes (cand) that ref also
// holds.
func overlap(ctx context.Context, u []float32, udim int, toks []string, cand []bool, rows []int, ref *embedding.Set, cfg UnseenConfig) (float64, int, error) {
	dim := ref.Dim
	refRow := make(map[string]int, ref.Len())
	for i, tok := range ref.Tokens {
		if ref.Kinds[i] == corpus.KindCode {
			refRow[tok] = i
		}
	}
	// The reference's vectors of the tokens of u, in u's order; rows the
	// reference lacks stay zero and are never candidates.
	n := len(toks)
	rx := make([]float32, n*dim)
	rc := make([]bool, n)
	has := make([]bool, n)
	for i, tok := range toks {
		if j, ok := refRow[tok]; ok {
			copy(rx[i*dim:(i+1)*dim], ref.Vector(j))
			has[i] = true
			rc[i] = cand[i]
		}
	}
	ru := normalizeRows(rx, n, dim)
	var kept []int
	for _, r := range rows {
		if has[r] {
			kept = append(kept, r)
		}
	}
	if len(kept) == 0 {
		return math.NaN(), 0, nil
	}
	here, err := nearest(ctx, u, n, udim, kept, rc, cfg.N, cfg.Workers)
	if err != nil {
		return 0, 0, err
	}
	there, err := nearest(ctx, ru, n, dim, kept, rc, cfg.N, cfg.Workers)
	if err != nil {
		return 0, 0, err
	}
	sum := 0.0
	for k := range kept {
		common := 0
		for _, j := range here[k] {
			if slices.Contains(there[k], j) {
				common++
			}
		}
		sum += float64(common) / float64(cfg.N)
	}
	return sum / float64(len(kept)), len(kept), nil
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Sorted(slices.Values(v))
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}
