package corpus

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc64"
	"io"
	"math"
	"os"

	"github.com/hiervec/hiervec/internal/atomicfile"
)

// Cache layout (all integers little-endian):
//
//	header  magic "HVCORPUS" (8 bytes), version uint32, flags uint32,
//	        vocab, tokens, seqs, visits (uint64 each), wordBytes uint64
//	body    word lengths   vocab x uint32
//	        word bytes     wordBytes bytes (words concatenated)
//	        kinds          vocab x uint8
//	        counts         vocab x int64
//	        tokens         tokens x uint16 (flags&cacheNarrowTokens) or x int32
//	        seqs           (seqs+1) x int64
//	        visits         (visits+1) x int64
//	        seqVisits      (seqs+1) x int64
//	        years          seqs x int32   (flags&cacheHasYears)
//	        patients       seqs x int32   (flags&cacheHasPatients)
//	trailer CRC-64/ECMA of header and body, uint64
//
// Version 2 stores the tokens in 2 bytes each when every id fits
// (cacheNarrowTokens), as a narrow Tokens holds them in memory; version 1,
// which had no such flag and stored every token in 4 bytes, is still read.
// Patient identifiers are never written: only the per-sequence patient
// indices.
const (
	cacheMagic        = "HVCORPUS"
	cacheVersion      = 2
	cacheHeaderSize   = 8 + 4 + 4 + 5*8
	cacheHasYears     = 1 << 0
	cacheHasPatients  = 1 << 1
	cacheNarrowTokens = 1 << 2 // version 2 on: tokens take 2 bytes each
)

var crcTable = crc64.MakeTable(crc64.ECMA)

// WriteCache writes c to path in the binary corpus cache format (version
// 2: tokens in 2 bytes each when c's tokens are narrow), atomically (a
// temporary file renamed into place on success).
func WriteCache(path string, c *Corpus) error {
	return writeCache(path, c, cacheVersion)
}

// writeCache writes c in the given format version: 1 (every token in 4
// bytes; kept so that tests can write the files older builds wrote) or 2.
func writeCache(path string, c *Corpus, version uint32) error {
	if err := c.check(); err != nil {
		return fmt.Errorf("corpus: write cache %s: %w", path, err)
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("corpus: write cache: %w", err)
	}
	defer f.Abort()
	h := crc64.New(crcTable)
	w := &cacheWriter{w: io.MultiWriter(f, h)}
	var flags uint32
	if c.Years != nil {
		flags |= cacheHasYears
	}
	if c.Patients != nil {
		flags |= cacheHasPatients
	}
	narrow := version >= 2 && !c.Tokens.IsWide()
	if narrow {
		flags |= cacheNarrowTokens
	}
	var wordBytes uint64
	for _, s := range c.Vocab.Words {
		wordBytes += uint64(len(s))
	}
	hdr := make([]byte, 0, cacheHeaderSize)
	hdr = append(hdr, cacheMagic...)
	hdr = binary.LittleEndian.AppendUint32(hdr, version)
	hdr = binary.LittleEndian.AppendUint32(hdr, flags)
	for _, n := range []uint64{uint64(c.Vocab.Len()), uint64(c.Tokens.Len()), uint64(c.NumSeqs()), uint64(c.NumVisits()), wordBytes} {
		hdr = binary.LittleEndian.AppendUint64(hdr, n)
	}
	w.write(hdr)
	lens := make([]int32, c.Vocab.Len())
	for i, s := range c.Vocab.Words {
		lens[i] = int32(len(s))
	}
	writeInts(w, lens)
	for _, s := range c.Vocab.Words {
		w.write([]byte(s))
	}
	kinds := make([]byte, c.Vocab.Len())
	for i, k := range c.Vocab.Kinds {
		kinds[i] = byte(k)
	}
	w.write(kinds)
	writeInts(w, c.Vocab.Counts)
	switch {
	case narrow:
		writeInts(w, c.Tokens.Narrow())
	case c.Tokens.IsWide():
		writeInts(w, c.Tokens.Wide())
	default: // version 1: narrow tokens widened on disk
		writeInts(w, c.Tokens.Int32s())
	}
	writeInts(w, c.Seqs)
	writeInts(w, c.Visits)
	sv := c.SeqVisits
	if sv == nil { // one visit per sequence: the file always holds the offsets
		sv = make([]int64, c.NumSeqs()+1)
		for i := range sv {
			sv[i] = int64(i)
		}
	}
	writeInts(w, sv)
	if c.Years != nil {
		writeInts(w, c.Years)
	}
	if c.Patients != nil {
		writeInts(w, c.Patients)
	}
	if w.err != nil {
		return fmt.Errorf("corpus: write cache: %w", w.err)
	}
	if _, err := f.Write(binary.LittleEndian.AppendUint64(nil, h.Sum64())); err != nil {
		return fmt.Errorf("corpus: write cache: %w", err)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("corpus: write cache: %w", err)
	}
	return nil
}

