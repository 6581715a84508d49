package evaluate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

// Labeler returns the hierarchy label of a code token (its CCSR category,
// say) and whether it has one; hierarchy.Labeler's Label method fits.
type Labeler func(token string) (label string, ok bool)

// Config configures ScoreSet and EvaluateSets.
type Config struct {
	// Ks lists the numbers of clusters k-means is run with; each gives an
	// NMI and an AMI.
	Ks []int
	// KMeans configures k-means; its K, Seed, Workers and Normalize are set
	// from this Config for each run.
	KMeans KMeansConfig
	// PAtN is the N of precision@N against the labels; 0 skips it.
	PAtN int
	// Silhouette computes the silhouette of the labels (O(n^2 dim)).
	Silhouette bool
	// SilhouetteSample, when > 0, computes the silhouette on a seeded random
	// sample of that many codes instead of all of them.
	SilhouetteSample int
	// Normalize scales every vector to unit length before clustering and the
	// silhouette, so both work on cosine geometry.
	Normalize bool
	// Workers bounds the goroutines of each step; <= 0 means GOMAXPROCS.
	Workers int
	// Seed drives k-means and silhouette sampling.
	Seed uint64
}

// DefaultConfig returns Finch et al.'s Table 2 setting: Ks = 200 and 400
// (the paper's two k), DefaultKMeansConfig, PAtN = 10 (a code's ten nearest
// codes, a common neighbourhood size for concept embeddings), Silhouette on
// all codes (about a second for 5,400 codes), raw (unnormalised) vectors as
// the paper clustered them, all cores, Seed 1.
func DefaultConfig() Config {
	return Config{Ks: []int{200, 400}, KMeans: DefaultKMeansConfig(), PAtN: 10, Silhouette: true, Seed: 1}
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []error
	for _, k := range c.Ks {
		if k < 2 {
			errs = append(errs, fmt.Errorf("evaluate: k = %d in Ks; every k must be at least 2", k))
		}
	}
	if c.PAtN < 0 {
		errs = append(errs, fmt.Errorf("evaluate: PAtN = %d; need 0 (off) or more (10 is the default)", c.PAtN))
	}
	if c.SilhouetteSample < 0 {
		errs = append(errs, fmt.Errorf("evaluate: SilhouetteSample = %d; need 0 (all codes) or more", c.SilhouetteSample))
	}
	km := c.KMeans
	km.K = 1 // set per run
	errs = append(errs, km.Validate())
	return errors.Join(errs...)
}

// SetScore is the evaluation of one set of vectors.
type SetScore struct {
	Set     string
	Vectors int // code vectors scored: codes with a vector and a label
	Skipped int // code vectors without a label (not scored)
	Labels  int // distinct labels among the scored codes

	NMI, AMI map[int]float64 // by k
	// SkippedKs lists the k larger than Vectors, which were not run.
	SkippedKs []int
	// Silhouette of the labels; NaN when not computed.
	Silhouette float64
	// PAtN is precision@N of the labels (N = Config.PAtN); NaN when not computed.
	PAtN float64
	N    int // the N of PAtN
	// AUC holds the downstream test AUC per outcome, when evaluated.
	AUC map[string]AUCResult
	// Notes explains anything not computed.
	Notes []string

	category bool // a category set, listed but not scored
}

// Category tells whether the set holds category vectors and was skipped.
func (s *SetScore) Category() bool { return s.category }

