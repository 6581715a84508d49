package trainer

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
)

// testComposition returns a composition of a vocabulary of vocab words
// whose word w has the units unitsOf(w) among nunits units ("U0", "U1",
// ...).
func testComposition(op ComposeOp, vocab, nunits int, unitsOf func(w int) []int32) *Composition {
	c := &Composition{Op: op, Start: []int32{0}}
	for u := range nunits {
		c.Units = append(c.Units, fmt.Sprintf("U%d", u))
		c.Kinds = append(c.Kinds, corpus.KindPrefix)
	}
	for w := range vocab {
		c.Rows = append(c.Rows, unitsOf(w)...)
		c.Start = append(c.Start, int32(len(c.Rows)))
	}
	return c
}

func noUnits(int) []int32 { return nil }

// TestComposedWithoutUnitsIsPlain: a composed run in which no word has a
// unit trains on local composed rows (Skip-Gram) and CBOW's composed
// hooks, and must give a plain run's vectors bit for bit (one worker, a
// seed), also when the table has unit rows that no word uses (In grows,
// the vocabulary's rows start the same).
func TestComposedWithoutUnitsIsPlain(t *testing.T) {
	planted := plantedCorpus(3, 5, 6, 300, 0.2)
	long := newTestCorpus(40, repeatCorpus(1, 40, 100)) // CBOW's local rows: 8 tokens and more
	for _, tc := range []struct {
		name string
		m    Model
		c    *corpus.Corpus
		dim  int
		sub  float64
	}{
		{"SG", SkipGram, planted, 16, 1e-3},
		{"SG-dim10", SkipGram, planted, 10, 1e-3},
		{"SG-long", SkipGram, long, 16, 0},
		{"CBOW", CBOW, planted, 16, 1e-3},
		{"CBOW-long", CBOW, long, 16, 0},
		{"CBOW-long-dim10", CBOW, long, 10, 0},
	} {
		for _, nunits := range []int{0, 3} {
			t.Run(fmt.Sprintf("%s/units=%d", tc.name, nunits), func(t *testing.T) {
				cfg := testConfig(tc.m)
				cfg.Seed, cfg.Dim, cfg.Window, cfg.Subsample = 42, tc.dim, 100, tc.sub
				plain, err := Train(context.Background(), tc.c, cfg, nil)
				if err != nil {
					t.Fatal(err)
				}
				comp := testComposition(ComposeMean, tc.c.Vocab.Len(), nunits, noUnits)
				res, err := TrainComposed(context.Background(), tc.c, cfg, comp, nil)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range []struct {
					name string
					v    []float32
				}{{"composed", res.Set.Vectors}, {"own", res.Own.Vectors}} {
					if i := firstDiff(plain.Vectors, s.v); i >= 0 {
						t.Fatalf("%s vectors differ from the plain run's at weight %d: %v vs %v", s.name, i, s.v[i], plain.Vectors[i])
					}
				}
				if res.Units.Len() != nunits || len(res.Units.Vectors) != nunits*cfg.Dim {
					t.Errorf("units: %d rows, %d weights; want %d rows", res.Units.Len(), len(res.Units.Vectors), nunits)
				}
			})
		}
	}
}

