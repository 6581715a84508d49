package trainer

// The training step of ancestor composition (compose.go), and how it keeps
// the speed of the plain path.
//
// Word w has its own row r_w of In and k units with rows a_u (rows V+u of
// In, after the vocabulary's). Its input vector is
//
//	h_w = s·(r_w + Σ_u a_u),    s = 1/(1+k) (mean) or 1 (sum).
//
// A Skip-Gram pair whose context word is o computes the input side's change
// e of sgns.go with h_o in place of o's row; a CBOW centre computes it with
// the mean of its context's composed vectors. Where a plain run adds e to
// o's row, a composed run adds γ·e to each of o's 1+k rows, γ = 1 for the
// mean and 1/(1+k) for the sum, so that s·(1+k)·γ = 1 and h_o moves by
// exactly e. For the mean this is fastText's update for its unsupervised
// models (each unit row gains the hidden layer's whole gradient, as
// word2vec's CBOW gives each context row the whole e); for the sum it is
// the sum's gradient divided by 1+k. Either way a code with four ancestors
// takes the step a code without any would, so the learning rate keeps its
// meaning. composedPairRef is one pair, in plain Go.
//
// Gathering 1+k rows and scattering to them for every pair would multiply
// a pair's cost at window 100, where a token has dozens of pairs. Instead,
// when a sequence starts, each of its distinct words gets a local row
// holding its composed vector h_w and a copy h0_w of it. The sequence's
// pairs train the local rows with the unchanged kernels, as a plain run
// trains rows of In; when the sequence ends, each word's change
// Δ_w = h_w − h0_w is added, times γ, to its own row and to each of its
// units' rows. CBOW does the same with its local rows (cbow_whole.go):
// they are loaded composed and their changes scattered to the rows at the
// end; in a composed run every sequence with a unit takes that path,
// however short.
//
// In exact arithmetic this is the per-pair update for every word that
// shares no unit with another word of its sequence. Where two words of a
// sequence share a unit (two codes of one category), each sees the other's
// change of the unit only when the sequence ends: the staleness of one
// sequence. Other workers likewise see a sequence's changes to its words'
// own rows and to unit rows when it ends (Out rows change pair by pair, as
// in a plain run) — the delay of CBOW's local rows, far shorter than
// staging's write-back interval. Unit rows are never staged: every worker
// adds its sequences' changes to the shared rows, without locks (Hogwild,
// doc.go).
//
// A word without units has a local row that is a copy of its own row, and
// the end writes it back as staging does (writeBack: a weight nobody else
// changed takes the local value exactly). A one-worker run in which no
// word has a unit therefore has the bits of a plain run.
//
// A sequence with more distinct words than the local rows hold
// (composeMaxDistinct) trains pair by pair on composedPairRef (Skip-Gram)
// or centre by centre on cbowComposedCentre (CBOW), which gather and
// scatter the rows each time.

// composeMaxDistinct bounds the distinct words of a sequence trained on
// local composed rows (2·composeMaxDistinct rows per Skip-Gram worker), as
// localMaxDistinct does for CBOW.
const composeMaxDistinct = localMaxDistinct

// composer is a composed run's table, shared by its workers.
type composer struct {
	op       ComposeOp
	base     int     // vocabulary size: unit u is row base+u of In
	start    []int32 // word w's units are units[start[w]:start[w+1]]
	units    []int32
	maxUnits int
}

// unitsOf returns word t's units.
func (c *composer) unitsOf(t int32) []int32 { return c.units[c.start[t]:c.start[t+1]] }

// setComposition makes sh a composed run of comp: In grows by a row per
// unit, drawn after the vocabulary's rows from the same generator (so the
// vocabulary's rows start as in a plain run).
func (sh *shared) setComposition(comp *Composition) {
	v := len(comp.Start) - 1
	sh.comp = &composer{op: comp.Op, base: v, start: comp.Start, units: comp.Rows, maxUnits: comp.MaxUnits()}
	sh.in = initInput(v+len(comp.Units), sh.dim, sh.stride, sh.cfg.Seed)
}

// composeState is a composed run's worker scratch, allocated once per run.
type composeState struct {
	// Skip-Gram's local rows: the slot of each word (vocabulary-sized, -1
	// when absent), the sequence's distinct words in order of first
	// position, each position's slot, and the composed rows and their
	// copies, stride apart.
	slot  []int32
	words []int32
	pos   []int32
	x, x0 []float32
	// The reference paths' scratch: a composed vector (stride), and the
	// rows of one word.
	h     []float32
	comps [][]float32
}

