package trainer

import (
	"context"
	"slices"
	"testing"
)

func TestHotRowsChoice(t *testing.T) {
	counts := []int64{5, 9, 1, 9, 0, 7}
	const rowBytes = 40 // dimension 10
	tune := defaultTuning()
	tune.stageBytes = 3 * 4 * rowBytes // three rows
	slot, ids := hotRows(counts, rowBytes, 1, tune)
	if want := []int32{1, 3, 5}; !slices.Equal(ids, want) {
		t.Errorf("staged words %v, want %v (most frequent, ties to the lower id)", ids, want)
	}
	if want := []int32{-1, 0, -1, 1, -1, 2}; !slices.Equal(slot, want) {
		t.Errorf("slots %v, want %v", slot, want)
	}

	tune.stageBytes = 1 << 20 // every word fits: whole replicas
	slot, ids = hotRows(counts, rowBytes, 1, tune)
	if slot != nil || !slices.Equal(ids, []int32{0, 1, 2, 3, 4, 5}) {
		t.Errorf("all staged: slot %v ids %v, want nil and every id in order", slot, ids)
	}
	if slot, ids = hotRows(counts, rowBytes, 0, tune); slot != nil || ids != nil {
		t.Errorf("no staging worker stages nothing, got slot %v ids %v", slot, ids)
	}
	tune.stageBytes = 4*rowBytes - 1 // not one row
	if slot, ids = hotRows(counts, rowBytes, 1, tune); slot != nil || ids != nil {
		t.Errorf("budget below one row stages nothing, got slot %v ids %v", slot, ids)
	}
}

// TestStagingBudgetIsShared: the staging workers of a run share one
// budget, each within its own cap.
func TestStagingBudgetIsShared(t *testing.T) {
	counts := make([]int64, 100)
	for i := range counts {
		counts[i] = int64(1000 - i)
	}
	const rowBytes = 40
	tune := defaultTuning()
	tune.stageBytes = 10 * 4 * rowBytes  // 10 rows per worker at most
	tune.stageBudget = 12 * 4 * rowBytes // 12 rows for all
	for _, c := range []struct{ stagers, rows int }{{1, 10}, {2, 6}, {3, 4}, {12, 1}, {13, 0}} {
		_, ids := hotRows(counts, rowBytes, c.stagers, tune)
		if len(ids) != c.rows {
			t.Errorf("%d staging workers: %d rows staged each, want %d", c.stagers, len(ids), c.rows)
		}
	}
	for _, c := range []struct {
		workers, want int
		plain         bool
	}{{1, 0, false}, {2, 1, false}, {16, 15, false}, {64, 63, false}, {16, 0, true}} {
		cfg := testConfig(SkipGram)
		cfg.Workers, cfg.PlainHogwild = c.workers, c.plain
		want := c.want
		if raceEnabled && want > 0 {
			want++ // every worker stages (shared.direct)
		}
		if got := stagingWorkers(cfg, defaultTuning()); got != want {
			t.Errorf("%d workers, plain %v: %d staging workers, want %d", c.workers, c.plain, got, want)
		}
	}
}

// TestEstimateMemoryWithinBudget: at the paper's scale (5,400 codes, dim
// 100) two workers stage whole replicas, and no worker count takes more
// staging memory than the budget.
func TestEstimateMemoryWithinBudget(t *testing.T) {
	counts := make([]int64, 5400)
	for i := range counts {
		counts[i] = int64(100000 / (i + 1))
	}
	for _, m := range []Model{SkipGram, CBOW} {
		for _, workers := range []int{2, 4, 16, 64, 256} {
			cfg := DefaultConfig(m)
			cfg.Workers = workers
			mem := EstimateMemory(counts, cfg)
			stride := int64(rowStride(cfg))
			if mem.Staging > stageBudget || mem.Staging/int64(stagingWorkers(cfg, defaultTuning())) > stageBytes {
				t.Errorf("%v, %d workers: staging %d bytes, over the budget %d or %d per worker", m, workers, mem.Staging, stageBudget, stageBytes)
			}
			if whole := int64(stagingWorkers(cfg, defaultTuning())) * 5400 * 4 * stride * 4; workers == 2 && mem.Staging != whole {
				t.Errorf("%v, 2 workers: staging %d bytes, want whole replicas (%d)", m, mem.Staging, whole)
			}
			if mem.Staging == 0 {
				t.Errorf("%v, %d workers: nothing staged", m, workers)
			}
		}
	}
}

