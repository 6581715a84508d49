package trainer

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hiervec/hiervec/corpus"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

func TestParseModel(t *testing.T) {
	tests := []struct {
		in   string
		want Model
		ok   bool
	}{
		{"sg", SkipGram, true}, {"SkipGram", SkipGram, true}, {" CBOW ", CBOW, true},
		{"cbow", CBOW, true}, {"glove", 0, false}, {"", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseModel(tc.in)
			if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
				t.Errorf("ParseModel(%q) = %v, %v", tc.in, got, err)
			}
		})
	}
	if SkipGram.String() != "SG" || CBOW.String() != "CBOW" {
		t.Errorf("String: %q %q", SkipGram, CBOW)
	}
}

func TestValidate(t *testing.T) {
	for _, m := range []Model{SkipGram, CBOW} {
		if err := DefaultConfig(m).Validate(); err != nil {
			t.Errorf("DefaultConfig(%v).Validate() = %v", m, err)
		}
	}
	bad := Config{Model: 7, Dim: 0, Window: -1, Negative: -2, Subsample: -1, Alpha: 0.001,
		MinAlpha: 0.01, Epochs: 0, Workers: 0}
	err := bad.Validate()
	if err == nil {
		t.Fatal("Validate accepted a config with nine problems")
	}
	for _, want := range []string{"Model is 7", "Dim is 0", "Window is -1", "Negative is -2", "Subsample is -1",
		"Alpha is 0.001; want a learning rate above MinAlpha 0.01", "Epochs is 0", "Workers is 0"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate error does not mention %q:\n%v", want, err)
		}
	}
	if n := len(strings.Split(err.Error(), "\n")); n != 8 {
		t.Errorf("Validate reported %d problems, want 8:\n%v", n, err)
	}
}

func TestTrainRejectsEmptyCorpus(t *testing.T) {
	cfg := DefaultConfig(SkipGram)
	cfg.Dim = 0
	_, err := Train(context.Background(), newTestCorpus(3, nil), cfg, nil)
	if !errors.Is(err, ErrEmptyCorpus) {
		t.Errorf("err = %v, want ErrEmptyCorpus", err)
	}
	if err == nil || !strings.Contains(err.Error(), "Dim is 0") {
		t.Errorf("err = %v, want the config problem reported too", err)
	}
	bad := newTestCorpus(3, [][]int32{{0, 1, 5}})
	if _, err := Train(context.Background(), bad, DefaultConfig(SkipGram), nil); err == nil ||
		!strings.Contains(err.Error(), "outside the vocabulary") {
		t.Errorf("out-of-range token: err = %v", err)
	}
}

// testConfig is a small, fast configuration.
func testConfig(m Model) Config {
	cfg := DefaultConfig(m)
	cfg.Dim = 16
	cfg.Epochs = 3
	cfg.Workers = 1
	cfg.ProgressInterval = 10 * time.Millisecond
	return cfg
}

