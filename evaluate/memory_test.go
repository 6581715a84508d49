package evaluate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

// largeCohort builds n patient-years of 3 to 12 codes from a vocabulary
// of 300, one per patient, with a rare outcome driven by the share of the
// first 30 codes and a common coin-toss outcome, and a set of dim-dimensional
// vectors for the codes. It writes the corpus directly (not through
// buildCorpus) so that a cohort of a few hundred thousand takes well under
// a second.
func largeCohort(n, dim int) (*corpus.Corpus, []string, *Outcomes, *embedding.Set) {
	rng := rand.New(rand.NewPCG(41, 42))
	const codes = 300
	v := corpus.NewVocab()
	s := &embedding.Set{Name: fmt.Sprintf("SG_SEP_embeddings_%d", dim), Dim: dim}
	for k := range codes {
		w := fmt.Sprintf("K%03d", k)
		v.Add(w, corpus.KindCode)
		s.Tokens = append(s.Tokens, w)
		s.Kinds = append(s.Kinds, corpus.KindCode)
		for j := range dim {
			x := rng.NormFloat64() * 0.3
			if j == 0 && k < codes/10 {
				x += 1
			}
			s.Vectors = append(s.Vectors, float32(x))
		}
	}
	c := &corpus.Corpus{Vocab: v, Seqs: make([]int64, 1, n+1), Years: make([]int32, n), Patients: make([]int32, n)}
	ids := make([]string, n)
	var csv strings.Builder
	csv.WriteString("patient_id,year,rare,coin\n")
	for p := range n {
		ids[p] = fmt.Sprintf("MRN%08d", p)
		c.Years[p], c.Patients[p] = 2019, int32(p)
		risky, l := 0, 3+rng.IntN(10)
		for range l {
			k := rng.IntN(codes)
			if k < codes/10 {
				risky++
			}
			c.Tokens.Append(int32(k))
		}
		c.Seqs = append(c.Seqs, int64(c.Tokens.Len()))
		rare := rng.Float64() < 0.02+0.3*float64(risky)/float64(l)
		fmt.Fprintf(&csv, "%s,2019,%d,%d\n", ids[p], b2i(rare), b2i(rng.IntN(2) == 1))
	}
	c.Visits = c.Seqs
	o, err := ReadOutcomesFrom(strings.NewReader(csv.String()), "large.csv")
	if err != nil {
		panic(err)
	}
	return c, ids, o, s
}