// ScoreSet scores the code vectors of s (tokens of kind corpus.KindCode)
// against the labels given by label: k-means for each k in cfg.Ks compared
// with the labels by NMI and AMI, the labels' silhouette and precision@N.
// Codes without a label are counted in Skipped and left out. A k larger
// than the number of scored codes is skipped with a note, as is a metric
// that needs more codes or labels than there are.
func ScoreSet(ctx context.Context, s *embedding.Set, label Labeler, cfg Config) (*SetScore, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	sc := &SetScore{Set: s.Name, NMI: map[int]float64{}, AMI: map[int]float64{}, Silhouette: math.NaN(), PAtN: math.NaN(), N: cfg.PAtN}
	dim := s.Dim
	var x []float32
	var labels []int
	ids := map[string]int{}
	for i, tok := range s.Tokens {
		if s.Kinds[i] != corpus.KindCode {
			continue
		}
		l, ok := label(tok)
		if !ok {
			sc.Skipped++
			continue
		}
		id, seen := ids[l]
		if !seen {
			id = len(ids)
			ids[l] = id
		}
		x = append(x, s.Vector(i)...)
		labels = append(labels, id)
	}
	n := len(labels)
	sc.Vectors, sc.Labels = n, len(ids)
	if n == 0 {
		sc.Notes = append(sc.Notes, "no code in the set has a label: nothing scored")
		return sc, nil
	}
	if cfg.Normalize {
		x = normalizeRows(x, n, dim)
	}
	for _, k := range slices.Sorted(slices.Values(cfg.Ks)) {
		if k > n {
			sc.SkippedKs = append(sc.SkippedKs, k)
			sc.Notes = append(sc.Notes, fmt.Sprintf("k = %d skipped: only %d scored codes", k, n))
			continue
		}
		km := cfg.KMeans
		km.K, km.Seed, km.Workers, km.Normalize = k, cfg.Seed, cfg.Workers, false
		res, err := KMeans(ctx, x, n, dim, km)
		if err != nil {
			return nil, fmt.Errorf("evaluate: set %q: %w", s.Name, err)
		}
		sc.NMI[k] = NMI(labels, res.Labels)
		sc.AMI[k] = AMI(labels, res.Labels)
	}
	// Silhouette and precision@N share one pass over the Gram matrix when
	// the silhouette is taken on all codes.
	wantSil := cfg.Silhouette
	if wantSil {
		if err := checkSilhouette(n, labels); err != nil {
			sc.Notes = append(sc.Notes, fmt.Sprintf("silhouette skipped: %d labels for %d codes (needs 2 to n-1)", len(ids), n))
			wantSil = false
		}
	}
	N := cfg.PAtN
	if N > 0 && checkPAtN(n, N) != nil {
		sc.Notes = append(sc.Notes, fmt.Sprintf("precision@%d skipped: only %d codes", N, n))
		N = 0
	}
	if wantSil && cfg.SilhouetteSample > 0 && cfg.SilhouetteSample < n {
		xs, ls := sample(x, dim, labels, cfg.SilhouetteSample, cfg.Seed)
		if err := checkSilhouette(len(ls), ls); err != nil {
			sc.Notes = append(sc.Notes, fmt.Sprintf("silhouette skipped: the sample of %d codes has too few or too many labels", len(ls)))
		} else if sc.Silhouette, _, err = geometry(ctx, xs, len(ls), dim, ls, true, 0, cfg.Workers); err != nil {
			return nil, fmt.Errorf("evaluate: set %q: %w", s.Name, err)
		}
		wantSil = false
	}
	if wantSil || N > 0 {
		sil, p, err := geometry(ctx, x, n, dim, labels, wantSil, N, cfg.Workers)
		if err != nil {
			return nil, fmt.Errorf("evaluate: set %q: %w", s.Name, err)
		}
		if wantSil {
			sc.Silhouette = sil
		}
		if N > 0 {
			sc.PAtN = p
		}
	}
	return sc, nil
}

// IsCategorySet tells whether a set's name marks it as category vectors in
// the released layout (`_cat_` in the key, e.g. SG_CO_cat_embeddings_100).
func IsCategorySet(name string) bool { return strings.Contains(strings.ToLower(name), "_cat_") }

// Progress is called by EvaluateSets after each set with the number of sets
// done and the total, from the calling goroutine.
type Progress func(done, total int, set string)

// EvaluateSets scores every code set of sets with ScoreSet and, when
// downstream is not nil, its outcome AUCs. Category sets (IsCategorySet)
// are not clustered: each is returned as a SetScore with a note saying so,
// in input order, so a table lists them as skipped. Sets are scored one
// after the other; each step is parallel inside.
func EvaluateSets(ctx context.Context, sets []*embedding.Set, label Labeler, cfg Config, downstream *Downstream, progress Progress) ([]*SetScore, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	out := make([]*SetScore, 0, len(sets))
	for i, s := range sets {
		if IsCategorySet(s.Name) {
			out = append(out, &SetScore{Set: s.Name, Silhouette: math.NaN(), PAtN: math.NaN(),
				Notes: []string{"category vectors: not scored against the code hierarchy"}, category: true})
		} else {
			sc, err := ScoreSet(ctx, s, label, cfg)
			if err != nil {
				return nil, err
			}
			if downstream != nil {
				auc, notes, err := downstream.Score(ctx, s)
				if err != nil {
					return nil, err
				}
				sc.AUC = auc
				sc.Notes = append(sc.Notes, notes...)
			}
			out = append(out, sc)
		}
		if progress != nil {
			progress(i+1, len(sets), s.Name)
		}
	}
	return out, nil
}
