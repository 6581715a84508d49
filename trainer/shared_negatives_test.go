package trainer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
)

// TestSharedNegativesMatchesFormula trains one sequence on the
// shared-negatives path (sgSeqShared) and replays it in float64 from the
// formulas of its documentation, drawing the same negatives from a copy of
// the worker's generator: every weight must agree to float32 rounding.
func TestSharedNegativesMatchesFormula(t *testing.T) {
	for _, dim := range []int{3, 16, 37} {
		t.Run(fmt.Sprintf("dim=%d", dim), func(t *testing.T) {
			replaySharedNegatives(t, dim)
		})
	}
}

func replaySharedNegatives(t *testing.T, dim int) {
	// Word 2 repeats (a code twice in one window) and is also a likely
	// negative.
	seq := []int32{0, 2, 5, 2, 7, 1, 3, 6, 4, 2}
	c := newTestCorpus(8, [][]int32{seq})
	cfg := testConfig(SkipGram)
	cfg.Dim, cfg.Window, cfg.ShrinkWindow, cfg.Subsample = dim, 3, false, 0
	cfg.SharedNegatives = true
	maxSeq, err := check(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	sh := newShared(c, cfg, maxSeq, defaultTuning())
	stride := sh.stride // rows are dim weights every stride, the rest zero
	// Non-zero output rows, so both gradient products matter.
	for i := range sh.out {
		if i%stride < dim {
			sh.out[i] = float32(math.Sin(float64(i))) * 0.3
		}
	}
	in := make([]float64, len(sh.in))
	out := make([]float64, len(sh.out))
	for i := range in {
		in[i], out[i] = float64(sh.in[i]), float64(sh.out[i])
	}
	w := newWorker(sh, 0)
	r := w.rng
	alpha := float64(w.alpha)
	w.trainSeq(corpus.TokensOf(seq...))

	sig := func(f float64) float64 {
		switch {
		case f >= maxExp:
			return 1
		case f <= -maxExp:
			return 0
		}
		return float64(sigTable[int((float32(f)+maxExp)*expScale)])
	}
	row := func(m []float64, id int32) []float64 { return m[int(id)*stride : int(id)*stride+dim] }
	dotf := func(a, b []float64) float64 {
		var f float64
		for d := range a {
			f += a[d] * b[d]
		}
		return f
	}
	for i, centre := range seq {
		lo, hi := max(i-cfg.Window, 0), min(i+cfg.Window+1, len(seq))
		targets := []int32{centre}
		for range cfg.Negative {
			if n := sh.noise.draw(r.next()); n != centre {
				targets = append(targets, n)
			}
		}
		var ctx []int32
		for j := lo; j < hi; j++ {
			if j != i {
				ctx = append(ctx, seq[j])
			}
		}
		// The target rows as the centre began, one copy per target slot.
		oc := make([][]float64, len(targets))
		oc0 := make([][]float64, len(targets))
		for k, tk := range targets {
			oc[k] = append([]float64(nil), row(out, tk)...)
			oc0[k] = append([]float64(nil), row(out, tk)...)
		}
		// Each context against the copies as the previous context left
		// them, every product from the values on entry to this context.
		for _, cj := range ctx {
			x := append([]float64(nil), row(in, cj)...)
			for k := range targets {
				label := 0.0
				if k == 0 {
					label = 1
				}
				g := alpha * (label - sig(dotf(x, oc[k])))
				for d := range dim {
					row(in, cj)[d] += g * oc[k][d]
					oc[k][d] += g * x[d]
				}
			}
		}
		for k, tk := range targets {
			for d := range dim {
				row(out, tk)[d] += oc[k][d] - oc0[k][d]
			}
		}
	}
	for _, m := range []struct {
		name string
		got  []float32
		want []float64
	}{{"input", sh.in, in}, {"output", sh.out, out}} {
		for i, want := range m.want {
			if d := math.Abs(float64(m.got[i]) - want); d > 1e-5*(math.Abs(want)+0.05) {
				t.Fatalf("%s weight %d = %v, formula %v", m.name, i, m.got[i], want)
			}
		}
	}
}

func TestSharedNegativesPlantedGroups(t *testing.T) {
	for _, window := range []int{5, 100} {
		t.Run(fmt.Sprintf("window=%d", window), func(t *testing.T) {
			if p := plantedPrecisionShared(t, 1, 1, window); p < plantedMin {
				t.Errorf("precision@%d = %.3f, want ≥ %.2f (chance 0.045)", plantedK, p, plantedMin)
			}
		})
	}
}

// plantedPrecisionShared is plantedPrecision for Skip-Gram with shared
// negatives at the given window.
func plantedPrecisionShared(t testing.TB, workers int, seed uint64, window int) float64 {
	cfg := plantedConfig(SkipGram, workers, seed)
	cfg.SharedNegatives, cfg.Window = true, window
	return plantedPrecisionConfig(t, cfg)
}

func TestSharedNegativesWindowsStayInSequence(t *testing.T) {
	lengths := []int{1, 2, 7, 30, 3, 120, 5}
	var seqs [][]int32
	seqOf, posOf := map[int32]int{}, map[int32]int{}
	id := int32(0)
	for s, n := range lengths {
		seq := make([]int32, n)
		for i := range seq {
			seq[i] = id
			seqOf[id], posOf[id] = s, i
			id++
		}
		seqs = append(seqs, seq)
	}
	c := newTestCorpus(int(id), seqs)
	for _, window := range []int{3, 200} {
		cfg := testConfig(SkipGram)
		cfg.Subsample, cfg.Window, cfg.ShrinkWindow, cfg.SharedNegatives = 0, window, false, true
		want := 0
		for _, n := range lengths {
			for i := 0; i < n; i++ {
				want += min(i, window) + min(n-1-i, window)
			}
		}
		pairs := pairsOf(t, c, cfg)
		seen := map[[2]int32]bool{}
		for _, p := range pairs {
			if d := posOf[p[0]] - posOf[p[1]]; seqOf[p[0]] != seqOf[p[1]] || d == 0 || d > window || -d > window {
				t.Fatalf("window %d: pair %v outside its window", window, p)
			}
			seen[p] = true
		}
		if len(pairs) != want || len(seen) != want {
			t.Errorf("window %d: %d pairs (%d distinct), want %d", window, len(pairs), len(seen), want)
		}
	}
}

func TestSharedNegativesAllocatesNothing(t *testing.T) {
	c := zipfCorpus(1, 500, 200)
	cfg := testConfig(SkipGram)
	cfg.Window, cfg.SharedNegatives = 100, true
	maxSeq, err := check(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	w := newWorker(newShared(c, cfg, maxSeq, defaultTuning()), 0)
	s := 0
	if allocs := testing.AllocsPerRun(200, func() {
		w.trainSeq(c.Seq(s % c.NumSeqs()))
		s++
	}); allocs != 0 {
		t.Errorf("%v allocations per sequence, want 0", allocs)
	}
}

func TestSharedNegativesDiverged(t *testing.T) {
	cfg := testConfig(SkipGram)
	cfg.Alpha, cfg.SharedNegatives = 1e6, true
	if _, err := Train(context.Background(), plantedCorpus(4, 5, 6, 300, 0.2), cfg, nil); !errors.Is(err, ErrDiverged) {
		t.Fatalf("alpha 1e6: err = %v, want ErrDiverged", err)
	}
}

// The shared-negatives kernels round differently with AVX-512, AVX2 and
// neither, so each kernel path has its own golden file; the test checks
// the path in effect (kernelPath; TestDeterministicWithOneWorker says how
// to run the others).
func TestSharedNegativesDeterministic(t *testing.T) {
	c := plantedCorpus(3, 5, 6, 300, 0.2)
	cfg := testConfig(SkipGram)
	cfg.Seed, cfg.SharedNegatives = 42, true
	path := kernelPath()
	var lines []string
	for _, window := range []int{5, 100} {
		cfg.Window = window
		var hashes [2]string
		for run := range hashes {
			set, err := Train(context.Background(), c, cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			hashes[run] = vectorHash(set.Vectors)
		}
		if hashes[0] != hashes[1] {
			t.Errorf("window %d: two runs with Workers=1, Seed=42 differ", window)
		}
		lines = append(lines, fmt.Sprintf("SG-shared window=%d %s", window, hashes[0]))
	}
	// A dimension that is not whole 16-lane chunks: padded rows
	// with AVX-512 (rowStride), masked last chunks before them.
	cfg.Window, cfg.Dim = 100, 10
	set, err := Train(context.Background(), c, cfg, nil)
	cfg.Dim = 16
	if err != nil {
		t.Fatal(err)
	}
	lines = append(lines, fmt.Sprintf("SG-shared window=100 dim=10 %s", vectorHash(set.Vectors)))
	golden := filepath.Join("testdata", "determinism-shared-"+path+".golden")
	got := strings.Join(lines, "\n") + "\n"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%v: no checksums recorded for the %s kernels yet (run with -update to record them)", err, path)
	}
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("vector checksums changed:\ngot\n%swant\n%s(if intended, refresh with -update)", got, want)
	}
}