// TestDownstreamMemoryBound checks, with runtime.MemStats, that scoring a
// set on a cohort far larger than the cap allocates no more than Bound
// says, and that Bound depends on the cap, not on the cohort: without the
// cap the patient-year vectors alone would take several times as much.
func TestDownstreamMemoryBound(t *testing.T) {
	n, cap := 400_000, 20_000
	if testing.Short() {
		n, cap = 100_000, 5_000
	}
	const dim = 32
	c, ids, o, s := largeCohort(n, dim)
	cfg := DefaultDownstreamConfig()
	cfg.MaxPatientYears = cap
	d, err := NewDownstream(c, ids, o, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if d.Join.Matched != n || d.Kept != cap {
		t.Fatalf("matched %d kept %d, want %d and %d", d.Join.Matched, d.Kept, n, cap)
	}
	bound := d.Bound(dim)
	// A ceiling written from the cap alone: 4 bytes per dimension and
	// well under 100 bytes of lists per kept patient-year and outcome,
	// plus the classifier's fixed part.
	ceiling := int64(cap)*(4*dim+2*100) + 1<<20
	if bound > ceiling {
		t.Errorf("Bound(%d) = %d bytes, over %d for %d kept patient-years", dim, bound, ceiling, cap)
	}
	if all := int64(n) * 4 * dim; bound*4 > all {
		t.Errorf("Bound(%d) = %d bytes is not well under the %d bytes of all %d patient-years' vectors", dim, bound, all, n)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	auc, _, err := d.Score(context.Background(), s)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if got := int64(after.TotalAlloc - before.TotalAlloc); raceEnabled {
		t.Logf("race detector: allocations (%d bytes) not compared with the bound", got)
	} else if got > bound {
		t.Errorf("Score allocated %d bytes, over its Bound of %d", got, bound)
	} else {
		t.Logf("Score allocated %d bytes, Bound %d (%.0f%%), all vectors %d", got, bound, 100*float64(got)/float64(bound), int64(n)*4*dim)
	}
	rare := auc["rare"]
	if rare.AUC < 0.6 || rare.Positives+rare.Negatives != int(math.Round(0.3*float64(cap))) {
		t.Errorf("rare outcome on the sample: %+v", rare)
	}
}

// TestSampleStratified checks the sample: its size, sequence order, each
// outcome's prevalence kept to within the rounding of the strata, the same
// sample for the same seed and another for another seed, and no sample
// (every joined patient-year) under the cap.
func TestSampleStratified(t *testing.T) {
	c, ids, o, _ := largeCohort(20_000, 4)
	rows, _, err := JoinOutcomes(c, ids, o)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(rows); i += 7 {
		rows[i] = -1 // some patient-years without an outcome row
	}
	matched := 0
	prev := make([]int, len(o.Names))
	for _, r := range rows {
		if r >= 0 {
			matched++
			for k := range o.Names {
				if o.Values[k][r] {
					prev[k]++
				}
			}
		}
	}
	const max = 3_001
	keep := sampleStratified(rows, o, max, 1)
	if len(keep) != max {
		t.Fatalf("kept %d, want %d", len(keep), max)
	}
	for i, s := range keep {
		if rows[s] < 0 || i > 0 && keep[i-1] >= s {
			t.Fatalf("keep[%d] = %d: want joined sequences in increasing order", i, s)
		}
	}
	for k, name := range o.Names {
		got := 0
		for _, s := range keep {
			if o.Values[k][rows[s]] {
				got++
			}
		}
		want := float64(prev[k]) * max / float64(matched)
		// Four strata (two outcomes), each off by less than one.
		if math.Abs(float64(got)-want) > 4 {
			t.Errorf("outcome %s: %d positives in the sample, want %.1f", name, got, want)
		}
	}
	if again := sampleStratified(rows, o, max, 1); fmt.Sprint(again) != fmt.Sprint(keep) {
		t.Error("same seed, another sample")
	}
	if other := sampleStratified(rows, o, max, 2); fmt.Sprint(other) == fmt.Sprint(keep) {
		t.Error("another seed, the same sample")
	}
	for _, m := range []int{0, matched, matched + 1} {
		if all := sampleStratified(rows, o, m, 1); len(all) != matched {
			t.Errorf("max %d: kept %d of %d joined", m, len(all), matched)
		}
	}
}

// TestDownstreamUnderCapUnchanged checks that a cohort under the cap is
// scored exactly as without one: the same split, the same AUCs.
func TestDownstreamUnderCapUnchanged(t *testing.T) {
	c, ids, o, s := plantedCohort(3000, 6)
	var got []map[string]AUCResult
	for _, cap := range []int{0, 3000, DefaultMaxPatientYears} {
		cfg := DefaultDownstreamConfig()
		cfg.MaxPatientYears = cap
		d, err := NewDownstream(c, ids, o, cfg)
		if err != nil {
			t.Fatal(err)
		}
		auc, _, err := d.Score(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, auc)
	}
	for i := 1; i < len(got); i++ {
		if fmt.Sprint(got[i]) != fmt.Sprint(got[0]) {
			t.Errorf("cap run %d: %v, without a cap %v", i, got[i], got[0])
		}
	}
}

// TestScoreBound checks scoreBound against what one set's scoring
// allocates with one k-means restart (the work space it bounds is one
// restart's beside the best one's).
func TestScoreBound(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's sync.Pool drops items at random: allocation counts mean nothing")
	}
	s, label := plantedSet(150, 20, 0, 32, 1) // 3,000 codes
	cfg := DefaultConfig()
	cfg.Ks, cfg.KMeans.Restarts, cfg.Workers = []int{200}, 1, 2
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	sc, err := ScoreSet(context.Background(), s, label, cfg)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	bound := scoreBound(sc.Vectors, s.Dim, 200, sc.Labels, cfg.Workers, cfg.KMeans.MaxIter)
	if got := int64(after.TotalAlloc - before.TotalAlloc); got > bound {
		t.Errorf("ScoreSet allocated %d bytes, over scoreBound's %d", got, bound)
	} else {
		t.Logf("ScoreSet allocated %d bytes, scoreBound %d", got, bound)
	}
}

// TestEvaluateSetsSoftLimit checks that EvaluateSets sets a soft memory
// limit covering the heap and its bound while it runs when none is in
// force, restores "none" after, and leaves a limit in force alone.
func TestEvaluateSetsSoftLimit(t *testing.T) {
	prev := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetMemoryLimit(prev) })
	c, ids, o, s := largeCohort(5000, 8)
	d, err := NewDownstream(c, ids, o, DefaultDownstreamConfig())
	if err != nil {
		t.Fatal(err)
	}
	label := func(tok string) (string, bool) { return tok[:2], true }
	cfg := DefaultConfig()
	cfg.Ks, cfg.KMeans.Restarts = []int{5}, 1
	run := func() (during int64, heap uint64) {
		_, err := EvaluateSets(context.Background(), []*embedding.Set{s}, label, cfg, d, func(int, int, string) {
			during = debug.SetMemoryLimit(-1)
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			heap = ms.HeapAlloc
		})
		if err != nil {
			t.Fatal(err)
		}
		return during, heap
	}
	during, heap := run()
	if during == math.MaxInt64 || during < int64(heap)+d.Bound(s.Dim) {
		t.Errorf("limit while evaluating %d; want one above the heap (%d) plus the downstream bound (%d)", during, heap, d.Bound(s.Dim))
	}
	if after := debug.SetMemoryLimit(-1); after != math.MaxInt64 {
		t.Errorf("limit after evaluating %d, want none restored", after)
	}
	const user = 8 << 30
	debug.SetMemoryLimit(user)
	if during, _ := run(); during != user {
		t.Errorf("with a limit of %d in force, %d while evaluating", user, during)
	}
	if after := debug.SetMemoryLimit(-1); after != user {
		t.Errorf("limit after evaluating %d, want %d kept", after, user)
	}
	debug.SetMemoryLimit(math.MaxInt64)
	cfg.LimitMemory = false
	if during, _ := run(); during != math.MaxInt64 {
		t.Errorf("LimitMemory off: limit %d while evaluating", during)
	}
}
