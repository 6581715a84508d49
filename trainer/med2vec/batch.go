package med2vec

import (
	"slices"

	"github.com/hiervec/hiervec/corpus"
)

// batch is one minibatch: a contiguous slice of the corpus' visits, with the
// visit pairs and code pairs the two objectives need, and their
// normalisers. It is rebuilt in place for every minibatch.
//
// Rows are the batch's visits in corpus order. A visit pair (t, t+k),
// 1 <= k <= Window, is valid when both rows belong to the same sequence
// (patient-year); pairs that straddle the batch boundary are lost, as in the
// reference. Each valid pair is costed in both directions, and each
// direction is assigned to the row that makes the prediction.
type batch struct {
	// codes of row r: codes[codeOff[r]:codeOff[r+1]], de-duplicated.
	codes   []int32
	codeOff []int32
	seq     []int32 // sequence of each row

	// Visit objective. pred lists the rows with at least one valid
	// target; the targets of pred[i] are tgt[tgtOff[i]:tgtOff[i+1]] with
	// weights tgtW (1/N_k for offset k), and predW[i] is the sum of its
	// weights.
	pred   []int32
	predW  []float64
	tgtOff []int32
	tgt    []int32
	tgtW   []float64

	// Code objective. src lists the distinct source codes i of ordered
	// pairs (i, j), i != j, of the batch's visits; the targets of src[s]
	// are dst[dstOff[s]:dstOff[s+1]] with multiplicities dstN. pairs is
	// the total number M of ordered pairs.
	src    []int32
	dstOff []int32
	dst    []int32
	dstN   []float64
	pairs  int64

	scratch []int32
	keys    []uint64
	nk      []int64
}

// rowCodes returns the codes of row r.
func (b *batch) rowCodes(r int32) []int32 { return b.codes[b.codeOff[r]:b.codeOff[r+1]] }

// rows returns the number of visits in the batch.
func (b *batch) rows() int { return len(b.seq) }

// build fills b with visits lo..hi-1 of c; visitSeq[j] is the sequence of
// visit j.
func (b *batch) build(c *corpus.Corpus, visitSeq []int32, lo, hi, window int) {
	b.codes, b.codeOff, b.seq = b.codes[:0], append(b.codeOff[:0], 0), b.seq[:0]
	for j := lo; j < hi; j++ {
		b.scratch = c.Visit(j).AppendTo(b.scratch[:0])
		slices.Sort(b.scratch)
		b.codes = append(b.codes, slices.Compact(b.scratch)...)
		b.codeOff = append(b.codeOff, int32(len(b.codes)))
		b.seq = append(b.seq, visitSeq[j])
	}
	b.buildVisitPairs(window)
	b.buildCodePairs()
}

// buildVisitPairs counts N_k, the valid pairs at each offset k, and lists
// each row's targets with weight 1/N_k (package doc, Objective: the reference
// divides the offset-k sum by N_k + 1e-8; we skip offsets with N_k = 0 and
// divide by N_k).
func (b *batch) buildVisitPairs(window int) {
	n := b.rows()
	b.nk = append(b.nk[:0], make([]int64, window+1)...)
	for k := 1; k <= window; k++ {
		for t := 0; t+k < n; t++ {
			if b.seq[t] == b.seq[t+k] {
				b.nk[k]++
			}
		}
	}
	b.pred, b.predW, b.tgt, b.tgtW = b.pred[:0], b.predW[:0], b.tgt[:0], b.tgtW[:0]
	b.tgtOff = append(b.tgtOff[:0], 0)
	for t := range n {
		var w float64
		for k := 1; k <= window; k++ {
			if b.nk[k] == 0 {
				continue
			}
			s := 1 / float64(b.nk[k])
			if t-k >= 0 && b.seq[t-k] == b.seq[t] {
				b.tgt, b.tgtW = append(b.tgt, int32(t-k)), append(b.tgtW, s)
				w += s
			}
			if t+k < n && b.seq[t+k] == b.seq[t] {
				b.tgt, b.tgtW = append(b.tgt, int32(t+k)), append(b.tgtW, s)
				w += s
			}
		}
		if int32(len(b.tgt)) == b.tgtOff[len(b.tgtOff)-1] {
			continue
		}
		b.pred, b.predW = append(b.pred, int32(t)), append(b.predW, w)
		b.tgtOff = append(b.tgtOff, int32(len(b.tgt)))
	}
}

// buildCodePairs lists the ordered code pairs (i, j), i != j, of every
// visit, grouped by source i in increasing order (package doc, Objective).
func (b *batch) buildCodePairs() {
	b.keys = b.keys[:0]
	for r := range int32(b.rows()) {
		cs := b.rowCodes(r)
		for _, i := range cs {
			for _, j := range cs {
				if i != j {
					b.keys = append(b.keys, uint64(i)<<32|uint64(uint32(j)))
				}
			}
		}
	}
	b.pairs = int64(len(b.keys))
	slices.Sort(b.keys)
	b.src, b.dst, b.dstN = b.src[:0], b.dst[:0], b.dstN[:0]
	b.dstOff = append(b.dstOff[:0], 0)
	for k := 0; k < len(b.keys); {
		key := b.keys[k]
		n := 1
		for k+n < len(b.keys) && b.keys[k+n] == key {
			n++
		}
		i, j := int32(key>>32), int32(uint32(key))
		if len(b.src) == 0 || b.src[len(b.src)-1] != i {
			if len(b.src) > 0 {
				b.dstOff = append(b.dstOff, int32(len(b.dst)))
			}
			b.src = append(b.src, i)
		}
		b.dst, b.dstN = append(b.dst, j), append(b.dstN, float64(n))
		k += n
	}
	if len(b.src) > 0 {
		b.dstOff = append(b.dstOff, int32(len(b.dst)))
	}
}
