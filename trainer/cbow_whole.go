package trainer

// CBOW on a sequence's own copy of its rows, with whole-sequence centres
// done in a constant number of row operations.
//
// At window 100 most CBOW centres of a patient-year see the whole sequence:
// their context is every other position. word2vec.c then sums the n-1
// context rows, and after the negatives adds the error e to each of
// them: 2(n-1) row operations per centre, most of CBOW's time. For such
// centres the same arithmetic takes a handful of row operations, whatever
// n, by deferring the part of the update every position receives:
//
//   - The sequence's distinct words u get rows G_u in a small local matrix,
//     copied from In when the sequence starts (and G0_u, the copy as
//     taken); m_u is the number of positions holding u, M = Σ_u m_u².
//   - A is the sum of e over the whole-sequence centres so far. The
//     real row of u is G_u + m_u·A: such a centre t adds e_t to every
//     position but its own, that is m_u·e_t to u's row, and we subtract
//     e_t from G_{w_t} instead of adding to all the others.
//   - S is the sum over positions of the real rows. A whole-sequence
//     centre's context sum is S minus the real row of its own word; after
//     it S grows by (M - m_{w_t})·e. A centre with a partial window
//     sums the real rows of its context positions (the G rows, plus A times
//     the sum of their m, kept as prefix sums over positions), adds e to
//     their G rows, and grows S by that same sum of m times e.
//   - When the sequence ends, row u of In gains G_u + m_u·A - G0_u: every
//     update, added to what In holds then (so that concurrent updates by
//     other workers add up, as in staging's write-back).
//
// In exact arithmetic this is word2vec.c's CBOW step for step, with the
// same random draws; in float32 the sums are rounded in another order (a
// test bounds the difference against the direct path). What other workers
// see changes: the sequence's input-row updates reach In when it ends,
// not centre by centre (its Out-row updates are unchanged) — a delay of
// one sequence, far shorter than staging's write-back interval.

// Sequences shorter than localMinLen train directly on In: copying their
// rows in and out costs more than it saves. Sequences with more than
// localMaxDistinct distinct words also train directly (bounds the local
// matrices: 2·localMaxDistinct rows per worker).
const (
	localMinLen      = 8
	localMaxDistinct = 1024
)

// localRows is a worker's state for the sequence being trained on its own
// rows.
type localRows struct {
	slot  []int32   // word -> index in words, -1 when absent (vocabulary-sized)
	words []int32   // distinct words of the sequence
	mult  []float32 // their multiplicities m_u
	m2    float32   // M = Σ m_u²
	pos   []int32   // the slot of each position
	prefM []float32 // prefM[p] = Σ m over positions < p
	g, g0 []float32 // G and G0, one row per distinct word
	s, a  []float32 // S and A
}

func newLocalRows(vocab, dim, maxSeq int) *localRows {
	d := min(maxSeq, localMaxDistinct)
	lr := &localRows{
		slot:  make([]int32, vocab),
		words: make([]int32, 0, d),
		mult:  make([]float32, 0, d),
		pos:   make([]int32, maxSeq),
		prefM: make([]float32, maxSeq+1),
		g:     isolated[float32](d * dim),
		g0:    make([]float32, d*dim),
		s:     isolated[float32](dim),
		a:     isolated[float32](dim),
	}
	for i := range lr.slot {
		lr.slot[i] = -1
	}
	return lr
}

// localBegin copies the rows of kept's distinct words and sets up m, M, the
// prefix sums, S and A. It returns false, leaving nothing behind, when kept
// has more distinct words than the local matrices hold.
func (w *worker) localBegin(kept []int32) bool {
	lr := w.cbow.local
	dim := w.sh.dim
	lr.words, lr.mult = lr.words[:0], lr.mult[:0]
	for p, t := range kept {
		k := lr.slot[t]
		if k < 0 {
			if len(lr.words) == cap(lr.words) {
				w.localForget()
				return false
			}
			k = int32(len(lr.words))
			lr.slot[t] = k
			lr.words = append(lr.words, t)
			lr.mult = append(lr.mult, 0)
		}
		lr.mult[k]++
		lr.pos[p] = k
	}
	lr.m2 = 0
	clear(lr.s)
	clear(lr.a)
	for k, t := range lr.words {
		m := lr.mult[k]
		lr.m2 += m * m
		g := lr.g[k*dim : k*dim+dim]
		w.compose(g, t) // its row (composed in a composed run, compose_seq.go)
		copy(lr.g0[k*dim:k*dim+dim], g)
		axpy(m, g, lr.s)
	}
	lr.prefM[0] = 0
	for p := range kept {
		lr.prefM[p+1] = lr.prefM[p] + lr.mult[lr.pos[p]]
	}
	return true
}

// localEnd adds each local row's change to In and forgets the sequence.
func (w *worker) localEnd() {
	lr := w.cbow.local
	dim := w.sh.dim
	for k, t := range lr.words {
		g, g0 := lr.g[k*dim:k*dim+dim], lr.g0[k*dim:k*dim+dim]
		axpy(lr.mult[k], lr.a, g) // the real row
		axpy(-1, g0, g)           // its change
		w.addChange(t, g)         // to In (to the rows it is composed from)
	}
	w.localForget()
}

// localForget resets the word slots.
func (w *worker) localForget() {
	lr := w.cbow.local
	for _, t := range lr.words {
		lr.slot[t] = -1
	}
	lr.words, lr.mult = lr.words[:0], lr.mult[:0]
}

// localWhole sets h to the mean of the real rows of every position but
// i, count = n-1 of them.
func (w *worker) localWhole(h []float32, i, count int) {
	lr := w.cbow.local
	dim := w.sh.dim
	k := int(lr.pos[i])
	copy(h, lr.s)
	axpy(-1, lr.g[k*dim:k*dim+dim], h)
	axpy(-lr.mult[k], lr.a, h)
	scale(h, 1/float32(count))
}

// localWholeUpdate applies a whole-sequence centre's error e.
func (w *worker) localWholeUpdate(i int, e []float32) {
	lr := w.cbow.local
	dim := w.sh.dim
	k := int(lr.pos[i])
	axpy(lr.m2-lr.mult[k], e, lr.s)
	axpy(1, e, lr.a)
	axpy(-1, e, lr.g[k*dim:k*dim+dim])
}

// localWindow sets h to the mean of the real rows of positions [lo, hi)
// but i, count of them, and returns the context's slots (in cbow.ctx) and
// Σ m over it.
func (w *worker) localWindow(h []float32, i, lo, hi, count int) ([]int32, float32) {
	lr := w.cbow.local
	ctx := append(append(w.cbow.ctx[:0], lr.pos[lo:i]...), lr.pos[i+1:hi]...)
	w.cbow.ctx = ctx
	km := lr.prefM[hi] - lr.prefM[lo] - lr.mult[lr.pos[i]]
	sumRows(h, lr.g, ctx)
	axpy(km, lr.a, h)
	scale(h, 1/float32(count))
	return ctx, km
}

// localWindowUpdate applies a partial window's error e to the context
// slots ctx, whose Σ m is km.
func (w *worker) localWindowUpdate(ctx []int32, km float32, e []float32) {
	lr := w.cbow.local
	addRows(lr.g, ctx, e)
	axpy(km, e, lr.s)
}
