package corpus

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"

	"golang.org/x/sync/errgroup"
)

// minPartBytes is the smallest byte range one goroutine reads in
// readSequencesParallel: below it, starting a goroutine costs more than it
// saves.
const minPartBytes = 1 << 20

// readSequencesParallel reads the sequence file held in ra[start:size) the
// way ReadSequences does, with the same result to the last token id, but in
// two passes over byte ranges cut at line ends, one goroutine per range:
// the first pass counts tokens and lines, so that Tokens and the offsets
// are allocated once at their final size (2 bytes per token, 8 per
// sequence: Visits shares Seqs' array, one visit per sequence, and
// SeqVisits is nil), and the second parses each range into its place with
// a vocabulary and counts of its own, merged afterwards. A file of more
// than 65,536 distinct tokens is parsed a second time, into 4 bytes per
// token (NarrowLimit). A file that changes between the passes is an error.
// There are at most parts ranges of at least minPart bytes.
//
// A file with a line the code rule rejects, or that fails the code-list
// check, gives errStreamInstead: the streaming reader then reads it, and
// its result (the rejected lines counted, or the error) is the answer.
// opt.Dedupe and opt.MinCount are not applied.
func readSequencesParallel(ctx context.Context, ra io.ReaderAt, start, size int64, name string, opt ReadOptions, parts int, minPart int64) (*Corpus, *ReadReport, error) {
	sys := opt.codeSystem()
	cuts, err := lineCuts(ra, start, size, parts, minPart)
	if err != nil {
		return nil, nil, fmt.Errorf("corpus: %s: %w", name, err)
	}
	ps := make([]seqPart, len(cuts)-1)
	for k := range ps {
		ps[k].lo, ps[k].hi = cuts[k], cuts[k+1]
	}

	g, gctx := errgroup.WithContext(ctx)
	for k := range ps {
		g.Go(func() error { return ps[k].count(gctx, ra) })
	}
	if err := g.Wait(); err != nil {
		return nil, nil, fmt.Errorf("corpus: %s: %w", name, err)
	}
	var nTok, nSeq int64
	for k := range ps {
		ps[k].tokOff, ps[k].seqOff = nTok, nSeq
		nTok += ps[k].tokens
		nSeq += ps[k].lines
	}
	// Tokens start narrow (2 bytes each); a file with more distinct tokens
	// than a narrow array can number is parsed again into a wide one.
	c := &Corpus{Tokens: MakeTokens(int(nTok), 0), Seqs: make([]int64, nSeq+1)}
	c.Visits = c.Seqs
	v, err := parseParts(ctx, ra, c, ps, sys)
	if errors.Is(err, errNarrowOverflow) {
		c.Tokens = MakeTokens(int(nTok), NarrowLimit+1)
		for k := range ps {
			ps[k].words, ps[k].counts = nil, nil
		}
		v, err = parseParts(ctx, ra, c, ps, sys)
	}
	if errors.Is(err, errStreamInstead) {
		return nil, nil, err
	}
	if err != nil {
		return nil, nil, fmt.Errorf("corpus: %s: %w", name, err)
	}
	rep := &ReadReport{SkippedByReason: map[string]int64{}, CodeSystem: sys.String()}
	if opt.CodeList != nil {
		var gate codeGate
		if !codeListPasses(c, v, opt.CodeList, &gate) {
			return nil, nil, errStreamInstead
		}
		rep.NotInCodeList = gate.absent
		for id, w := range v.Words {
			if v.Kinds[id] == KindCode && !opt.CodeList.Has(NormalizeCode(w)) {
				rep.NotInCodeListCodes++
			}
		}
	}
	// Sort the merged vocabulary as finish does, and map each range's ids
	// straight to the sorted ones: the tokens are rewritten once, in
	// parallel.
	for k := range ps {
		rep.Rows += ps[k].lines
		rep.BlankLines += ps[k].blank
	}
	newID, sorted := v.sorted()
	for k := range ps {
		for local, id := range ps[k].remap {
			ps[k].remap[local] = newID[id]
		}
	}
	for k := range ps {
		g.Go(func() error {
			p := &ps[k]
			toks := c.Tokens.Slice(int(p.tokOff), int(p.tokOff+p.tokens))
			if nar := toks.Narrow(); nar != nil {
				for i, t := range nar {
					nar[i] = uint16(p.remap[t])
				}
			} else {
				wide := toks.Wide()
				for i, t := range wide {
					wide[i] = p.remap[t]
				}
			}
			return nil
		})
	}
	g.Wait()
	c.Vocab = sorted
	rep.Accepted = rep.Rows
	fillTotals(c, rep)
	return c, rep, nil
}