// pairsOf runs one epoch of the real training path with a hook and returns
// every (centre, context) pair of the windows it trains.
func pairsOf(t *testing.T, c *corpus.Corpus, cfg Config) [][2]int32 {
	t.Helper()
	maxSeq, err := check(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var pairs [][2]int32
	tune := defaultTuning()
	tune.hook = func(kept []int32, i, lo, hi int) {
		for j := lo; j < hi; j++ {
			if j != i {
				pairs = append(pairs, [2]int32{kept[i], kept[j]})
			}
		}
	}
	sh := newShared(c, cfg, maxSeq, tune)
	w := newWorker(sh, 0)
	sh.epoch.Store(1)
	if err := w.runEpoch(context.Background(), c.Tokens, c.Seqs); err != nil {
		t.Fatal(err)
	}
	return pairs
}

func TestWindowsStayInSequence(t *testing.T) {
	// Every token is its own word, so a word id names one position.
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
	for _, m := range []Model{SkipGram, CBOW} {
		for _, tc := range []struct {
			window int
			shrink bool
		}{{3, true}, {3, false}, {200, false}, {200, true}} {
			t.Run(fmt.Sprintf("%v/window=%d/shrink=%v", m, tc.window, tc.shrink), func(t *testing.T) {
				cfg := testConfig(m)
				cfg.Subsample = 0 // keep every token so positions are exact
				cfg.Window, cfg.ShrinkWindow = tc.window, tc.shrink
				seen := map[[2]int32]int{}
				for _, p := range pairsOf(t, c, cfg) {
					if seqOf[p[0]] != seqOf[p[1]] {
						t.Fatalf("pair %v crosses sequences %d and %d", p, seqOf[p[0]], seqOf[p[1]])
					}
					if d := posOf[p[0]] - posOf[p[1]]; d == 0 || d > tc.window || -d > tc.window {
						t.Fatalf("pair %v at distance %d, window %d", p, d, tc.window)
					}
					seen[p]++
				}
				if tc.shrink {
					return
				}
				// Full window: exactly every ordered pair within the window.
				want := 0
				for _, n := range lengths {
					for i := 0; i < n; i++ {
						want += min(i, tc.window) + min(n-1-i, tc.window)
					}
				}
				if len(seen) != want {
					t.Errorf("%d distinct pairs, want %d", len(seen), want)
				}
				for p, k := range seen {
					if k != 1 {
						t.Fatalf("pair %v seen %d times", p, k)
					}
				}
			})
		}
	}
}

func TestSubsamplingDropsFrequentTokens(t *testing.T) {
	// Word 0 is 98.6% of the corpus; at s = 1e-3 it is kept with
	// probability ≈ 0.025; the rare words (40 tokens each, below s·T·2.6)
	// always.
	var seq []int32
	for i := range 20000 {
		if i%50 == 0 && i < 14000 {
			seq = append(seq, int32(1+(i/50)%7))
		} else {
			seq = append(seq, 0)
		}
	}
	c := newTestCorpus(8, [][]int32{seq})
	cfg := testConfig(SkipGram)
	cfg.Window, cfg.ShrinkWindow = 1, false
	maxSeq, _ := check(c, cfg)
	w := newWorker(newShared(c, cfg, maxSeq, defaultTuning()), 0)
	w.trainSeq(corpus.TokensOf(seq...))
	var frequent, rare int
	for _, tok := range w.kept {
		if tok == 0 {
			frequent++
		} else {
			rare++
		}
	}
	if rare != 280 {
		t.Errorf("kept %d rare tokens, want all 280", rare)
	}
	p := keepProbability(19720, 20000, cfg.Subsample)
	want := 19720 * p
	if tol := 5 * math.Sqrt(19720*p*(1-p)); math.Abs(float64(frequent)-want) > tol {
		t.Errorf("kept %d of 19720 frequent tokens, want %.0f ± %.0f", frequent, want, tol)
	}
}

func TestTrainSeqAllocatesNothing(t *testing.T) {
	c := zipfCorpus(1, 500, 200)
	// One worker (no staging); two with whole replicas; two with a
	// partial staged set. Write-backs are included.
	for _, st := range []struct {
		workers, rows int
	}{{1, 500}, {2, 500}, {2, 100}} {
		for _, m := range []Model{SkipGram, CBOW} {
			cfg := testConfig(m)
			cfg.Window, cfg.Workers = 100, st.workers
			tune := defaultTuning()
			tune.stageBytes = stagedRowsBytes(st.rows, cfg)
			maxSeq, err := check(c, cfg)
			if err != nil {
				t.Fatal(err)
			}
			// Worker 1: worker 0 of several trains the shared rows directly.
			w := newWorker(newShared(c, cfg, maxSeq, tune), st.workers-1)
			if (w.stage.hIn != nil) != (st.workers > 1) || w.stage.partial != (st.rows < 500) {
				t.Fatalf("%v, %d workers, %d rows: staged %v, partial %v", m, st.workers, st.rows, w.stage.hIn != nil, w.stage.partial)
			}
			w.refresh()
			s := 0
			allocs := testing.AllocsPerRun(200, func() {
				w.trainSeq(c.Seq(s % c.NumSeqs()))
				s++
				switch {
				case s%16 == 0:
					w.sync()
				case s%4 == 0:
					w.stage.sinceHot = 1 << 20
					w.syncHot()
				}
			})
			if allocs != 0 {
				t.Errorf("%v, %d workers, %d staged rows: %v allocations per sequence, want 0", m, st.workers, st.rows, allocs)
			}
		}
	}
}

// vectorHash is a SHA-256 of the vectors' bits.
func vectorHash(v []float32) string {
	h := sha256.New()
	var b [4]byte
	for _, x := range v {
		binary.LittleEndian.PutUint32(b[:], math.Float32bits(x))
		h.Write(b[:])
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// TestDeterministicWithOneWorker checks the golden checksums of the
// kernel path this build and CPU run (kernelPath). The other paths are
// checked by the same test under GODEBUG=cpu.avx512f=off (avx2) and
// with -tags purego (generic).
func TestDeterministicWithOneWorker(t *testing.T) {
	checkDeterministic(t, kernelPath())
}

// checkDeterministic trains Skip-Gram and CBOW with one worker on the
// kernel path in effect, named path, checks that a seed fixes the vectors and compares
// their checksums with the path's golden file.
func checkDeterministic(t *testing.T, path string) {
	c := plantedCorpus(3, 5, 6, 300, 0.2)
	var lines []string
	for _, m := range []Model{SkipGram, CBOW} {
		cfg := testConfig(m)
		cfg.Seed = 42
		var hashes [2]string
		for run := range hashes {
			set, err := Train(context.Background(), c, cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			hashes[run] = vectorHash(set.Vectors)
		}
		if hashes[0] != hashes[1] {
			t.Errorf("%v: two runs with Workers=1, Seed=42 differ: %s vs %s", m, hashes[0], hashes[1])
		}
		cfg.Seed = 43
		set, err := Train(context.Background(), c, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		if vectorHash(set.Vectors) == hashes[0] {
			t.Errorf("%v: seeds 42 and 43 gave identical vectors", m)
		}
		lines = append(lines, fmt.Sprintf("%v %s", m, hashes[0]))
	}
	// CBOW's local-row path (cbow_whole.go) needs sequences of 8 kept
	// tokens or more, which the subsampled planted corpus lacks.
	cfg := testConfig(CBOW)
	cfg.Seed, cfg.Window, cfg.Subsample = 42, 100, 0
	set, err := Train(context.Background(), newTestCorpus(40, repeatCorpus(1, 40, 100)), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	lines = append(lines, fmt.Sprintf("CBOW-local %s", vectorHash(set.Vectors)))
	// A dimension that is not a whole number of 16-lane chunks: the tails
	// of every kernel, and Skip-Gram's padded rows with AVX-512.
	for _, m := range []Model{SkipGram, CBOW} {
		cfg := testConfig(m)
		cfg.Seed, cfg.Dim = 42, 10
		set, err := Train(context.Background(), c, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("%v-dim10 %s", m, vectorHash(set.Vectors)))
	}
	// The golden file pins the exact arithmetic: a change to sampling,
	// schedule or kernels shows up here. Refresh with -update when intended.
	// The kernels round differently with and without FMA, and Skip-Gram's
	// AVX-512 path sums over padded rows (rowStride), so each kernel path
	// has its own file.
	golden := filepath.Join("testdata", "determinism-"+path+".golden")
	got := strings.Join(lines, "\n") + "\n"
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%v: no checksums recorded for the %s kernels yet (run with -update to record them)", err, path)
	}
	if err != nil {
		t.Fatalf("%v (run go test -run TestDeterministicWithOneWorker -update ./trainer to create it)", err)
	}
	if got != string(want) {
		t.Errorf("vector checksums changed:\ngot\n%swant\n%s(if intended, refresh with -update)", got, want)
	}
}

func TestCancel(t *testing.T) {
	c := zipfCorpus(2, 2000, 20000)
	cfg := testConfig(SkipGram)
	cfg.Window = 100
	cfg.Epochs = 1000
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	var once bool
	progress := func(p Progress) {
		if !once && p.TokensDone > 0 {
			once = true
			close(started)
		}
	}
	errc := make(chan error, 1)
	go func() {
		_, err := Train(ctx, c, cfg, progress)
		errc <- err
	}()
	<-started
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Train did not return within 5 s of cancellation")
	}
}

func TestDiverged(t *testing.T) {
	c := plantedCorpus(4, 5, 6, 300, 0.2)
	for _, m := range []Model{SkipGram, CBOW} {
		cfg := testConfig(m)
		cfg.Alpha = 1e6
		_, err := Train(context.Background(), c, cfg, nil)
		if !errors.Is(err, ErrDiverged) {
			t.Fatalf("%v at alpha 1e6: err = %v, want ErrDiverged", m, err)
		}
		want := fmt.Sprintf("now 1e+06; try %g)", DefaultConfig(m).Alpha)
		if !strings.Contains(err.Error(), "lower the learning rate") || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: error does not say what to change: %v", m, err)
		}
	}
}

func TestProgress(t *testing.T) {
	c := zipfCorpus(3, 1000, 3000)
	cfg := testConfig(SkipGram)
	cfg.Window = 20
	cfg.ProgressInterval = time.Millisecond
	var reports []Progress
	set, err := Train(context.Background(), c, cfg, func(p Progress) { reports = append(reports, p) })
	if err != nil {
		t.Fatal(err)
	}
	if set.Dim != cfg.Dim || len(set.Tokens) != c.Vocab.Len() || len(set.Vectors) != c.Vocab.Len()*cfg.Dim {
		t.Fatalf("set shape: dim %d, %d tokens, %d floats", set.Dim, len(set.Tokens), len(set.Vectors))
	}
	if len(reports) == 0 {
		t.Fatal("no progress reports")
	}
	last := reports[len(reports)-1]
	if !last.Done || last.TokensDone != last.TokensTotal || last.TokensTotal != int64(cfg.Epochs*c.Tokens.Len()) {
		t.Errorf("final report %+v: want Done with all %d tokens", last, cfg.Epochs*c.Tokens.Len())
	}
	if last.Epoch != cfg.Epochs || last.Pairs == 0 || math.Abs(last.Alpha-cfg.MinAlpha) > 1e-12 {
		t.Errorf("final report %+v", last)
	}
	for i, p := range reports {
		if p.Done != (i == len(reports)-1) {
			t.Errorf("report %d Done = %v", i, p.Done)
		}
		if i > 0 && p.TokensDone < reports[i-1].TokensDone {
			t.Errorf("TokensDone went back: %d after %d", p.TokensDone, reports[i-1].TokensDone)
		}
		// An untrained SGNS pair loses about (1+5)·ln 2 ≈ 4.2.
		if !math.IsNaN(p.Loss) && (p.Loss <= 0 || p.Loss > 5) {
			t.Errorf("report %d: loss %v out of range", i, p.Loss)
		}
	}
}

// TestValidateNoSilentDefaults: zero and out-of-range values are refused
// with the field named, never replaced by a default.
func TestValidateNoSilentDefaults(t *testing.T) {
	for _, m := range []Model{SkipGram, CBOW} {
		if err := PaperConfig(m).Validate(); err != nil {
			t.Errorf("PaperConfig(%v).Validate() = %v", m, err)
		}
		if c := PaperConfig(m); c.Window != 100 || c.Epochs != 10 || c.Alpha != 0.025 {
			t.Errorf("PaperConfig(%v) = window %d, epochs %d, alpha %g", m, c.Window, c.Epochs, c.Alpha)
		}
	}
	for _, tc := range []struct {
		field string
		edit  func(*Config)
	}{
		{"Dim", func(c *Config) { c.Dim = 0 }},
		{"Dim", func(c *Config) { c.Dim = 3000000 }},
		{"Epochs", func(c *Config) { c.Epochs = 0 }},
		{"Alpha", func(c *Config) { c.Alpha = 0 }},
		{"Alpha", func(c *Config) { c.Alpha = -1 }},
		{"Alpha", func(c *Config) { c.Alpha = math.NaN() }},
		{"Negative", func(c *Config) { c.Negative = 0 }},
		{"Subsample", func(c *Config) { c.Subsample = 1 }},
		{"Workers", func(c *Config) { c.Workers = MaxWorkers + 1 }},
		{"SharedNegatives", func(c *Config) { c.Model, c.SharedNegatives = CBOW, true }},
	} {
		c := DefaultConfig(SkipGram)
		tc.edit(&c)
		err := c.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field || fe.Want == "" {
			t.Errorf("%s: Validate() = %v, want a FieldError for it", tc.field, err)
		}
	}
}