// firstDiff returns the first index where the bits of a and b differ
// (or their lengths), -1 when they are the same.
func firstDiff(a, b []float32) int {
	for i := range min(len(a), len(b)) {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

// TestComposedCompose: a word's exported vector is the mean (or sum) of
// its own row and its units' rows, bit for bit what Compose gives; a code
// absent from training (own < 0) gets the mean (or sum) of its units'
// rows alone; no row, no vector.
func TestComposedCompose(t *testing.T) {
	c := plantedCorpus(5, 4, 5, 200, 0.2)
	v := c.Vocab.Len()
	for _, op := range []ComposeOp{ComposeMean, ComposeSum} {
		t.Run(op.String(), func(t *testing.T) {
			// Word w has units w%3 (if w%4 != 0) and 3+w%2 (if w%5 != 0).
			comp := testComposition(op, v, 5, func(w int) []int32 {
				var u []int32
				if w%4 != 0 {
					u = append(u, int32(w%3))
				}
				if w%5 != 0 {
					u = append(u, 3+int32(w%2))
				}
				return u
			})
			cfg := testConfig(SkipGram)
			res, err := TrainComposed(context.Background(), c, cfg, comp, nil)
			if err != nil {
				t.Fatal(err)
			}
			dim := cfg.Dim
			want := func(own int, units []int32) []float64 {
				sum := make([]float64, dim)
				n := 0
				add := func(row []float32) {
					for d, x := range row {
						sum[d] += float64(x)
					}
					n++
				}
				if own >= 0 {
					add(res.Own.Vector(own))
				}
				for _, u := range units {
					add(res.Units.Vector(int(u)))
				}
				if op == ComposeMean {
					for d := range sum {
						sum[d] /= float64(n)
					}
				}
				return sum
			}
			got := make([]float32, dim)
			for w := range v {
				units := comp.UnitsOf(w)
				if !res.Compose(got, w, units) || firstDiff(got, res.Set.Vector(w)) >= 0 {
					t.Fatalf("word %d: Compose %v, Set row %v", w, got, res.Set.Vector(w))
				}
				checkClose(t, fmt.Sprintf("word %d", w), got, want(w, units))
				if len(units) > 0 {
					if !res.Compose(got, -1, units) {
						t.Fatalf("word %d: no vector from its units", w)
					}
					checkClose(t, fmt.Sprintf("word %d without its row", w), got, want(-1, units))
				}
			}
			got[0] = 7
			if res.Compose(got, -1, nil) || got[0] != 7 {
				t.Error("Compose of no row reported a vector or wrote dst")
			}
			if res.Units.Tokens[2] != "U2" || res.Units.Kinds[2] != corpus.KindPrefix || res.Own.Tokens[3] != c.Vocab.Words[3] {
				t.Errorf("names: units %v, own %v", res.Units.Tokens, res.Own.Tokens)
			}
			// Every unit row trained away from its start.
			start := initInput(v+5, dim, dim, cfg.Seed)[v*dim:]
			for u := range 5 {
				if firstDiff(res.Units.Vector(u), start[u*dim:(u+1)*dim]) < 0 {
					t.Errorf("unit %d never trained", u)
				}
			}
		})
	}
}

func checkClose(t *testing.T, what string, got []float32, want []float64) {
	t.Helper()
	for d := range want {
		if math.Abs(float64(got[d])-want[d]) > 1e-6*(1+math.Abs(want[d])) {
			t.Fatalf("%s: weight %d = %v, want %v", what, d, got[d], want[d])
		}
	}
}

func TestCompositionValidate(t *testing.T) {
	good := testComposition(ComposeMean, 3, 2, func(w int) []int32 { return []int32{int32(w % 2)} })
	if err := good.Validate(3); err != nil {
		t.Fatalf("valid table: %v", err)
	}
	for _, tc := range []struct {
		name  string
		edit  func(c *Composition)
		vocab int
		want  string
	}{
		{"op", func(c *Composition) { c.Op = 9 }, 3, "Op is 9"},
		{"kinds", func(c *Composition) { c.Kinds = c.Kinds[:1] }, 3, "1 unit kinds for 2 units"},
		{"start", func(c *Composition) {}, 4, "Start has 4 entries for a vocabulary of 4 words"},
		{"range", func(c *Composition) { c.Rows[1] = 2 }, 3, "word 1 has unit 2; want 0 to 1"},
		{"negative", func(c *Composition) { c.Rows[0] = -1 }, 3, "word 0 has unit -1"},
		{"twice", func(c *Composition) { c.Rows = []int32{0, 1, 1, 0}; c.Start = []int32{0, 1, 3, 4} }, 3, "word 1 lists unit 1 twice"},
		{"decreasing", func(c *Composition) { c.Start = []int32{0, 2, 1, 3} }, 3, "Start decreases at word 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := testComposition(ComposeMean, 3, 2, func(w int) []int32 { return []int32{int32(w % 2)} })
			tc.edit(c)
			if err := c.Validate(tc.vocab); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate = %v, want %q", err, tc.want)
			}
		})
	}
	// TrainComposed reports the table's problems with the configuration's.
	c := plantedCorpus(1, 2, 3, 20, 0)
	cfg := testConfig(SkipGram)
	cfg.Dim, cfg.SharedNegatives = 0, true
	_, err := TrainComposed(context.Background(), c, cfg, testComposition(ComposeMean, 2, 0, noUnits), nil)
	for _, want := range []string{"Dim is 0", "SharedNegatives is true", "Start has 3 entries"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("TrainComposed error %v does not mention %q", err, want)
		}
	}
	if _, err := ParseComposeOp("Sum "); err != nil {
		t.Error(err)
	}
	if _, err := ParseComposeOp("max"); err == nil || !strings.Contains(err.Error(), "want mean or sum") {
		t.Errorf("ParseComposeOp(max) = %v", err)
	}
	if ComposeMean.String() != "mean" || ComposeSum.String() != "sum" {
		t.Errorf("String: %s %s", ComposeMean, ComposeSum)
	}
}