// codeListPasses tells whether the streaming reader would accept c, read
// with no line rejected, under the code-list check: not all of its first
// codeCheckFirst code tokens absent from list, and not too many absent in
// all (codeGate). gate ends holding the counts.
func codeListPasses(c *Corpus, v *Vocab, list CodeSet, gate *codeGate) bool {
	absent := make([]bool, v.Len())
	for id, w := range v.Words {
		absent[id] = v.Kinds[id] == KindCode && !list.Has(NormalizeCode(w))
	}
	for _, id := range c.Tokens.All() {
		if v.Kinds[id] != KindCode {
			continue
		}
		if gate.listChecked == codeCheckFirst {
			break
		}
		if gate.list(absent[id]) {
			return false
		}
	}
	gate.listChecked, gate.absent = 0, 0
	for id, n := range v.Counts {
		if v.Kinds[id] == KindCode {
			gate.listChecked += n
			if absent[id] {
				gate.absent += n
			}
		}
	}
	return !gate.listFails()
}

// errStreamInstead: the parallel reader leaves the file to the streaming
// one (a line is rejected, or the code-list check fails).
var errStreamInstead = errors.New("read by the streaming reader instead")

// errNarrowOverflow: the file has more distinct tokens than narrow Tokens
// can number.
var errNarrowOverflow = errors.New("more distinct tokens than narrow ids can number")