func newComposeState(sh *shared) *composeState {
	cs := &composeState{
		h:     isolated[float32](sh.stride),
		comps: make([][]float32, 0, sh.comp.maxUnits+1),
	}
	if sh.cfg.Model == SkipGram {
		d := min(sh.maxSeq, composeMaxDistinct)
		cs.slot = make([]int32, sh.comp.base)
		for i := range cs.slot {
			cs.slot[i] = -1
		}
		cs.words = make([]int32, 0, d)
		cs.pos = make([]int32, sh.maxSeq)
		cs.x = isolated[float32](d * sh.stride)
		cs.x0 = isolated[float32](d * sh.stride)
	}
	return cs
}

// unitRow returns unit u's row of the shared In.
func (w *worker) unitRow(u int32) []float32 {
	r := (w.sh.comp.base + int(u)) * w.sh.stride
	return w.sh.in[r : r+w.sh.dim]
}

// compose sets dst (dim values) to word t's input vector: its row of In
// as the worker trains it, composed with its units' rows in a composed run.
func (w *worker) compose(dst []float32, t int32) {
	copy(dst, w.inRow(t))
	if w.sh.comp == nil {
		return
	}
	units := w.sh.comp.unitsOf(t)
	if len(units) == 0 {
		return
	}
	for _, u := range units {
		axpy(1, w.unitRow(u), dst)
	}
	if s, _ := composeFactors(w.sh.comp.op, len(units)); s != 1 {
		scale(dst, s)
	}
}

// addChange adds a change d of word t's input vector to the rows it is
// composed from: γ·d to each (its own row alone, whole, in a plain run).
func (w *worker) addChange(t int32, d []float32) {
	var units []int32
	if w.sh.comp != nil {
		units = w.sh.comp.unitsOf(t)
	}
	if len(units) == 0 {
		axpy(1, d, w.inRow(t))
		return
	}
	_, gamma := composeFactors(w.sh.comp.op, len(units))
	axpy(gamma, d, w.inRow(t))
	for _, u := range units {
		axpy(gamma, d, w.unitRow(u))
	}
}

// trainComposedSeq trains one sequence of kept tokens of a composed run.
func (w *worker) trainComposedSeq(kept []int32) {
	if w.cbow != nil {
		w.cbowSeqComposed(kept)
	} else {
		w.sgSeqComposed(kept)
	}
}

// sgSeqComposed is sgSeq on the sequence's local composed rows.
func (w *worker) sgSeqComposed(kept []int32) {
	switch {
	case len(kept) < 2: // no pair; the widths are still drawn
		w.sgSeq(kept)
		return
	case !w.composeBegin(kept):
		w.sgSeqComposedRef(kept)
		return
	}
	cs := w.comp
	stride := w.sh.stride
	e := w.e[:stride]
	for win := w.windows(kept); win.next(); {
		centre := kept[win.i]
		for j := win.lo; j < win.hi; j++ {
			if j != win.i {
				k := int(cs.pos[j]) * stride
				sgPair(cs.x[k:k+stride], e, w.targets(centre), w.alpha, w.sampledLoss())
			}
		}
		w.pairs += int64(win.hi - win.lo - 1)
	}
	w.composeEnd()
}

// composeBegin gives each distinct word of kept a local row holding its
// composed vector, and a copy. It returns false, leaving nothing behind,
// when kept has more distinct words than the local rows hold.
func (w *worker) composeBegin(kept []int32) bool {
	cs := w.comp
	dim, stride := w.sh.dim, w.sh.stride
	cs.words = cs.words[:0]
	for p, t := range kept {
		k := cs.slot[t]
		if k < 0 {
			if len(cs.words) == cap(cs.words) {
				w.composeForget()
				return false
			}
			k = int32(len(cs.words))
			cs.slot[t] = k
			cs.words = append(cs.words, t)
		}
		cs.pos[p] = k
	}
	for k, t := range cs.words {
		x := cs.x[k*stride : k*stride+dim]
		w.compose(x, t)
		copy(cs.x0[k*stride:k*stride+dim], x)
	}
	return true
}