// stagedRowsBytes is the per-worker staging budget that stages rows rows
// of a run of cfg.
func stagedRowsBytes(rows int, cfg Config) int { return rows * 4 * 4 * rowStride(cfg) }

// TestWriteBackKeepsEveryUpdate: two workers' changes to the same row both
// reach the shared row; a weight only one worker changed takes its value
// exactly.
func TestWriteBackKeepsEveryUpdate(t *testing.T) {
	shared := []float32{1, 2, 3}
	a, a0 := slices.Clone(shared), slices.Clone(shared)
	b, b0 := slices.Clone(shared), slices.Clone(shared)
	a[0] += 0.5  // only a
	b[1] += 0.25 // only b
	a[2] += 0.1  // both
	b[2] -= 0.3
	writeBack(shared, a, a0)
	if want := []float32{1.5, 2, 3 + float32(0.1)}; !slices.Equal(shared, want) {
		t.Fatalf("after a: %v, want %v", shared, want)
	}
	if !slices.Equal(a, shared) || !slices.Equal(a0, shared) {
		t.Errorf("a's copy %v and snapshot %v not refreshed to %v", a, a0, shared)
	}
	writeBack(shared, b, b0)
	want := []float32{1.5, 2.25, (3 + float32(0.1)) + ((3 - float32(0.3)) - 3)}
	if !slices.Equal(shared, want) {
		t.Errorf("after b: %v, want %v (both updates of the last weight)", shared, want)
	}
	if !slices.Equal(b, shared) || !slices.Equal(b0, shared) {
		t.Errorf("b's copy %v and snapshot %v not refreshed to %v", b, b0, shared)
	}
}

