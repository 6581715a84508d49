package trainer

import "math"

// negativePower is the exponent of the noise distribution: negatives are
// drawn with probability count^0.75 / Z (Mikolov et al. 2013; gensim's
// ns_exponent).
const negativePower = 0.75

// noiseTable draws word ids from the unigram^0.75 distribution with Walker's
// alias method (Vose's construction): column i is chosen uniformly, then
// kept with probability accept[i]/2^32 or replaced by alias[i]. One 64-bit
// random number gives both choices, so a draw is two loads and no loop.
//
// word2vec.c uses a 1e8-entry table (400 MB, approximate) and gensim a
// cumulative table with a binary search (log2 V unpredictable branches per
// draw); the alias table is exact like gensim's, O(1) like word2vec.c's, and
// takes 8 bytes per vocabulary entry.
type noiseTable struct {
	accept []uint32 // threshold on the high 32 random bits; math.MaxUint32 = always keep
	alias  []int32
}

// newNoiseTable builds the table for counts raised to power. Ids with a
// zero count are never drawn. At least one count must be positive.
func newNoiseTable(counts []int64, power float64) *noiseTable {
	n := len(counts)
	w := make([]float64, n)
	var z float64
	for i, c := range counts {
		if c > 0 {
			w[i] = math.Pow(float64(c), power)
			z += w[i]
		}
	}
	// Scale so the mean column weight is 1.
	for i := range w {
		w[i] = w[i] * float64(n) / z
	}
	t := &noiseTable{accept: make([]uint32, n), alias: make([]int32, n)}
	small := make([]int32, 0, n)
	large := make([]int32, 0, n)
	for i, p := range w {
		if p < 1 {
			small = append(small, int32(i))
		} else {
			large = append(large, int32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		t.accept[s] = uint32(w[s] * (1 << 32))
		t.alias[s] = l
		w[l] -= 1 - w[s]
		if w[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	// What remains has weight 1 up to rounding: always keep.
	for _, i := range append(small, large...) {
		t.accept[i] = math.MaxUint32
		t.alias[i] = i
	}
	return t
}

// draw returns a word id from the random bits r.
func (t *noiseTable) draw(r uint64) int32 {
	i := int32((r & 0xffffffff) * uint64(len(t.accept)) >> 32)
	if uint32(r>>32) < t.accept[i] {
		return i
	}
	return t.alias[i]
}