// TestComposedAllocatesNothing: training a sequence of a composed run
// allocates nothing, on local rows and on the reference paths of
// sequences with more distinct words than the local rows hold, with one
// worker and with staging (write-backs included).
func TestComposedAllocatesNothing(t *testing.T) {
	c := zipfCorpus(1, 500, 200)
	comp := testComposition(ComposeMean, 500, 7, func(w int) []int32 {
		if w%5 == 0 {
			return nil
		}
		return []int32{int32(w % 3), 3 + int32(w%4)}
	})
	for _, workers := range []int{1, 2} {
		for _, m := range []Model{SkipGram, CBOW} {
			for _, small := range []bool{false, true} {
				cfg := testConfig(m)
				cfg.Window, cfg.Workers = 100, workers
				maxSeq, err := check(c, cfg)
				if err != nil {
					t.Fatal(err)
				}
				sh := newShared(c, cfg, maxSeq, defaultTuning())
				sh.setComposition(comp)
				w := newWorker(sh, workers-1)
				if small { // every sequence of 9 distinct words or more takes the reference path
					if m == SkipGram {
						w.comp.words = w.comp.words[:0:8]
					} else {
						w.cbow.local.words, w.cbow.local.mult = w.cbow.local.words[:0:8], w.cbow.local.mult[:0:8]
					}
				}
				w.refresh()
				s := 0
				allocs := testing.AllocsPerRun(200, func() {
					w.trainSeq(c.Seq(s % c.NumSeqs()))
					s++
					if s%16 == 0 {
						w.sync()
					}
				})
				if allocs != 0 {
					t.Errorf("%v, %d workers, small local rows %v: %v allocations per sequence, want 0", m, workers, small, allocs)
				}
			}
		}
	}
}

// TestComposedReferencePathMatchesLocal: a sequence with more distinct
// words than the local rows hold trains pair by pair (Skip-Gram) or centre
// by centre (CBOW) on the reference, which gathers and scatters the rows
// each time. When no two words of the sequence share a unit the two paths
// compute the same thing (compose_seq.go), with the same draws: the
// weights must agree to float32 rounding.
func TestComposedReferencePathMatchesLocal(t *testing.T) {
	seq := []int32{0, 2, 5, 2, 7, 1, 3, 6, 4, 2, 5, 5, 1}
	c := newTestCorpus(8, [][]int32{seq})
	for _, m := range []Model{SkipGram, CBOW} {
		for _, op := range []ComposeOp{ComposeMean, ComposeSum} {
			t.Run(fmt.Sprintf("%v/%v", m, op), func(t *testing.T) {
				// Word w has unit w (word 0 none, word 3 two of its own).
				comp := testComposition(op, 8, 9, func(w int) []int32 {
					switch w {
					case 0:
						return nil
					case 3:
						return []int32{3, 8}
					}
					return []int32{int32(w)}
				})
				cfg := testConfig(m)
				cfg.Window, cfg.ShrinkWindow, cfg.Subsample = 4, false, 0
				trained := func(small bool) *shared {
					maxSeq, err := check(c, cfg)
					if err != nil {
						t.Fatal(err)
					}
					sh := newShared(c, cfg, maxSeq, defaultTuning())
					sh.setComposition(comp)
					w := newWorker(sh, 0)
					if small {
						if m == SkipGram {
							w.comp.words = w.comp.words[:0:2]
						} else {
							w.cbow.local.words, w.cbow.local.mult = w.cbow.local.words[:0:2], w.cbow.local.mult[:0:2]
						}
					}
					w.trainSeq(corpus.TokensOf(seq...))
					return sh
				}
				local, ref := trained(false), trained(true)
				for _, mm := range []struct {
					name      string
					got, want []float32
				}{{"input", ref.in, local.in}, {"output", ref.out, local.out}} {
					changed := false
					for i, want := range mm.want {
						if d := math.Abs(float64(mm.got[i] - want)); d > 1e-5*(math.Abs(float64(want))+0.05) {
							t.Fatalf("%s weight %d: reference path %v, local rows %v", mm.name, i, mm.got[i], want)
						}
						changed = changed || mm.got[i] != want
					}
					if !changed && mm.name == "input" {
						t.Errorf("the two paths gave identical bits: the reference path was not taken")
					}
				}
			})
		}
	}
}