// TestStagingSingleWorkerBitIdentical runs one worker with staging forced
// on, as whole replicas and as a partial set (a third of the words), with
// write-backs every 64 tokens, and requires the vectors of the unstaged
// run bit for bit: the copies, row lookups, write-backs and refreshes lose
// nothing and change no arithmetic. (CBOW with a partial set sums the
// context in two parts, a different rounding, so it is checked by the
// planted test instead.)
func TestStagingSingleWorkerBitIdentical(t *testing.T) {
	c := zipfCorpus(4, 300, 400)
	type variant struct {
		name   string
		m      Model
		shared bool
	}
	for _, v := range []variant{{"sg", SkipGram, false}, {"sg-shared", SkipGram, true}, {"cbow", CBOW, false}} {
		cfg := testConfig(v.m)
		cfg.Dim, cfg.Window, cfg.Epochs, cfg.Seed = 16, 20, 2, 7
		cfg.SharedNegatives = v.shared
		ref, err := Train(context.Background(), c, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		tune := defaultTuning()
		tune.stageMinWorkers, tune.minSyncTokens = 1, 64
		for _, rows := range []int{300, 100} {
			if rows < 300 && v.m == CBOW {
				continue
			}
			tune.stageBytes = stagedRowsBytes(rows, cfg)
			got, err := train(context.Background(), c, cfg, tune, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Vectors, ref.Vectors) {
				t.Errorf("%s, %d of 300 words staged: vectors differ from the unstaged run", v.name, rows)
			}
		}
	}
}

// TestRefreshAndSyncWithAnotherWriter: a partially staged worker takes
// fresh copies and snapshots of its staged rows; what another writer adds
// to the shared rows meanwhile survives the worker's write-back, and the
// unstaged rows are the shared ones.
func TestRefreshAndSyncWithAnotherWriter(t *testing.T) {
	c := newTestCorpus(4, [][]int32{{0, 0, 0, 1, 1, 2}})
	cfg := testConfig(SkipGram)
	cfg.Dim, cfg.Workers = 2, 2
	tune := defaultTuning()
	tune.stageBytes = stagedRowsBytes(2, cfg) // words 0 and 1
	sh := newShared(c, cfg, 6, tune)
	w := newWorker(sh, 1) // worker 0 trains the shared rows directly
	if w.stage.hIn == nil || !w.stage.partial {
		t.Fatalf("staged %v partial %v, want a partial set", w.stage.hIn != nil, w.stage.partial)
	}
	s := sh.stride // weight d of word t is at t*s + d
	for i := range sh.in {
		sh.in[i], sh.out[i] = float32(i), float32(10*i)
	}
	w.refresh()
	if got := w.inRow(1); !slices.Equal(got, sh.in[s:s+2]) || !slices.Equal(w.stage.hIn0[s:s+2], sh.in[s:s+2]) {
		t.Fatalf("staged row after refresh %v, snapshot %v, want %v", got, w.stage.hIn0[s:s+2], sh.in[s:s+2])
	}
	if got := w.outRow(3); &got[0] != &sh.out[3*s] {
		t.Errorf("unstaged word 3 is not read from the shared Out")
	}
	w.inRow(0)[0] += 1   // the worker
	w.outRow(1)[1] += 2  // the worker
	sh.in[0] += 100      // another writer, same weight
	sh.out[2*s+1] += 200 // another writer, a weight the worker left
	w.sync()
	if sh.in[0] != 101 || sh.out[s+1] != float32(10*(s+1)+2) || sh.out[2*s+1] != float32(10*(2*s+1)+200) {
		t.Errorf("after write-back in[0]=%v out[%d]=%v out[%d]=%v, want 101, %d, %d",
			sh.in[0], s+1, sh.out[s+1], 2*s+1, sh.out[2*s+1], 10*(s+1)+2, 10*(2*s+1)+200)
	}
	if w.inRow(0)[0] != 101 || w.stage.hIn0[0] != 101 {
		t.Errorf("copy %v and snapshot %v not refreshed to 101", w.inRow(0)[0], w.stage.hIn0[0])
	}
	// Another writer between this worker's last write-back and the next
	// epoch's refresh must not be counted twice.
	sh.out[s] += 5
	w.refresh()
	w.sync()
	if sh.out[s] != float32(10*s+5) {
		t.Errorf("out[%d] = %v after refresh and an empty write-back, want %d", s, sh.out[s], 10*s+5)
	}
}

// TestFirstWorkerTrainsSharedRows: of several workers the first trains
// the shared matrices and stages nothing, with whole replicas and with a
// partial set; the others stage. A single worker with staging forced on
// stages (TestStagingSingleWorkerBitIdentical relies on it).
func TestFirstWorkerTrainsSharedRows(t *testing.T) {
	if raceEnabled {
		t.Skip("with the race detector every worker stages (shared.direct)")
	}
	c := newTestCorpus(4, [][]int32{{0, 0, 0, 1, 1, 2}})
	tune := defaultTuning()
	for _, rows := range []int{4, 2} {
		cfg := testConfig(SkipGram)
		cfg.Dim, cfg.Workers = 2, 3
		tune.stageBytes = stagedRowsBytes(rows, cfg)
		sh := newShared(c, cfg, 6, tune)
		if len(sh.hotIDs) != rows {
			t.Fatalf("%d rows: %d staged", rows, len(sh.hotIDs))
		}
		w0 := newWorker(sh, 0)
		if st := w0.stage; st.hIn != nil || st.hOut != nil || st.partial || &st.in[0] != &sh.in[0] || &st.out[0] != &sh.out[0] {
			t.Errorf("%d rows: worker 0 stages (copies %v, partial %v) or trains other matrices", rows, st.hIn != nil, st.partial)
		}
		if got := w0.inRow(0); &got[0] != &sh.in[0] {
			t.Errorf("%d rows: worker 0's In row of word 0 is not the shared one", rows)
		}
		before := slices.Clone(sh.out)
		w0.outRow(0)[0] += 1
		w0.stage.sinceHot = 1 << 20
		w0.sync()
		w0.syncHot()
		if sh.out[0] != before[0]+1 || w0.stage.sinceHot != 0 {
			t.Errorf("%d rows: worker 0's update %v -> %v, sinceHot %d after its write-backs; want +1 and 0", rows, before[0], sh.out[0], w0.stage.sinceHot)
		}
		for id := 1; id < cfg.Workers; id++ {
			if w := newWorker(sh, id); w.stage.hIn == nil || w.stage.partial != (rows < 4) {
				t.Errorf("%d rows: worker %d staged %v partial %v", rows, id, w.stage.hIn != nil, w.stage.partial)
			}
		}
	}
	tune.stageMinWorkers = 1
	cfg := testConfig(SkipGram)
	cfg.Dim, cfg.Workers = 2, 1
	tune.stageBytes = stagedRowsBytes(4, cfg)
	if w := newWorker(newShared(c, cfg, 6, tune), 0); w.stage.hIn == nil {
		t.Errorf("a single worker with staging forced on stages nothing")
	}
}

func TestSyncInterval(t *testing.T) {
	for _, c := range []struct {
		m       Model
		h       int
		tokens  int64
		workers int
		want    int64
	}{
		{CBOW, 5400, 10_282_241, 2, 43_200},    // the paper's corpus: 8 tokens per staged row
		{SkipGram, 5400, 10_282_241, 2, 5_400}, // one token per staged row
		{SkipGram, 100, 10_282_241, 2, 4096},   // few rows: the usual minimum
		{CBOW, 5400, 1_000_000, 2, 15_625},     // 32 write-backs per worker per epoch
		{CBOW, 5400, 2_313, 2, 256},            // a tiny corpus: the floor
	} {
		if got := syncInterval(c.m, c.h, c.tokens, c.workers, defaultTuning()); got != c.want {
			t.Errorf("syncInterval(%v, %d, %d, %d) = %d, want %d", c.m, c.h, c.tokens, c.workers, got, c.want)
		}
	}
}

func TestPlainHogwildStagesNothing(t *testing.T) {
	c := zipfCorpus(4, 300, 400)
	cfg := testConfig(SkipGram)
	cfg.Workers = 2
	if sh := newShared(c, cfg, 300, defaultTuning()); len(sh.hotIDs) != 300 || sh.hotSlot != nil {
		t.Errorf("2 workers: %d staged words (slot map %v), want all 300 as replicas", len(sh.hotIDs), sh.hotSlot != nil)
	}
	cfg.PlainHogwild = true
	if sh := newShared(c, cfg, 300, defaultTuning()); sh.hotIDs != nil {
		t.Errorf("PlainHogwild: %d staged words, want none", len(sh.hotIDs))
	}
}

// TestSyncHotWritesBackOnlyTheHottestRows: the extra write-backs cover
// each tier's first slots (the most frequent words), In only in the first
// tier, when the tier's interval has passed, and nothing else, for each
// model's tiers.
func TestSyncHotWritesBackOnlyTheHottestRows(t *testing.T) {
	for _, m := range []Model{SkipGram, CBOW} {
		t.Run(m.String(), func(t *testing.T) { checkSyncHot(t, m) })
	}
}

func checkSyncHot(t *testing.T, m Model) {
	t1, t2 := hotTiers[m][0], hotTiers[m][1]
	if !t1.in || t2.in || t1.rows >= t2.rows || t1.tokens >= t2.tokens {
		t.Fatalf("tiers %+v: this test expects In in the first of two only, in order", hotTiers[m])
	}
	v := t2.rows + 2
	c := newTestCorpus(v, [][]int32{{0, 1, 2}})
	cfg := testConfig(m)
	cfg.Dim, cfg.Workers = 2, 2
	sh := newShared(c, cfg, 3, defaultTuning())
	if sh.tiers != hotTiers[m] || sh.hotIDs == nil {
		t.Fatalf("tiers %+v, %d staged rows; want %+v and some", sh.tiers, len(sh.hotIDs), hotTiers[m])
	}
	w := newWorker(sh, 1)
	w.refresh()
	s := sh.stride
	// Slots are words, as the staged set is whole replicas. Every changed
	// row gets +1 in its first weight.
	slots := []int{0, t1.rows - 1, t1.rows, t2.rows - 1, t2.rows}
	in0 := make(map[int]float32)
	for _, slot := range slots {
		in0[slot] = sh.in[slot*s]
		w.inRow(int32(slot))[0] += 1
		w.outRow(int32(slot))[0] += 1
	}
	// check: the slots below inUpto have their In change in the shared
	// matrix, those below outUpto their Out change, no other slot either.
	check := func(when string, inUpto, outUpto int) {
		t.Helper()
		for _, slot := range slots {
			if got, want := sh.in[slot*s] != in0[slot], slot < inUpto; got != want {
				t.Errorf("%s: In row %d written back: %v, want %v", when, slot, got, want)
			}
			if got, want := sh.out[slot*s] != 0, slot < outUpto; got != want {
				t.Errorf("%s: Out row %d written back: %v, want %v", when, slot, got, want)
			}
		}
	}

	st := &w.stage
	st.sinceHot = t1.tokens - 1
	w.writeBackDue() // not due
	w.syncHot()
	check("before any interval", 0, 0)
	if st.sinceHot != 0 || st.sinceTier != [2]int64{t1.tokens - 1, t1.tokens - 1} {
		t.Fatalf("before any interval: sinceHot %d, sinceTier %v", st.sinceHot, st.sinceTier)
	}
	st.sinceHot = 1
	w.syncHot()
	check("first tier", t1.rows, t1.rows)
	if st.sinceHot != 0 || st.sinceTier[0] != 0 || st.sinceTier[1] != t1.tokens {
		t.Errorf("after the first tier: sinceHot %d, sinceTier %v, want 0, [0 %d]", st.sinceHot, st.sinceTier, t1.tokens)
	}
	st.sinceHot = t2.tokens - t1.tokens // at least t1.tokens: due
	w.writeBackDue()
	check("second tier", t1.rows, t2.rows)
	if st.sinceTier != [2]int64{} {
		t.Errorf("after the second tier: sinceTier %v, want all 0", st.sinceTier)
	}
	w.sync()
	check("full write-back", v, v)
}

// TestEstimateMemoryMatchesAllocations: EstimateMemory gives the bytes the
// run's matrices and its workers' copies of the staged rows really take,
// whole and partial staging, one to three workers, plain Hogwild.
func TestEstimateMemoryMatchesAllocations(t *testing.T) {
	c := newTestCorpus(5, [][]int32{{0, 0, 0, 1, 1, 2, 3, 4}})
	counts := []int64{3, 2, 1, 1, 1}
	for _, model := range []Model{SkipGram, CBOW} {
		for _, workers := range []int{1, 2, 3} {
			for _, rows := range []int{5, 2} {
				for _, plain := range []bool{false, true} {
					cfg := testConfig(model)
					cfg.Dim, cfg.Workers, cfg.PlainHogwild = 20, workers, plain
					tune := defaultTuning()
					tune.stageBytes = stagedRowsBytes(rows, cfg)
					sh := newShared(c, cfg, 8, tune)
					var staging int64
					for id := range workers {
						st := newWorker(sh, id).stage
						staging += 4 * int64(len(st.hIn)+len(st.hIn0)+len(st.hOut)+len(st.hOut0))
					}
					got := estimateMemory(counts, cfg, tune)
					want := Memory{Model: 4 * int64(len(sh.in)+len(sh.out)), Staging: staging}
					if got != want {
						t.Errorf("%v, %d workers, %d rows staged, plain %v: estimate %+v, allocated %+v", model, workers, rows, plain, got, want)
					}
					if workers > 1 && !plain && staging == 0 {
						t.Errorf("%v, %d workers: nothing staged; the case tests nothing", model, workers)
					}
				}
			}
		}
	}
}
