package corpus

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// ReadSequencesFile reads a sequence file from path; see ReadSequences. A
// gzip file is decompressed transparently. An uncompressed regular file is
// read in parallel, one byte range per processor, into arrays allocated at
// their final size (2 bytes per token, or 4 past 65,536 distinct tokens,
// and 8 per sequence); the result is
// the same as ReadSequences'.
func ReadSequencesFile(path string) (*Corpus, *ReadReport, error) {
	if f, err := os.Open(path); err == nil {
		st, err := f.Stat()
		magic := make([]byte, 2)
		n, _ := f.ReadAt(magic, 0)
		if err == nil && st.Mode().IsRegular() && !(n == 2 && bytes.Equal(magic, gzipMagic)) {
			defer f.Close()
			return readSequencesParallel(f, st.Size(), path, defaultParts(), minPartBytes)
		}
		f.Close()
	}
	r, cl, err := openInput(path)
	if err != nil {
		return nil, nil, err
	}
	defer cl.Close()
	return ReadSequences(r, path)
}

// ReadSequences reads a sequence file: one sequence per line, tokens
// separated by white space (spaces, tabs; CRLF line ends and a UTF-8
// byte-order mark are accepted). Blank lines are skipped and counted in
// ReadReport.BlankLines. Each sequence is one visit. Tokens are taken as
// given, not normalised, since a sequence file may hold categories as well
// as codes and other hierarchy tokens: each token gets the kind its
// spelling tells (KindOf): three upper-case letters and three digits, such
// as CIR007, is a CCSR category; "E11*", "CH:04" and "BS:CIR" are the
// ancestor tokens of KindPrefix, KindChapter and KindBodySystem; every other
// token is a code. The vocabulary is sorted by count descending, ties by
// token. name is used in error messages only.
func ReadSequences(r io.Reader, name string) (*Corpus, *ReadReport, error) {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < 64<<10 {
		br = bufio.NewReaderSize(r, 1<<20)
	}
	br, err := maybeGunzip(br)
	if err != nil {
		return nil, nil, fmt.Errorf("corpus: %s: %w", name, err)
	}
	if head, _ := br.Peek(3); bytes.Equal(head, utf8BOM) {
		br.Discard(3)
	}
	rep := &ReadReport{SkippedByReason: map[string]int64{}}
	index := make(map[string]int32)
	v := &Vocab{}
	c := &Corpus{Vocab: v, Seqs: []int64{0}}
	err = eachLine(br, func(line []byte) {
		start := int64(c.Tokens.Len())
		for f := range bytes.FieldsSeq(line) {
			id, ok := index[string(f)]
			if !ok {
				id = addWord(v, index, string(f))
			}
			c.Tokens.Append(id)
		}
		if n := int64(c.Tokens.Len()); n > start {
			rep.Rows++
			c.Seqs = append(c.Seqs, n)
		} else {
			rep.BlankLines++
		}
	})
	if err != nil {
		return nil, nil, fmt.Errorf("corpus: %s: %w", name, err)
	}
	c.Visits = c.Seqs // one visit per sequence; SeqVisits nil
	rep.Accepted = rep.Rows
	finish(c, ReadOptions{MinCount: 1}, rep)
	return c, rep, nil
}

// eachLine calls fn for every non-empty line of br, its newline included;
// a line longer than br's buffer is assembled whole. It returns the first
// read error other than io.EOF.
func eachLine(br *bufio.Reader, fn func(line []byte)) error {
	var long []byte
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long[:0], line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err != nil && err != io.EOF {
			return err
		}
		if len(line) > 0 {
			fn(line)
		}
		if err == io.EOF {
			return nil
		}
	}
}

// addWord adds token w to v and index with a zero count, with the kind its
// spelling tells (KindOf), and returns its id.
func addWord(v *Vocab, index map[string]int32, w string) int32 {
	id := int32(len(v.Words))
	v.Words = append(v.Words, w)
	v.Kinds = append(v.Kinds, KindOf(w))
	v.Counts = append(v.Counts, 0)
	index[w] = id
	return id
}
