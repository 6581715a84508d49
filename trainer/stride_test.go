package trainer

import (
	"math"
	"slices"
	"testing"
	"unsafe"
)

// TestRowsStartOnCacheLines: the matrices and the workers' scratch start
// on 64-byte boundaries, and with the padded stride every row does.
func TestRowsStartOnCacheLines(t *testing.T) {
	for n := 1; n < 40; n++ {
		for _, p := range []unsafe.Pointer{
			unsafe.Pointer(&isolated[float32](n)[0]),
			unsafe.Pointer(&isolated[int32](n)[0]),
		} {
			if uintptr(p)%64 != 0 {
				t.Fatalf("n=%d: %p is not on a 64-byte boundary", n, p)
			}
		}
		if b := isolated[float32](n); len(b) != n || cap(b) != n {
			t.Fatalf("isolated(%d): len %d cap %d", n, len(b), cap(b))
		}
	}
	c := zipfCorpus(1, 50, 40)
	for _, dim := range []int{1, 10, 16, 50, 100} {
		cfg := testConfig(SkipGram)
		cfg.Dim, cfg.Workers = dim, 2
		sh := newShared(c, cfg, 40, defaultTuning())
		if padSkipGramRows && sh.stride != (dim+15)/16*16 || !padSkipGramRows && sh.stride != dim {
			t.Errorf("dim %d: stride %d", dim, sh.stride)
		}
		w := newWorker(sh, 0)
		w.refresh()
		for v := range int32(c.Vocab.Len()) {
			for _, r := range [][]float32{w.inRow(v), w.outRow(v)} {
				if len(r) != dim || (sh.stride%16 == 0 && uintptr(unsafe.Pointer(&r[0]))%64 != 0) {
					t.Fatalf("dim %d word %d: row of %d at %p", dim, v, len(r), &r[0])
				}
			}
		}
		// The padding of the input rows is zero.
		for i, x := range sh.in {
			if i%sh.stride >= dim && x != 0 {
				t.Fatalf("dim %d: padding weight %d is %v", dim, i, x)
			}
		}
		cfg.Model = CBOW
		if sh := newShared(c, cfg, 40, defaultTuning()); sh.stride != dim {
			t.Errorf("CBOW dim %d: stride %d, want the dimension", dim, sh.stride)
		}
		cfg.Model, cfg.SharedNegatives = SkipGram, true
		if sh := newShared(c, cfg, 40, defaultTuning()); padSkipGramRows && sh.stride != (dim+15)/16*16 {
			t.Errorf("shared negatives dim %d: stride %d", dim, sh.stride)
		}
	}
}

func TestPackRows(t *testing.T) {
	m := []float32{1, 2, 0, 0, 3, 4, 0, 0, 5, 6, 0, 0}
	if got := packRows(m, 3, 2, 4); !slices.Equal(got, []float32{1, 2, 3, 4, 5, 6}) || cap(got) != 6 {
		t.Errorf("packRows: %v (cap %d)", got, cap(got))
	}
	m = []float32{1, 2, 3, 4}
	if got := packRows(m, 2, 2, 2); !slices.Equal(got, []float32{1, 2, 3, 4}) {
		t.Errorf("packRows with stride = dim: %v", got)
	}
}

// TestNonFiniteNamesThePackedWeight: a NaN in a padded matrix is named by
// its index in the vocab × dim matrix the user gets.
func TestNonFiniteNamesThePackedWeight(t *testing.T) {
	in := make([]float32, 3*16)
	in[2*16+5] = float32(math.NaN())
	if got, want := nonFinite(in, make([]float32, 3*16), 10, 16), "input weight 25 became NaN"; got != want {
		t.Errorf("nonFinite = %q, want %q", got, want)
	}
}

// TestPaddingStaysZero: Skip-Gram training over padded rows (rowStride)
// leaves the padding of every row zero, in the shared matrices and in a
// worker's staged copies, so it never reaches a weight.
func TestPaddingStaysZero(t *testing.T) {
	c := zipfCorpus(2, 200, 300)
	cfg := testConfig(SkipGram)
	cfg.Dim, cfg.Workers, cfg.Window = 10, 2, 100
	sh := newShared(c, cfg, 300, defaultTuning())
	if sh.stride == sh.dim {
		t.Skip("rows are not padded on this kernel path")
	}
	w := newWorker(sh, 1) // a staging worker
	if w.stage.hIn == nil {
		t.Fatal("worker 1 of 2 stages nothing")
	}
	w.refresh()
	for s := range c.NumSeqs() {
		w.trainSeq(c.Seq(s))
	}
	for name, m := range map[string][]float32{"in": sh.in, "out": sh.out, "staged in": w.stage.hIn, "staged out": w.stage.hOut} {
		for i := range m {
			if i%sh.stride >= sh.dim && m[i] != 0 {
				t.Fatalf("%s: padding weight %d (row %d) is %v", name, i, i/sh.stride, m[i])
			}
		}
	}
	w.sync()
	changed := false
	for i, x := range sh.out {
		if i%sh.stride >= sh.dim && x != 0 {
			t.Fatalf("out after write-back: padding weight %d is %v", i, x)
		}
		changed = changed || x != 0
	}
	if !changed {
		t.Fatal("training changed no output weight")
	}
}
