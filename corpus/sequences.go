package corpus

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/hiervec/hiervec/internal/input"
)

// ReadSequencesFile reads a sequence file from path; see ReadSequences. The
// file is opened through internal/input (gzip decompressed, byte-order
// mark dropped, archives and binary files refused). An uncompressed
// regular file is read in parallel, one byte range per processor, into
// arrays allocated at their final size (2 bytes per token, or 4 past
// 65,536 distinct tokens, and 8 per sequence); a file in which a line is
// rejected, or which fails the code-list check, is read again by the
// streaming reader, so the result, errors included, is always
// ReadSequences'.
func ReadSequencesFile(ctx context.Context, path string, opt ReadOptions) (*Corpus, *ReadReport, error) {
	if err := opt.Validate(); err != nil {
		return nil, nil, err
	}
	f, err := input.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("corpus: %w", err)
	}
	defer f.Close()
	if ra, start, size, ok := f.Plain(); ok {
		c, rep, err := readSequencesParallel(ctx, ra, start, size, path, opt, defaultParts(), minPartBytes)
		if !errors.Is(err, errStreamInstead) {
			if err != nil {
				return nil, nil, err
			}
			if opt.Dedupe || opt.MinCount > 1 {
				finish(c, opt, rep)
			}
			return c, rep, nil
		}
	}
	return ReadSequences(ctx, f, path, opt)
}

// ReadSequences reads a sequence file: one sequence per line, tokens
// separated by white space (spaces, tabs; CRLF line ends and a UTF-8
// byte-order mark are accepted; gzip input is decompressed; archives and
// binary data are refused). Blank lines are skipped and counted in
// ReadReport.BlankLines. Each sequence is one visit.
//
// Tokens are kept as written, not normalised, since a sequence file may
// hold categories and other hierarchy tokens as well as codes: each token
// gets the kind its spelling tells (KindOf): three upper-case letters and
// three digits, such as CIR007, is a CCSR category; "E11*", "CH:04" and
// "BS:CIR" are the ancestor tokens of KindPrefix, KindChapter and
// KindBodySystem; every other token must be a code of opt.CodeSystem
// (checked after normalisation) and gets KindCode. A line holding a token
// that is neither is skipped and counted under ReasonCodeSyntax, and too
// many such lines stop the read with a *CodeColumnError, as do too many
// codes absent from opt.CodeList (see the package doc). opt.Dedupe and
// opt.MinCount apply as to an extract; the column options and SkipBad do
// not. The vocabulary is sorted by count descending, ties by token. name is
// used in error messages only. The context is checked every few thousand
// lines.
func ReadSequences(ctx context.Context, r io.Reader, name string, opt ReadOptions) (*Corpus, *ReadReport, error) {
	if err := opt.Validate(); err != nil {
		return nil, nil, err
	}
	br, err := textReader(r, name)
	if err != nil {
		return nil, nil, err
	}
	sys := opt.codeSystem()
	rep := &ReadReport{SkippedByReason: map[string]int64{}, CodeSystem: sys.String()}
	index := make(map[string]int32)
	v := &Vocab{}
	var absent []bool // per word, with a code list: a code not in it
	c := &Corpus{Vocab: v, Seqs: []int64{0}}
	var gate codeGate
	var code []byte
	line := 0
	codeErr := func(early, notInList bool) error {
		e := &CodeColumnError{File: name, Line: line, System: sys.Name(), Early: early, NotInList: notInList, Sequences: true}
		e.Checked, e.Failed = gate.checked, gate.failed
		if notInList {
			e.Checked, e.Failed = gate.listChecked, gate.absent
		}
		return e
	}
	err = eachLine(ctx, br, func(b []byte) error {
		line++
		start, words := c.Tokens.Len(), len(v.Words)
		bad := false
		for f := range bytes.FieldsSeq(b) {
			id, ok := index[string(f)]
			if !ok {
				if code, ok = validToken(code[:0], sys, f); !ok {
					bad = true
					break
				}
				id = addWord(v, index, string(f))
				if opt.CodeList != nil {
					absent = append(absent, v.Kinds[id] == KindCode && !opt.CodeList.Has(string(code)))
				}
			}
			c.Tokens.Append(id)
		}
		if bad { // forget the line's tokens and the words it added
			c.Tokens.Truncate(start)
			for _, w := range v.Words[words:] {
				delete(index, w)
			}
			v.Words, v.Kinds, v.Counts = v.Words[:words], v.Kinds[:words], v.Counts[:words]
			if absent != nil {
				absent = absent[:words]
			}
			rep.Rows++
			rep.skip(ReasonCodeSyntax)
			if gate.syntax(true) {
				return codeErr(true, false)
			}
			return nil
		}
		if c.Tokens.Len() == start {
			rep.BlankLines++
			return nil
		}
		rep.Rows++
		rep.Accepted++
		c.Seqs = append(c.Seqs, int64(c.Tokens.Len()))
		if gate.syntax(false) {
			return codeErr(true, false)
		}
		if opt.CodeList != nil {
			for _, id := range c.Tokens.Slice(start, c.Tokens.Len()).All() {
				if v.Kinds[id] == KindCode && gate.list(absent[id]) {
					return codeErr(true, true)
				}
			}
		}
		return nil
	})
	if err != nil {
		if _, ok := err.(*CodeColumnError); ok {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("corpus: %s: %w", name, err)
	}
	if gate.syntaxFails() {
		return nil, nil, codeErr(false, false)
	}
	if gate.listFails() {
		return nil, nil, codeErr(false, true)
	}
	for _, out := range absent {
		if out {
			rep.NotInCodeListCodes++
		}
	}
	rep.NotInCodeList = gate.absent
	c.Visits = c.Seqs // one visit per sequence; SeqVisits nil
	finish(c, opt, rep)
	return c, rep, nil
}

// validToken reports whether a sequence file's token is a hierarchy token
// (by its spelling: KindOf) or a code of sys; code is scratch space,
// returned for reuse, and holds the normalised code when the token is one.
func validToken(code []byte, sys *CodeSystem, tok []byte) ([]byte, bool) {
	if KindOf(string(tok)) != KindCode {
		return code, true
	}
	code, at, ok := appendCode(code, string(tok))
	return code, ok && sys.accepts(code, at)
}

// eachLine calls fn for every non-empty line of br, its newline included;
// a line longer than br's buffer is assembled whole. It stops at the first
// error fn returns, and returns it, or the first read error other than
// io.EOF; every ctxRows lines it checks ctx and stops with an error
// wrapping ctx.Err() when it is done.
func eachLine(ctx context.Context, br *bufio.Reader, fn func(line []byte) error) error {
	var long []byte
	for n := 0; ; n++ {
		if n&(ctxRows-1) == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("reading stopped: %w", err)
			}
		}
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
			if e := fn(line); e != nil {
				return e
			}
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
