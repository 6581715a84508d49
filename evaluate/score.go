package evaluate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/hierarchy"
)

// Labeler returns the hierarchy label of a code token (its CCSR category,
// say) and whether it has one; hierarchy.Labeler's Label method fits.
type Labeler func(token string) (label string, ok bool)

// labelledRows gathers the rows of kind in s whose token label labels:
// their indexes in s, their vectors one after another, and label ids
// numbered in order of first appearance (nLabels of them); skipped counts
// the rows of kind without a label.
func labelledRows(s *embedding.Set, kind corpus.Kind, label Labeler) (rows []int, x []float32, labels []int, nLabels, skipped int) {
	n := 0
	for _, k := range s.Kinds {
		if k == kind {
			n++
		}
	}
	rows, x, labels = make([]int, 0, n), make([]float32, 0, n*s.Dim), make([]int, 0, n)
	ids := map[string]int{}
	for i, tok := range s.Tokens {
		if s.Kinds[i] != kind {
			continue
		}
		l, ok := label(tok)
		if !ok {
			skipped++
			continue
		}
		id, seen := ids[l]
		if !seen {
			id = len(ids)
			ids[l] = id
		}
		rows = append(rows, i)
		x = append(x, s.Vector(i)...)
		labels = append(labels, id)
	}
	return rows, x, labels, len(ids), skipped
}

// bodySystem labels a CCSR category with its body system, the first three
// letters of its id ("CIR007" -> "CIR"; hierarchy.BodySystem).
func bodySystem(category string) (string, bool) {
	bs, ok := hierarchy.BodySystem(category)
	return bs.Abbrev, ok
}

// Vectors says which vectors k-means clusters.
type Vectors string

const (
	// VectorsRaw clusters the vectors as trained, as Finch et al. did.
	VectorsRaw Vectors = "raw"
	// VectorsUnit clusters the vectors scaled to unit length (cosine
	// geometry).
	VectorsUnit Vectors = "unit"
	// VectorsBoth clusters both, raw and unit, each scored on its own.
	VectorsBoth Vectors = "both"
)

func (v Vectors) raw() bool  { return v == VectorsRaw || v == VectorsBoth || v == "" }
func (v Vectors) unit() bool { return v == VectorsUnit || v == VectorsBoth }

// Config configures ScoreSet and EvaluateSets.
type Config struct {
	// Ks lists the numbers of clusters k-means is run with on code vectors;
	// each gives an NMI and an AMI.
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
	// Vectors picks the vectors k-means clusters: raw (also when empty),
	// unit or both. The
	// silhouette is taken on the raw vectors unless only unit ones are
	// asked for.
	Vectors Vectors
	// Random adds, for each dimension among the code sets, a set of seeded
	// standard Gaussian vectors for the codes of the first set of that
	// dimension, scored the same way: the chance level (RandomSet).
	Random bool
	// Workers bounds the goroutines of each step; <= 0 means GOMAXPROCS.
	Workers int
	// Seed drives k-means, silhouette sampling and the random vectors.
	Seed uint64
	// LimitMemory lets EvaluateSets set a soft memory limit
	// (runtime/debug.SetMemoryLimit) while it runs, from its own bound on
	// what it will hold, when no limit is in force (see the package doc).
	LimitMemory bool
}

// DefaultConfig returns Finch et al.'s Table 2 setting: Ks = 200 and 400
// (the paper's two k), DefaultKMeansConfig (10 restarts), PAtN = 10 (a
// code's ten nearest codes, a common neighbourhood size for concept
// embeddings), Silhouette on all codes (about a second for 5,400 codes), raw
// vectors as the paper clustered them, no random baseline, all cores,
// Seed 1, LimitMemory on. The hiervec commands score unit vectors and the random baseline
// beside them.
func DefaultConfig() Config {
	return Config{Ks: []int{200, 400}, KMeans: DefaultKMeansConfig(), PAtN: 10, Silhouette: true, Vectors: VectorsRaw, Seed: 1,
		LimitMemory: true}
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
	switch c.Vectors {
	case "", VectorsRaw, VectorsUnit, VectorsBoth:
	default:
		errs = append(errs, fmt.Errorf("evaluate: Vectors = %q; want raw, unit or both", string(c.Vectors)))
	}
	if c.SilhouetteSample < 0 {
		errs = append(errs, fmt.Errorf("evaluate: SilhouetteSample = %d; need 0 (all codes) or more", c.SilhouetteSample))
	}
	km := c.KMeans
	km.K = 1 // set per run
	errs = append(errs, km.Validate())
	return errors.Join(errs...)
}