// parseParts runs the second pass over every range of ps in parallel, then
// merges the ranges' vocabularies and counts into one vocabulary (in order
// of first appearance) and sets each range's remap to it. With narrow
// c.Tokens it returns errNarrowOverflow when the merged vocabulary does not
// fit (a range's local ids never exceed the merged vocabulary's).
func parseParts(ctx context.Context, ra io.ReaderAt, c *Corpus, ps []seqPart, sys *CodeSystem) (*Vocab, error) {
	g, gctx := errgroup.WithContext(ctx)
	for k := range ps {
		g.Go(func() error { return ps[k].parse(gctx, ra, c, sys) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	v := &Vocab{}
	index := make(map[string]int32)
	for k := range ps {
		p := &ps[k]
		p.remap = make([]int32, len(p.words))
		for local, w := range p.words {
			id, ok := index[w]
			if !ok {
				id = addWord(v, index, w)
			}
			v.Counts[id] += p.counts[local]
			p.remap[local] = id
		}
	}
	if !c.Tokens.IsWide() && v.Len() > NarrowLimit {
		return nil, errNarrowOverflow
	}
	return v, nil
}

// seqPart is one byte range [lo, hi) of a sequence file, starting at a line
// start and ending after a line end (or at the end of the file).
type seqPart struct {
	lo, hi int64

	tokens, lines, blank int64 // counted by the first pass
	tokOff, seqOff       int64 // where the range's tokens and sequences go

	words  []string // the range's own vocabulary, in order of first appearance
	counts []int64  // the range's count of each of its words
	remap  []int32  // local id -> corpus id
}

// eachLine calls fn for every line of p (see eachLine).
func (p *seqPart) eachLine(ctx context.Context, ra io.ReaderAt, fn func(line []byte) error) error {
	return eachLine(ctx, bufio.NewReaderSize(io.NewSectionReader(ra, p.lo, p.hi-p.lo), 1<<20), fn)
}

// count is the first pass: tokens, non-blank lines and blank lines.
func (p *seqPart) count(ctx context.Context, ra io.ReaderAt) error {
	return p.eachLine(ctx, ra, func(line []byte) error {
		n := int64(countFields(line))
		if n == 0 {
			p.blank++
			return nil
		}
		p.tokens += n
		p.lines++
		return nil
	})
}

// parse is the second pass: each token's range-local id goes to its final
// place in c.Tokens, each sequence's end to c.Seqs. A token new to the
// range is checked against the code rule (validToken); the first that
// fails gives errStreamInstead.
func (p *seqPart) parse(ctx context.Context, ra io.ReaderAt, c *Corpus, sys *CodeSystem) error {
	index := make(map[string]int32)
	short := newPackedTable() // tokens of up to 7 bytes, packed
	toks := c.Tokens.Slice(int(p.tokOff), int(p.tokOff+p.tokens))
	nar, wide := toks.Narrow(), toks.Wide()
	ends := c.Seqs[p.seqOff+1 : p.seqOff+p.lines+1]
	var nt, ns int
	changed := false
	var code []byte
	err := p.eachLine(ctx, ra, func(line []byte) error {
		start := nt
		for f := range bytes.FieldsSeq(line) {
			if nt == toks.Len() {
				changed = true
				return errChanged
			}
			var id int32
			var ok bool
			key, packed := packToken(f)
			if packed {
				id, ok = short.get(key)
			} else {
				id, ok = index[string(f)]
			}
			if !ok {
				if code, ok = validToken(code[:0], sys, f); !ok {
					return errStreamInstead
				}
				id = int32(len(p.words))
				w := string(f)
				p.words = append(p.words, w)
				p.counts = append(p.counts, 0)
				if packed {
					short.put(key, id)
				} else {
					index[w] = id
				}
			}
			if wide != nil {
				wide[nt] = id
			} else {
				nar[nt] = uint16(id) // wrong past NarrowLimit ids, but then parseParts reports the overflow
			}
			p.counts[id]++
			nt++
		}
		if nt > start {
			if ns == len(ends) {
				changed = true
				return errChanged
			}
			ends[ns] = p.tokOff + int64(nt)
			ns++
		}
		return nil
	})
	if err != nil {
		return err
	}
	if changed || nt != toks.Len() || ns != len(ends) {
		return errChanged
	}
	return nil
}

// errChanged: a sequence file's two passes disagree.
var errChanged = errors.New("the file changed while it was being read")

// packToken packs a token of at most 7 bytes and its length into one
// integer, which hashes and compares faster than a string; ICD-10-CM codes
// without their dot and CCSR categories all fit.
func packToken(f []byte) (uint64, bool) {
	if len(f) > 7 {
		return 0, false
	}
	k := uint64(len(f)) << 56
	for i, b := range f {
		k |= uint64(b) << (8 * i)
	}
	return k, true
}

// packedTable maps packed tokens (packToken, never 0) to ids: open
// addressing with linear probing, kept at most half full. For a few
// thousand distinct codes it fits in the L2 cache and answers several
// times faster than a Go map.
type packedTable struct {
	keys []uint64 // 0 = empty slot
	ids  []int32
	n    int
}

func newPackedTable() *packedTable {
	return &packedTable{keys: make([]uint64, 1024), ids: make([]int32, 1024)}
}

func (t *packedTable) slot(key uint64) int {
	mask := uint64(len(t.keys) - 1)
	i := (key * 0x9E3779B97F4A7C15 >> 29) & mask
	for t.keys[i] != key && t.keys[i] != 0 {
		i = (i + 1) & mask
	}
	return int(i)
}

func (t *packedTable) get(key uint64) (int32, bool) {
	i := t.slot(key)
	return t.ids[i], t.keys[i] != 0
}

func (t *packedTable) put(key uint64, id int32) {
	if 2*(t.n+1) > len(t.keys) {
		old, oldIDs := t.keys, t.ids
		t.keys, t.ids = make([]uint64, 2*len(old)), make([]int32, 2*len(old))
		for j, k := range old {
			if k != 0 {
				i := t.slot(k)
				t.keys[i], t.ids[i] = k, oldIDs[j]
			}
		}
	}
	i := t.slot(key)
	if t.keys[i] == 0 {
		t.n++
	}
	t.keys[i], t.ids[i] = key, id
}

// countFields returns the number of white-space separated fields of line,
// as bytes.FieldsSeq splits them (Unicode white space included).
func countFields(line []byte) int {
	n := 0
	var seen byte
	prev := byte(1) // 1 when the previous byte was white space
	for _, b := range line {
		seen |= b
		sp := asciiSpace[b]
		n += int(prev &^ sp) // a field starts here
		prev = sp
	}
	if seen >= 0x80 {
		// Non-ASCII: let the library decide what is white space.
		return countFieldsSlow(line)
	}
	return n
}

// countFieldsSlow counts fields with bytes.FieldsSeq, for lines holding
// non-ASCII bytes.
func countFieldsSlow(line []byte) int {
	n := 0
	for range bytes.FieldsSeq(line) {
		n++
	}
	return n
}

// asciiSpace is 1 for the ASCII bytes unicode.IsSpace counts as white
// space, 0 for every other byte.
var asciiSpace = [256]byte{'\t': 1, '\n': 1, '\v': 1, '\f': 1, '\r': 1, ' ': 1}

// lineCuts splits [start, size) into at most parts ranges of about
// minPart bytes or more, every cut placed just after a newline.
func lineCuts(ra io.ReaderAt, start, size int64, parts int, minPart int64) ([]int64, error) {
	parts = int(min(int64(parts), max(1, (size-start)/max(1, minPart))))
	cuts := []int64{start}
	buf := make([]byte, 64<<10)
	for k := 1; k < parts; k++ {
		pos := max(start+(size-start)*int64(k)/int64(parts), cuts[len(cuts)-1])
		for pos < size {
			n, err := ra.ReadAt(buf[:min(int64(len(buf)), size-pos)], pos)
			if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
				pos += int64(i) + 1
				break
			}
			pos += int64(n)
			if err != nil && err != io.EOF {
				return nil, err
			}
			if n == 0 {
				return nil, io.ErrUnexpectedEOF
			}
		}
		if pos < size && pos > cuts[len(cuts)-1] {
			cuts = append(cuts, pos)
		}
	}
	return append(cuts, size), nil
}

// defaultParts is how many ranges a sequence file is read in.
func defaultParts() int { return runtime.GOMAXPROCS(0) }