// cacheWriter keeps the first write error (sticky, like compress/gzip) and
// a reusable encoding buffer.
type cacheWriter struct {
	w   io.Writer
	buf []byte
	err error
}

func (w *cacheWriter) write(p []byte) {
	if w.err == nil {
		_, w.err = w.w.Write(p)
	}
}

// writeInts encodes a slice little-endian in 64 KiB chunks, each value in
// its own size.
func writeInts[T uint16 | int32 | int64](w *cacheWriter, s []T) {
	if w.buf == nil {
		w.buf = make([]byte, 0, 64<<10)
	}
	var zero T
	size := int(binary.Size(zero))
	per := cap(w.buf) / size
	for len(s) > 0 && w.err == nil {
		n := min(per, len(s))
		b := w.buf[:0]
		for _, v := range s[:n] {
			switch size {
			case 2:
				b = binary.LittleEndian.AppendUint16(b, uint16(v))
			case 4:
				b = binary.LittleEndian.AppendUint32(b, uint32(v))
			default:
				b = binary.LittleEndian.AppendUint64(b, uint64(v))
			}
		}
		w.write(b)
		s = s[n:]
	}
}

// ReadCache reads a corpus written by WriteCache. A file that is not a
// complete, intact cache gives an error wrapping ErrCorruptCache; its
// messages name sections and indices, never a word of the vocabulary. The
// context is checked every 64 KiB; when it is done the read stops with an
// error wrapping ctx.Err().
func ReadCache(ctx context.Context, path string) (*Corpus, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	c, err := decodeCache(ctx, bufio.NewReaderSize(f, 1<<20), st.Size())
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return nil, fmt.Errorf("corpus: %s: reading stopped: %w", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrCorruptCache, path, err)
	}
	return c, nil
}

// cacheReader reads sections while hashing them.
type cacheReader struct {
	ctx context.Context
	r   io.Reader
	h   hash.Hash64
	buf []byte
}

func (r *cacheReader) read(p []byte) error {
	if _, err := io.ReadFull(r.r, p); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return errors.New("file is truncated")
		}
		return err
	}
	r.h.Write(p)
	return nil
}

// readChunks reads n little-endian values of size bytes each in 64 KiB
// chunks, handing fill each chunk with the index of its first value.
func readChunks(r *cacheReader, n, size int, fill func(b []byte, at int) error) error {
	if r.buf == nil {
		r.buf = make([]byte, 64<<10)
	}
	per := len(r.buf) / size
	for at := 0; at < n; {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		k := min(per, n-at)
		b := r.buf[:k*size]
		if err := r.read(b); err != nil {
			return err
		}
		if err := fill(b, at); err != nil {
			return err
		}
		at += k
	}
	return nil
}

// readInts fills s with values written by writeInts.
func readInts[T int32 | int64](r *cacheReader, s []T) error {
	var zero T
	size := int(binary.Size(zero))
	return readChunks(r, len(s), size, func(b []byte, at int) error {
		for i := range len(b) / size {
			if size == 4 {
				s[at+i] = T(int32(binary.LittleEndian.Uint32(b[4*i:])))
			} else {
				s[at+i] = T(int64(binary.LittleEndian.Uint64(b[8*i:])))
			}
		}
		return nil
	})
}

// readTokens fills t with ids stored in size (2 or 4) bytes each, checking
// each against the vocabulary size first (a narrow Tokens cannot hold a
// larger id).
func readTokens(r *cacheReader, t Tokens, size int, vocab int32) error {
	return readChunks(r, t.Len(), size, func(b []byte, at int) error {
		for i := range len(b) / size {
			var id int32
			if size == 2 {
				id = int32(binary.LittleEndian.Uint16(b[2*i:]))
			} else {
				id = int32(binary.LittleEndian.Uint32(b[4*i:]))
			}
			if id < 0 || id >= vocab {
				return fmt.Errorf("token %d has id %d outside the vocabulary of %d", at+i, id, vocab)
			}
			t.Set(at+i, id)
		}
		return nil
	})
}