// What a set's vectors were scored against.
const (
	AgainstCategories  = "CCSR category"    // code vectors
	AgainstBodySystems = "CCSR body system" // category vectors
)

// SetScore is the evaluation of one set of vectors: its code vectors
// against the codes' categories or, for a set of category vectors, its
// category vectors against their body systems.
type SetScore struct {
	Set     string
	Kind    corpus.Kind // the kind of token scored
	Against string      // AgainstCategories or AgainstBodySystems
	Random  bool        // a random baseline (RandomSet), not trained vectors
	Vectors int         // vectors scored: tokens with a vector and a label
	Skipped int         // vectors of that kind without a label (not scored)
	Labels  int         // distinct labels among the scored vectors

	// NMI and AMI of k-means on the raw vectors, by k; UnitNMI and UnitAMI
	// on the unit vectors. Each is empty when not asked for.
	NMI, AMI         map[int]float64
	UnitNMI, UnitAMI map[int]float64
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
}

// Category tells whether the set's category vectors were scored (against
// body systems) rather than its code vectors.
func (s *SetScore) Category() bool { return s.Kind == corpus.KindCategory }

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
	return scoreKind(ctx, s, corpus.KindCode, label, cfg.Ks, cfg)
}

// ScoreCategories scores the category vectors of s (tokens of kind
// corpus.KindCategory) against their CCSR body systems (the first three
// letters of a category id, hierarchy.BodySystem) as
// ScoreSet scores codes, with one k: the number of body systems among the
// scored categories, so that a perfect clustering is one cluster per
// system.
func ScoreCategories(ctx context.Context, s *embedding.Set, cfg Config) (*SetScore, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	systems := map[string]bool{}
	for i, tok := range s.Tokens {
		if s.Kinds[i] == corpus.KindCategory {
			if b, ok := bodySystem(tok); ok {
				systems[b] = true
			}
		}
	}
	var ks []int
	if len(systems) >= 2 {
		ks = []int{len(systems)}
	}
	return scoreKind(ctx, s, corpus.KindCategory, bodySystem, ks, cfg)
}