// composeEnd adds each local row's change to the rows it is composed from
// and forgets the sequence. A word without units writes its row back as
// staging does, so that a row nobody else changed takes the local value
// exactly.
func (w *worker) composeEnd() {
	cs := w.comp
	dim, stride := w.sh.dim, w.sh.stride
	for k, t := range cs.words {
		x, x0 := cs.x[k*stride:k*stride+dim], cs.x0[k*stride:k*stride+dim]
		if len(w.sh.comp.unitsOf(t)) == 0 {
			writeBack(w.inRow(t), x, x0)
			continue
		}
		axpy(-1, x0, x) // the change
		w.addChange(t, x)
	}
	w.composeForget()
}

// composeForget resets the word slots.
func (w *worker) composeForget() {
	cs := w.comp
	for _, t := range cs.words {
		cs.slot[t] = -1
	}
	cs.words = cs.words[:0]
}

// composedPairRef is one Skip-Gram pair whose context word's input vector
// is composed from comps, its own row and its units' rows (sgPairRef with
// a composed x); h and e are scratch of the rows' length:
//
//	h = s·Σ_i comps[i]                    s = 1/(1+k) (mean) or 1 (sum)
//	e = the K+1 predictions of h          (predict, sgns.go: Out updated)
//	comps[i] += γ·e for every i           γ = 1 (mean) or 1/(1+k) (sum)
//
// so h moves by exactly e, as x does in sgPairRef.
func composedPairRef(comps [][]float32, op ComposeOp, h, e []float32, rows []*float32, alpha float32, loss *float64) {
	s, gamma := composeFactors(op, len(comps)-1)
	e = e[:len(h)]
	clear(h)
	for _, c := range comps {
		axpyRef(1, c, h)
	}
	scale(h, s)
	clear(e)
	predict(h, e, rows, alpha, loss)
	for _, c := range comps {
		axpyRef(gamma, e, c)
	}
}

// rowsOf sets the worker's comps to word t's rows: its own, then its
// units'.
func (w *worker) rowsOf(t int32) [][]float32 {
	comps := append(w.comp.comps[:0], w.inRow(t))
	for _, u := range w.sh.comp.unitsOf(t) {
		comps = append(comps, w.unitRow(u))
	}
	w.comp.comps = comps
	return comps
}

// sgSeqComposedRef trains Skip-Gram on a sequence pair by pair with
// composedPairRef.
func (w *worker) sgSeqComposedRef(kept []int32) {
	dim := w.sh.dim
	h, e := w.comp.h[:dim], w.e[:dim]
	for win := w.windows(kept); win.next(); {
		centre := kept[win.i]
		for j := win.lo; j < win.hi; j++ {
			if j != win.i {
				composedPairRef(w.rowsOf(kept[j]), w.sh.comp.op, h, e, w.targets(centre), w.alpha, w.sampledLoss())
			}
		}
		w.pairs += int64(win.hi - win.lo - 1)
	}
}

// cbowSeqComposed trains CBOW on a sequence of a composed run: as a plain
// run when none of its words has a unit, on local rows loaded composed
// otherwise (whatever its length), and centre by centre on
// cbowComposedCentre when it has too many distinct words for them.
func (w *worker) cbowSeqComposed(kept []int32) {
	units := false
	for _, t := range kept {
		if w.sh.comp.start[t] != w.sh.comp.start[t+1] {
			units = true
			break
		}
	}
	switch {
	case !units || len(kept) < 2:
		w.cbowSeq(kept)
	case w.sh.tune.localRows && w.localBegin(kept):
		w.cbowWindows(kept, true)
	default:
		for win := w.windows(kept); win.next(); {
			w.cbowComposedCentre(kept, win.i, win.lo, win.hi)
		}
	}
}

// cbowComposedCentre is one CBOW centre kept[i] with context kept[lo:hi]
// but i, every context word composed and updated through its rows: h is
// the mean of the context's composed vectors, and each context word's
// rows take γ·e (addChange), so its composed vector moves by e as a plain
// context row does.
func (w *worker) cbowComposedCentre(kept []int32, i, lo, hi int) {
	dim := w.sh.dim
	h, e, x := w.cbow.h[:dim], w.e[:dim], w.comp.h[:dim]
	clear(h)
	for j := lo; j < hi; j++ {
		if j != i {
			w.compose(x, kept[j])
			axpy(1, x, h)
		}
	}
	count := hi - lo - 1
	scale(h, 1/float32(count))
	clear(e)
	predict(h, e, w.targets(kept[i]), w.alpha, &w.loss)
	for j := lo; j < hi; j++ {
		if j != i {
			w.addChange(kept[j], e)
		}
	}
	w.pairs += int64(count)
	w.preds++
}
