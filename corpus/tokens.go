package corpus

import (
	"fmt"
	"iter"
	"slices"
)

// NarrowLimit is the number of token ids a narrow Tokens can hold: ids
// 0 .. NarrowLimit-1 take 2 bytes each.
const NarrowLimit = 1 << 16

// Tokens holds a corpus's token ids in one flat array: 2 bytes per token
// (narrow) while every id is below NarrowLimit, 4 bytes (wide) otherwise.
// A patient-year corpus of ICD-10-CM codes and CCSR categories has a few
// thousand to a few tens of thousands of distinct tokens, so it is narrow,
// and its tokens take half the memory of word2vec.c's or gensim's int32
// ids; the full ICD-10-CM code set (about 72,000 codes) would be wide.
//
// The zero value is an empty narrow Tokens. Slice shares the array, as a
// Go slice does; Append widens every token once when the first id of
// NarrowLimit or more arrives.
type Tokens struct {
	narrow []uint16
	wide   []int32 // non-nil exactly when the tokens are wide
}

// MakeTokens returns n zero tokens, narrow when a vocabulary of vocabSize
// words fits.
func MakeTokens(n, vocabSize int) Tokens {
	if vocabSize <= NarrowLimit {
		return Tokens{narrow: make([]uint16, n)}
	}
	return Tokens{wide: make([]int32, n)}
}

// TokensOf returns a copy of ids, narrow when every id fits.
func TokensOf(ids ...int32) Tokens {
	var t Tokens
	t.Grow(len(ids))
	t.Append(ids...)
	return t
}

// WideTokens returns Tokens that use ids itself (no copy) as their wide
// array, whatever the ids.
func WideTokens(ids []int32) Tokens {
	if ids == nil {
		ids = []int32{}
	}
	return Tokens{wide: ids}
}

// Len returns the number of tokens.
func (t Tokens) Len() int {
	if t.wide != nil {
		return len(t.wide)
	}
	return len(t.narrow)
}

// IsWide reports whether each token takes 4 bytes.
func (t Tokens) IsWide() bool { return t.wide != nil }

// Bytes returns the memory the token ids take.
func (t Tokens) Bytes() int64 {
	if t.wide != nil {
		return 4 * int64(len(t.wide))
	}
	return 2 * int64(len(t.narrow))
}

// At returns token i.
func (t Tokens) At(i int) int32 {
	if t.wide != nil {
		return t.wide[i]
	}
	return int32(t.narrow[i])
}

// Set stores id at position i. Storing an id that does not fit a narrow
// Tokens panics: callers that may see new ids use Append or MakeTokens
// with the final vocabulary size.
func (t Tokens) Set(i int, id int32) {
	if t.wide != nil {
		t.wide[i] = id
		return
	}
	if uint32(id) >= NarrowLimit {
		panic(fmt.Sprintf("corpus: token id %d stored in narrow tokens", id))
	}
	t.narrow[i] = uint16(id)
}

// Slice returns tokens lo .. hi-1, sharing the array.
func (t Tokens) Slice(lo, hi int) Tokens {
	if t.wide != nil {
		return Tokens{wide: t.wide[lo:hi]}
	}
	return Tokens{narrow: t.narrow[lo:hi]}
}

// AppendTo appends the ids to dst, widened to int32, and returns it.
func (t Tokens) AppendTo(dst []int32) []int32 {
	if t.wide != nil {
		return append(dst, t.wide...)
	}
	for _, id := range t.narrow {
		dst = append(dst, int32(id))
	}
	return dst
}

// Int32s returns the ids as a new []int32.
func (t Tokens) Int32s() []int32 { return t.AppendTo(make([]int32, 0, t.Len())) }

// Narrow returns the narrow array (nil when the tokens are wide), for loops
// that read every token and want no per-token branch.
func (t Tokens) Narrow() []uint16 {
	if t.wide != nil {
		return nil
	}
	return t.narrow
}

// Wide returns the wide array (nil when the tokens are narrow).
func (t Tokens) Wide() []int32 { return t.wide }

// Count adds one to counts[id] for every token.
func (t Tokens) Count(counts []int64) {
	if t.wide != nil {
		for _, id := range t.wide {
			counts[id]++
		}
		return
	}
	for _, id := range t.narrow {
		counts[id]++
	}
}

// All yields each position and id.
func (t Tokens) All() iter.Seq2[int, int32] {
	return func(yield func(int, int32) bool) {
		if t.wide != nil {
			for i, id := range t.wide {
				if !yield(i, id) {
					return
				}
			}
			return
		}
		for i, id := range t.narrow {
			if !yield(i, int32(id)) {
				return
			}
		}
	}
}

// Append appends ids, widening every token first if one of them does not
// fit the narrow array.
func (t *Tokens) Append(ids ...int32) {
	if t.wide != nil {
		t.wide = append(t.wide, ids...)
		return
	}
	for k, id := range ids {
		if uint32(id) >= NarrowLimit {
			t.widen(len(ids) - k)
			t.wide = append(t.wide, ids[k:]...)
			return
		}
		t.narrow = append(t.narrow, uint16(id))
	}
}

// Grow makes room for n more tokens without another allocation (while
// they stay narrow, if narrow).
func (t *Tokens) Grow(n int) {
	if t.wide != nil {
		t.wide = slices.Grow(t.wide, n)
		return
	}
	t.narrow = slices.Grow(t.narrow, n)
}

// Truncate keeps the first n tokens.
func (t *Tokens) Truncate(n int) {
	if t.wide != nil {
		t.wide = t.wide[:n]
		return
	}
	t.narrow = t.narrow[:n]
}

// widen converts narrow tokens to wide ones, with room for extra more.
func (t *Tokens) widen(extra int) {
	w := make([]int32, len(t.narrow), len(t.narrow)+extra)
	for i, id := range t.narrow {
		w[i] = int32(id)
	}
	t.narrow, t.wide = nil, w
}