// scoreKind scores the vectors of one kind of token in s against label.
func scoreKind(ctx context.Context, s *embedding.Set, kind corpus.Kind, label Labeler, ks []int, cfg Config) (*SetScore, error) {
	against := AgainstCategories
	if kind == corpus.KindCategory {
		against = AgainstBodySystems
	}
	sc := &SetScore{Set: s.Name, Kind: kind, Against: against, NMI: map[int]float64{}, AMI: map[int]float64{},
		UnitNMI: map[int]float64{}, UnitAMI: map[int]float64{}, Silhouette: math.NaN(), PAtN: math.NaN(), N: cfg.PAtN}
	what, whats := "code", "codes"
	if kind == corpus.KindCategory {
		what, whats = "category", "categories"
	}
	dim := s.Dim
	_, x, labels, nLabels, skipped := labelledRows(s, kind, label)
	n := len(labels)
	sc.Skipped += skipped
	sc.Vectors, sc.Labels = n, nLabels
	if n == 0 {
		sc.Notes = append(sc.Notes, fmt.Sprintf("no %s in the set has a label: nothing scored", what))
		return sc, nil
	}
	if kind == corpus.KindCategory && len(ks) == 0 {
		sc.Notes = append(sc.Notes, fmt.Sprintf("%d body systems among the categories: not clustered", nLabels))
	}
	var unit []float32
	if cfg.Vectors.unit() {
		unit = normalizeRows(x, n, dim)
	}
	silhouetteX := x // the vectors the silhouette sees: raw unless only unit ones are scored
	if !cfg.Vectors.raw() {
		silhouetteX = unit
	}
	for _, k := range slices.Sorted(slices.Values(ks)) {
		if k > n {
			sc.SkippedKs = append(sc.SkippedKs, k)
			sc.Notes = append(sc.Notes, fmt.Sprintf("k = %d skipped: only %d scored %s", k, n, whats))
			continue
		}
		km := cfg.KMeans
		km.K, km.Seed, km.Workers, km.Normalize = k, cfg.Seed, cfg.Workers, false
		for _, g := range []struct {
			on       bool
			x        []float32
			nmi, ami map[int]float64
		}{{cfg.Vectors.raw(), x, sc.NMI, sc.AMI}, {cfg.Vectors.unit(), unit, sc.UnitNMI, sc.UnitAMI}} {
			if !g.on {
				continue
			}
			res, err := KMeans(ctx, g.x, n, dim, km)
			if err != nil {
				return nil, fmt.Errorf("evaluate: set %q: %w", s.Name, err)
			}
			g.nmi[k] = NMI(labels, res.Labels)
			g.ami[k] = AMI(labels, res.Labels)
		}
	}
	x = silhouetteX
	// Silhouette and precision@N share one pass over the Gram matrix when
	// the silhouette is taken on all codes.
	wantSil := cfg.Silhouette
	if wantSil {
		if err := checkSilhouette(n, labels); err != nil {
			sc.Notes = append(sc.Notes, fmt.Sprintf("silhouette skipped: %d labels for %d %s (needs 2 to n-1)", nLabels, n, whats))
			wantSil = false
		}
	}
	N := cfg.PAtN
	if N > 0 && checkPAtN(n, N) != nil {
		sc.Notes = append(sc.Notes, fmt.Sprintf("precision@%d skipped: only %d %s", N, n, whats))
		N = 0
	}
	if wantSil && cfg.SilhouetteSample > 0 && cfg.SilhouetteSample < n {
		xs, ls := sample(x, dim, labels, cfg.SilhouetteSample, cfg.Seed)
		if err := checkSilhouette(len(ls), ls); err != nil {
			sc.Notes = append(sc.Notes, fmt.Sprintf("silhouette skipped: the sample of %d %s has too few or too many labels", len(ls), whats))
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

// IsCategorySet tells whether s holds category vectors and no code vectors
// (a released "_cat" set, or a SEP category run), from its tokens' kinds.
func IsCategorySet(s *embedding.Set) bool {
	return !slices.Contains(s.Kinds, corpus.KindCode) && slices.Contains(s.Kinds, corpus.KindCategory)
}

// RandomSet returns a set named name with the tokens and kinds of s and
// standard Gaussian vectors of s's dimension, seeded: scored like a trained
// set, it gives the chance level of every metric on the same codes and k.
func RandomSet(s *embedding.Set, name string, seed uint64) *embedding.Set {
	rng := rand.New(rand.NewPCG(seed, 0x72616e646f6d)) // "random"
	r := &embedding.Set{Name: name, Tokens: slices.Clone(s.Tokens), Kinds: slices.Clone(s.Kinds), Dim: s.Dim,
		Vectors: make([]float32, len(s.Vectors))}
	for i := range r.Vectors {
		r.Vectors[i] = float32(rng.NormFloat64())
	}
	return r
}

// RandomName names EvaluateSets' random baseline of dimension dim,
// "random_<dim>".
func RandomName(dim int) string { return fmt.Sprintf("random_%d", dim) }

// Progress is called by EvaluateSets after each set with the number of sets
// done and the total, from the calling goroutine.
type Progress func(done, total int, set string)

// EvaluateSets scores every set of sets: a set of category vectors
// (IsCategorySet) with ScoreCategories, any other with ScoreSet and, when
// downstream is not nil, its outcome AUCs. With cfg.Random, a random
// baseline (RandomSet, named "random_<dim>") follows the sets, one per
// dimension among the code sets, on the codes of the first set of that
// dimension. Scores come in input order. Sets are scored one after the
// other; each step is parallel inside. With cfg.LimitMemory and no memory
// limit in force, a soft limit bounds the process while it runs (see the
// package doc); the earlier setting is restored on return.
func EvaluateSets(ctx context.Context, sets []*embedding.Set, label Labeler, cfg Config, downstream *Downstream, progress Progress) ([]*SetScore, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	all := slices.Clone(sets)
	random := map[*embedding.Set]bool{}
	if cfg.Random {
		seen := map[int]bool{}
		for _, s := range sets {
			if IsCategorySet(s) || seen[s.Dim] || !slices.Contains(s.Kinds, corpus.KindCode) {
				continue
			}
			seen[s.Dim] = true
			r := RandomSet(s, RandomName(s.Dim), cfg.Seed)
			random[r] = true
			all = append(all, r)
		}
	}
	if cfg.LimitMemory {
		_, restore := softLimit(evaluationBound(all, label, cfg, downstream))
		defer restore()
	}
	out := make([]*SetScore, 0, len(all))
	for i, s := range all {
		var sc *SetScore
		var err error
		if IsCategorySet(s) {
			sc, err = ScoreCategories(ctx, s, cfg)
		} else {
			sc, err = ScoreSet(ctx, s, label, cfg)
		}
		if err != nil {
			return nil, err
		}
		sc.Random = random[s]
		if downstream != nil && !sc.Category() {
			auc, notes, err := downstream.Score(ctx, s)
			if err != nil {
				return nil, err
			}
			sc.AUC = auc
			sc.Notes = append(sc.Notes, notes...)
		}
		out = append(out, sc)
		if progress != nil {
			progress(i+1, len(all), s.Name)
		}
	}
	return out, nil
}
