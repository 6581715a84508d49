package corpus

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// checkTokens compares every accessor of t with ids.
func checkTokens(t *testing.T, name string, tk Tokens, ids []int32, wide bool) {
	t.Helper()
	if tk.IsWide() != wide {
		t.Errorf("%s: IsWide = %v, want %v", name, tk.IsWide(), wide)
	}
	if tk.Len() != len(ids) {
		t.Fatalf("%s: Len = %d, want %d", name, tk.Len(), len(ids))
	}
	per := int64(2)
	if wide {
		per = 4
	}
	if tk.Bytes() != per*int64(len(ids)) {
		t.Errorf("%s: Bytes = %d, want %d", name, tk.Bytes(), per*int64(len(ids)))
	}
	for i, id := range ids {
		if tk.At(i) != id {
			t.Fatalf("%s: At(%d) = %d, want %d", name, i, tk.At(i), id)
		}
	}
	var seen []int32
	for i, id := range tk.All() {
		if i != len(seen) {
			t.Fatalf("%s: All yielded position %d after %d ids", name, i, len(seen))
		}
		seen = append(seen, id)
	}
	if !slices.Equal(seen, ids) || !slices.Equal(tk.AppendTo([]int32{-7}), append([]int32{-7}, ids...)) {
		t.Errorf("%s: All %v / AppendTo disagree with %v", name, seen, ids)
	}
	var maxID int32
	for _, id := range ids {
		maxID = max(maxID, id)
	}
	counts, want := make([]int64, maxID+1), make([]int64, maxID+1)
	tk.Count(counts)
	for _, id := range ids {
		want[id]++
	}
	if !slices.Equal(counts, want) {
		t.Errorf("%s: Count %v, want %v", name, counts, want)
	}
	if (tk.Narrow() == nil) == (tk.Wide() == nil) && len(ids) > 0 {
		t.Errorf("%s: exactly one of Narrow and Wide must hold the tokens", name)
	}
}

func TestTokensNarrowAndWide(t *testing.T) {
	small := []int32{0, 5, NarrowLimit - 1, 3}
	checkTokens(t, "narrow", TokensOf(small...), small, false)
	big := []int32{0, NarrowLimit, 7}
	checkTokens(t, "wide", TokensOf(big...), big, true)
	checkTokens(t, "WideTokens", WideTokens(slices.Clone(small)), small, true)
	checkTokens(t, "empty", Tokens{}, nil, false)
	checkTokens(t, "MakeTokens narrow", MakeTokens(3, NarrowLimit), []int32{0, 0, 0}, false)
	checkTokens(t, "MakeTokens wide", MakeTokens(3, NarrowLimit+1), []int32{0, 0, 0}, true)

	// Appending an id that does not fit widens every earlier token once.
	var tk Tokens
	tk.Append(1, 2)
	tk.Append(3, NarrowLimit+5, 4)
	tk.Append(6)
	checkTokens(t, "widened by Append", tk, []int32{1, 2, 3, NarrowLimit + 5, 4, 6}, true)

	// Slice shares the array; Set writes through; Truncate keeps a prefix.
	for _, base := range []Tokens{TokensOf(10, 11, 12, 13), WideTokens([]int32{10, 11, 12, 13})} {
		s := base.Slice(1, 3)
		s.Set(0, 21)
		checkTokens(t, fmt.Sprintf("slice (wide %v)", base.IsWide()), s, []int32{21, 12}, base.IsWide())
		if base.At(1) != 21 {
			t.Errorf("Set through a slice did not reach the array (wide %v)", base.IsWide())
		}
		base.Truncate(2)
		checkTokens(t, fmt.Sprintf("truncated (wide %v)", base.IsWide()), base, []int32{10, 21}, base.IsWide())
	}
}

func TestTokensNarrowSetPanics(t *testing.T) {
	for _, id := range []int32{NarrowLimit, -1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Set(0, %d) on narrow tokens did not panic", id)
				}
			}()
			TokensOf(1).Set(0, id)
		}()
	}
}

// wideVocabFile returns a sequence file of n distinct tokens, in lines of
// 100; the ones after the first n/2 repeat a few of the first ones in
// between, so the counts differ.
func wideVocabFile(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "W%d ", i)
		if i%3 == 0 {
			fmt.Fprintf(&b, "W%d ", i%50)
		}
		if i%100 == 99 {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// TestReadSequencesWideVocabulary: a file with more distinct tokens than
// narrow ids can number is read into wide tokens, identical to the
// streaming reader's, both when one range alone overflows and when only
// the merged vocabulary does.
func TestReadSequencesWideVocabulary(t *testing.T) {
	data := wideVocabFile(NarrowLimit + 1000)
	want, wantRep, err := ReadSequences(context.Background(), strings.NewReader(data), "w.txt", wordOptions())
	if err != nil {
		t.Fatal(err)
	}
	if !want.Tokens.IsWide() || want.Vocab.Len() != NarrowLimit+1000 {
		t.Fatalf("streaming reader: wide %v, vocabulary %d", want.Tokens.IsWide(), want.Vocab.Len())
	}
	for _, parts := range []int{1, 2, 4} { // 1: the range overflows; 2, 4: only the merge does
		got, rep, err := readSequencesParallel(context.Background(), strings.NewReader(data), 0, int64(len(data)), "w.txt", wordOptions(), parts, 1)
		if err != nil {
			t.Fatalf("parts %d: %v", parts, err)
		}
		if err := got.check(); err != nil {
			t.Fatalf("parts %d: %v", parts, err)
		}
		if !got.Tokens.IsWide() || !slices.Equal(got.Tokens.Int32s(), want.Tokens.Int32s()) ||
			!slices.Equal(got.Vocab.Words, want.Vocab.Words) || !slices.Equal(got.Vocab.Counts, want.Vocab.Counts) ||
			!slices.Equal(got.Seqs, want.Seqs) || !reflect.DeepEqual(rep, wantRep) {
			t.Errorf("parts %d: wide %v; the corpus differs from the streaming reader's", parts, got.Tokens.IsWide())
		}
	}
	// Just under the limit stays narrow.
	data = wideVocabFile(NarrowLimit)
	got, _, err := readSequencesParallel(context.Background(), strings.NewReader(data), 0, int64(len(data)), "n.txt", wordOptions(), 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got.Tokens.IsWide() || got.Vocab.Len() != NarrowLimit {
		t.Errorf("%d distinct tokens: wide %v, vocabulary %d; want narrow", NarrowLimit, got.Tokens.IsWide(), got.Vocab.Len())
	}
}

// TestCacheRoundTripWide: wide tokens survive the cache (which stores 4
// bytes per token either way) and come back wide.
func TestCacheRoundTripWide(t *testing.T) {
	data := wideVocabFile(NarrowLimit + 10)
	c, _, err := ReadSequences(context.Background(), strings.NewReader(data), "w.txt", wordOptions())
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "w.hvc")
	if err := WriteCache(p, c); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCache(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Tokens.IsWide() || !slices.Equal(got.Tokens.Int32s(), c.Tokens.Int32s()) {
		t.Errorf("wide tokens did not survive the cache (wide %v)", got.Tokens.IsWide())
	}
}