// decodeCache reads a cache of size bytes from r. It checks the declared
// sizes against size before allocating, so a damaged header cannot cause a
// huge allocation.
func decodeCache(ctx context.Context, br io.Reader, size int64) (*Corpus, error) {
	r := &cacheReader{ctx: ctx, r: br, h: crc64.New(crcTable)}
	hdr := make([]byte, cacheHeaderSize)
	if err := r.read(hdr); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if string(hdr[:8]) != cacheMagic {
		return nil, errors.New("not a hiervec corpus cache (bad magic)")
	}
	version := binary.LittleEndian.Uint32(hdr[8:])
	if version < 1 || version > cacheVersion {
		return nil, fmt.Errorf("cache format version %d; this build reads versions 1 to %d (rebuild the cache)", version, cacheVersion)
	}
	flags := binary.LittleEndian.Uint32(hdr[12:])
	known := uint32(cacheHasYears | cacheHasPatients)
	if version >= 2 {
		known |= cacheNarrowTokens
	}
	if flags&^known != 0 {
		return nil, fmt.Errorf("unknown flags %#x for format version %d", flags, version)
	}
	tokenSize := 4
	if flags&cacheNarrowTokens != 0 {
		tokenSize = 2
	}
	var n [5]uint64
	for i := range n {
		n[i] = binary.LittleEndian.Uint64(hdr[16+8*i:])
	}
	nVocab, nTok, nSeq, nVis, wordBytes := n[0], n[1], n[2], n[3], n[4]
	// Expected size, computed in float64 so absurd headers cannot overflow.
	perSeq := 16.0
	if flags&cacheHasYears != 0 {
		perSeq += 4
	}
	if flags&cacheHasPatients != 0 {
		perSeq += 4
	}
	want := float64(cacheHeaderSize) + 13*float64(nVocab) + float64(wordBytes) + float64(tokenSize)*float64(nTok) +
		perSeq*float64(nSeq) + 8*float64(nVis) + 24 + 8
	if want != float64(size) || nVocab > math.MaxInt32 || nSeq > math.MaxInt32 {
		return nil, fmt.Errorf("header declares %d tokens, %d words, %d sequences, %d visits (%.0f bytes) but the file has %d bytes",
			nTok, nVocab, nSeq, nVis, want, size)
	}
	c := &Corpus{Vocab: &Vocab{}}
	lens := make([]int32, nVocab)
	if err := readInts(r, lens); err != nil {
		return nil, fmt.Errorf("word lengths: %w", err)
	}
	words := make([]byte, wordBytes)
	if err := r.read(words); err != nil {
		return nil, fmt.Errorf("words: %w", err)
	}
	all := string(words)
	c.Vocab.Words = make([]string, nVocab)
	off := uint64(0)
	for i, l := range lens {
		if l < 0 || off+uint64(l) > wordBytes {
			return nil, fmt.Errorf("word %d: length %d runs past the word section", i, l)
		}
		c.Vocab.Words[i] = all[off : off+uint64(l)]
		off += uint64(l)
	}
	if off != wordBytes {
		return nil, fmt.Errorf("word lengths sum to %d, the word section has %d bytes", off, wordBytes)
	}
	kinds := make([]byte, nVocab)
	if err := r.read(kinds); err != nil {
		return nil, fmt.Errorf("kinds: %w", err)
	}
	c.Vocab.Kinds = make([]Kind, nVocab)
	for i, k := range kinds {
		c.Vocab.Kinds[i] = Kind(k)
	}
	c.Vocab.Counts = make([]int64, nVocab)
	c.Tokens = MakeTokens(int(nTok), int(nVocab))
	c.Seqs = make([]int64, nSeq+1)
	c.Visits = make([]int64, nVis+1)
	c.SeqVisits = make([]int64, nSeq+1)
	for _, s := range []struct {
		name string
		err  func() error
	}{
		{"counts", func() error { return readInts(r, c.Vocab.Counts) }},
		{"tokens", func() error { return readTokens(r, c.Tokens, tokenSize, int32(nVocab)) }},
		{"sequence offsets", func() error { return readInts(r, c.Seqs) }},
		{"visit offsets", func() error { return readInts(r, c.Visits) }},
		{"sequence visit offsets", func() error { return readInts(r, c.SeqVisits) }},
	} {
		if err := s.err(); err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
	}
	if flags&cacheHasYears != 0 {
		c.Years = make([]int32, nSeq)
		if err := readInts(r, c.Years); err != nil {
			return nil, fmt.Errorf("years: %w", err)
		}
	}
	if flags&cacheHasPatients != 0 {
		c.Patients = make([]int32, nSeq)
		if err := readInts(r, c.Patients); err != nil {
			return nil, fmt.Errorf("patients: %w", err)
		}
	}
	sum := r.h.Sum64()
	var tr [8]byte
	if _, err := io.ReadFull(br, tr[:]); err != nil {
		return nil, errors.New("file is truncated: checksum missing")
	}
	if got := binary.LittleEndian.Uint64(tr[:]); got != sum {
		return nil, fmt.Errorf("checksum mismatch: stored %016x, computed %016x", got, sum)
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	oneVisitEach(c)
	c.Vocab.reindex()
	if len(c.Vocab.index) != c.Vocab.Len() {
		return nil, errors.New("the vocabulary holds a word twice")
	}
	return c, nil
}

// oneVisitEach drops c's sequence visit offsets and shares Seqs' array
// with Visits when every sequence is one visit (a sequence file's corpus),
// as the readers of sequence files leave them: 16 bytes per sequence less.
func oneVisitEach(c *Corpus) {
	if c.SeqVisits == nil || c.NumVisits() != c.NumSeqs() {
		return
	}
	for i, sv := range c.SeqVisits {
		if sv != int64(i) {
			return
		}
	}
	c.SeqVisits, c.Visits = nil, c.Seqs
}

// check verifies the corpus invariants: offsets start at 0, never decrease
// and end at the data; every sequence boundary is a visit boundary; token
// ids and kinds are in range; counts match the tokens; Years and Patients,
// when present, have one entry per sequence.
func (c *Corpus) check() error {
	if c.Vocab == nil {
		return errors.New("corpus has no vocabulary")
	}
	v := c.Vocab
	if len(v.Kinds) != v.Len() || len(v.Counts) != v.Len() {
		return fmt.Errorf("vocabulary has %d words, %d kinds, %d counts", v.Len(), len(v.Kinds), len(v.Counts))
	}
	for i, k := range v.Kinds {
		if k >= numKinds {
			return fmt.Errorf("word %d has unknown kind %d", i, k)
		}
	}
	nTok := int64(c.Tokens.Len())
	mono := func(name string, off []int64, end int64) error {
		if len(off) == 0 || off[0] != 0 || off[len(off)-1] != end {
			return fmt.Errorf("%s must run from 0 to %d", name, end)
		}
		for i := 1; i < len(off); i++ {
			if off[i] < off[i-1] {
				return fmt.Errorf("%s decrease at %d", name, i)
			}
		}
		return nil
	}
	if err := mono("sequence offsets", c.Seqs, nTok); err != nil {
		return err
	}
	if err := mono("visit offsets", c.Visits, nTok); err != nil {
		return err
	}
	if c.SeqVisits == nil { // one visit per sequence
		if len(c.Visits) != len(c.Seqs) {
			return fmt.Errorf("%d sequence offsets but %d visit offsets, and no sequence visit offsets", len(c.Seqs), len(c.Visits))
		}
	} else {
		if err := mono("sequence visit offsets", c.SeqVisits, int64(c.NumVisits())); err != nil {
			return err
		}
		if len(c.SeqVisits) != len(c.Seqs) {
			return fmt.Errorf("%d sequence offsets but %d sequence visit offsets", len(c.Seqs), len(c.SeqVisits))
		}
	}
	for i := range c.Seqs {
		if c.Visits[c.FirstVisit(i)] != c.Seqs[i] {
			return fmt.Errorf("sequence %d does not start on a visit boundary", i)
		}
	}
	counts := make([]int64, v.Len())
	for i, t := range c.Tokens.All() {
		if t < 0 || int(t) >= v.Len() {
			return fmt.Errorf("token %d has id %d outside the vocabulary of %d", i, t, v.Len())
		}
		counts[t]++
	}
	for i := range counts {
		if counts[i] != v.Counts[i] {
			return fmt.Errorf("the count of word %d is %d but the tokens hold it %d times", i, v.Counts[i], counts[i])
		}
	}
	if c.Years != nil && len(c.Years) != c.NumSeqs() {
		return fmt.Errorf("%d years for %d sequences", len(c.Years), c.NumSeqs())
	}
	if c.Patients != nil && len(c.Patients) != c.NumSeqs() {
		return fmt.Errorf("%d patients for %d sequences", len(c.Patients), c.NumSeqs())
	}
	for i, p := range c.Patients {
		if p < 0 {
			return fmt.Errorf("sequence %d has a negative patient index", i)
		}
	}
	return nil
}
