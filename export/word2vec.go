package export

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/internal/atomicfile"
)

// maxWord2VecDim bounds the dimension a word2vec header may announce, so a
// corrupt header cannot make the reader allocate without limit.
const maxWord2VecDim = 1 << 16

// maxWord2VecToken bounds the length of one token in a binary file.
const maxWord2VecToken = 1 << 16

// WriteWord2Vec writes s to path in word2vec's text or binary format,
// atomically, codes spelled sp (other tokens as stored). A token that is
// empty or holds white space cannot be written (the format separates fields
// by spaces) and is an error.
func WriteWord2Vec(path string, s *embedding.Set, binary bool, sp Spelling) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer f.Abort()
	if err := WriteWord2VecTo(f, s, binary, sp); err != nil {
		return err
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// WriteWord2VecTo writes s to w in word2vec's text or binary format:
//
//	text:   "N DIM\n", then per token "token v1 v2 ... vDIM\n"
//	binary: "N DIM\n", then per token "token " + DIM little-endian float32 + "\n"
//
// Text values use strconv's 'g' format, the shortest text that reads back
// to the same float32 (gensim writes Python's repr, the C tool "%lf").
func WriteWord2VecTo(w io.Writer, s *embedding.Set, binaryFormat bool, sp Spelling) error {
	if err := s.Validate(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	for _, t := range s.Tokens {
		if err := checkWord2VecToken(t); err != nil {
			return fmt.Errorf("export: set %q: token %q: %w", s.Name, t, err)
		}
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	buf := make([]byte, 0, 1<<12)
	buf = strconv.AppendInt(buf, int64(s.Len()), 10)
	buf = append(buf, ' ')
	buf = strconv.AppendInt(buf, int64(s.Dim), 10)
	buf = append(buf, '\n')
	for i := range s.Len() {
		tok := s.Tokens[i]
		if s.Kinds[i] == corpus.KindCode {
			tok = sp.code(tok)
		}
		buf = append(buf, tok...)
		buf = append(buf, ' ')
		if binaryFormat {
			for _, v := range s.Vector(i) {
				buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			}
		} else {
			for j, v := range s.Vector(i) {
				if j > 0 {
					buf = append(buf, ' ')
				}
				buf = strconv.AppendFloat(buf, float64(v), 'g', -1, 32)
			}
		}
		buf = append(buf, '\n')
		if len(buf) >= 1<<11 {
			if _, err := bw.Write(buf); err != nil {
				return fmt.Errorf("export: write word2vec: %w", err)
			}
			buf = buf[:0]
		}
	}
	if _, err := bw.Write(buf); err != nil {
		return fmt.Errorf("export: write word2vec: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: write word2vec: %w", err)
	}
	return nil
}

// checkWord2VecToken reports why a token cannot stand in a word2vec file.
func checkWord2VecToken(t string) error {
	if t == "" {
		return fmt.Errorf("%w: empty token; word2vec files separate fields by spaces", ErrLayout)
	}
	if i := strings.IndexFunc(t, isSpaceByte); i >= 0 {
		return fmt.Errorf("%w: token holds white space (byte %d); word2vec files separate fields by spaces", ErrLayout, i)
	}
	return nil
}

// isSpaceByte reports ASCII white space, the separators of word2vec files.
func isSpaceByte(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f':
		return true
	}
	return false
}

// word2vecKind guesses a token's kind, which word2vec files do not record,
// from its spelling (corpus.KindOf): a CCSR category is three letters and
// three digits ("CIR007"), which no ICD-10-CM code is (their second
// character is a digit); ancestor tokens carry a star or a colon.
func word2vecKind(t string) corpus.Kind { return corpus.KindOf(t) }

// ReadWord2Vec reads a word2vec text or binary file. The set is named after
// the file. See ReadWord2VecFrom.
func ReadWord2Vec(path string, binary bool) (*embedding.Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer f.Close()
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	s, err := ReadWord2VecFrom(bufio.NewReaderSize(f, 1<<20), path, binary)
	if err != nil {
		return nil, err
	}
	s.Name = name
	return s, nil
}

// ReadWord2VecFrom reads word2vec's text or binary format (as the C tool and
// gensim write them) from r; name is used in error messages and as the
// set's Name.
//
// Text: a header "N DIM", then N lines "token v1 ... vDIM"; fields are
// separated by runs of spaces or tabs, and trailing white space and CRLF
// line ends are accepted. Binary: the same header line, then N records
// "token " followed by DIM little-endian float32 values, with or without a
// newline after each (the C tool writes one, gensim 4 does not); newlines
// before a token are skipped, as gensim does. Blank lines at the end are
// accepted; more records than N are an error, as are fewer.
//
// Tokens are kept as written (word2vec files hold corpus tokens, codes
// without their dot). The format does not record kinds: a token of three
// letters and three digits (a CCSR category such as "CIR007") is read as a
// category, any other as a code.
func ReadWord2VecFrom(r io.Reader, name string, binaryFormat bool) (*embedding.Set, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 1<<16)
	}
	wr := &w2vReader{br: br, name: name, line: 1}
	n, dim, err := wr.header()
	if err != nil {
		return nil, err
	}
	s := &embedding.Set{Name: name, Dim: dim}
	// Trust the header's count only so far: preallocate for at most 4096
	// rows (and 1 MiB of values); append grows the rest as records arrive.
	capRows := min(n, 4096, (1<<18)/dim)
	s.Tokens = make([]string, 0, capRows)
	s.Kinds = make([]corpus.Kind, 0, capRows)
	s.Vectors = make([]float32, 0, capRows*dim)
	seen := make(map[string]bool, capRows)
	for i := range n {
		var tok string
		if binaryFormat {
			tok, err = wr.binaryRecord(s, i, n)
		} else {
			tok, err = wr.textRecord(s, i, n)
		}
		if err != nil {
			return nil, err
		}
		kind := word2vecKind(tok)
		if kind == corpus.KindCode {
			tok = normalizeCode(tok) // "E11.9" and "E119" are one code
		}
		if seen[tok] {
			return nil, wr.fail(tok, -1, fmt.Errorf("%w: the token appears twice", ErrDuplicate))
		}
		seen[tok] = true
		s.Tokens = append(s.Tokens, tok)
		s.Kinds = append(s.Kinds, kind)
	}
	// Only white space may follow the N records.
	for {
		c, err := br.ReadByte()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("export: read %s: %w", name, err)
		}
		if c != '\n' && c != ' ' && c != '\t' && c != '\r' {
			return nil, wr.fail("", -1, fmt.Errorf("%w: data after the %d vectors the header announces", ErrLayout, n))
		}
		wr.offset++
		if c == '\n' {
			wr.line++
		}
	}
	return s, nil
}

type w2vReader struct {
	br     *bufio.Reader
	name   string
	line   int   // 1-based line (text format; the header line in binary)
	offset int64 // bytes consumed
	binary bool
}

func (wr *w2vReader) fail(tok string, index int, err error) error {
	pe := &ParseError{File: wr.name, Offset: wr.offset, Token: tok, Index: index, Err: err}
	if !wr.binary {
		pe.Line = wr.line
	}
	return pe
}

// readLine returns the next line without its "\n" or "\r\n"; io.EOF when
// there is none. A last line without "\n" is returned.
func (wr *w2vReader) readLine() (string, error) {
	s, err := wr.br.ReadString('\n')
	wr.offset += int64(len(s))
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("export: read %s: %w", wr.name, err)
	}
	if s == "" && err != nil {
		return "", io.EOF
	}
	s = strings.TrimSuffix(s, "\n")
	return s, nil
}

// header reads "N DIM".
func (wr *w2vReader) header() (n, dim int, err error) {
	line, err := wr.readLine()
	if errors.Is(err, io.EOF) {
		return 0, 0, wr.fail("", -1, fmt.Errorf("%w: want a header \"N DIM\"", ErrEmpty))
	}
	if err != nil {
		return 0, 0, err
	}
	f := strings.FieldsFunc(line, isSpaceByte)
	if len(f) != 2 {
		return 0, 0, wr.fail("", -1, fmt.Errorf("%w: header %q has %d fields, want \"N DIM\" (vector count and dimension)", ErrLayout, truncate(line), len(f)))
	}
	n, err1 := strconv.Atoi(f[0])
	dim, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil || n < 0 || dim < 1 || dim > maxWord2VecDim {
		return 0, 0, wr.fail("", -1, fmt.Errorf("%w: header %q: want a vector count >= 0 and a dimension in 1..%d", ErrLayout, truncate(line), maxWord2VecDim))
	}
	wr.line++
	return n, dim, nil
}

// textRecord reads record i of n in the text format, appending its vector.
func (wr *w2vReader) textRecord(s *embedding.Set, i, n int) (string, error) {
	line, err := wr.readLine()
	if errors.Is(err, io.EOF) {
		return "", wr.fail("", -1, fmt.Errorf("%w: input ends after %d of the %d vectors the header announces", ErrLayout, i, n))
	}
	if err != nil {
		return "", err
	}
	f := strings.FieldsFunc(line, isSpaceByte)
	if len(f) == 0 {
		return "", wr.fail("", -1, fmt.Errorf("%w: blank line where vector %d of %d should be", ErrLayout, i+1, n))
	}
	tok := f[0]
	if len(f)-1 != s.Dim {
		return "", wr.fail(tok, -1, fmt.Errorf("%w: %d values, the header announces %d", ErrRagged, len(f)-1, s.Dim))
	}
	for j, text := range f[1:] {
		v, err := strconv.ParseFloat(text, 32)
		if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			return "", wr.fail(tok, j, fmt.Errorf("%w: %q", ErrNotNumber, truncate(text)))
		}
		s.Vectors = append(s.Vectors, float32(v))
	}
	wr.line++
	return tok, nil
}

// binaryRecord reads record i of n in the binary format, appending its
// vector.
func (wr *w2vReader) binaryRecord(s *embedding.Set, i, n int) (string, error) {
	wr.binary = true
	ended := func() error {
		return wr.fail("", -1, fmt.Errorf("%w: input ends inside vector %d of the %d the header announces", ErrLayout, i+1, n))
	}
	// Skip the newline that ends the previous record (the C tool writes
	// one) and any others before the token, as gensim does.
	for {
		c, err := wr.br.ReadByte()
		if errors.Is(err, io.EOF) {
			return "", ended()
		}
		if err != nil {
			return "", fmt.Errorf("export: read %s: %w", wr.name, err)
		}
		if c != '\n' {
			wr.br.UnreadByte()
			break
		}
		wr.offset++
	}
	var tok []byte
	for {
		c, err := wr.br.ReadByte()
		if errors.Is(err, io.EOF) {
			return "", ended()
		}
		if err != nil {
			return "", fmt.Errorf("export: read %s: %w", wr.name, err)
		}
		wr.offset++
		if c == ' ' {
			break
		}
		tok = append(tok, c)
		if len(tok) > maxWord2VecToken {
			return "", wr.fail("", -1, fmt.Errorf("%w: no space within %d bytes where a token should end", ErrLayout, maxWord2VecToken))
		}
	}
	if err := checkWord2VecToken(string(tok)); err != nil {
		return "", wr.fail(string(tok), -1, err)
	}
	var raw [4]byte
	for j := range s.Dim {
		if _, err := io.ReadFull(wr.br, raw[:]); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return "", wr.fail(string(tok), j, fmt.Errorf("%w: input ends inside the vector", ErrLayout))
			}
			return "", fmt.Errorf("export: read %s: %w", wr.name, err)
		}
		v := math.Float32frombits(binary.LittleEndian.Uint32(raw[:]))
		if math.IsInf(float64(v), 0) || math.IsNaN(float64(v)) {
			return "", wr.fail(string(tok), j, fmt.Errorf("%w: %v", ErrNotNumber, v))
		}
		wr.offset += 4
		s.Vectors = append(s.Vectors, v)
	}
	return string(tok), nil
}

// DetectWord2VecBinary reports whether the word2vec file at path is in the
// binary format: after the header and the first token, a text file holds
// only digits, signs, points, exponents and spaces.
func DetectWord2VecBinary(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, fmt.Errorf("export: %w", err)
	}
	defer f.Close()
	head := make([]byte, 4096)
	m, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("export: read %s: %w", path, err)
	}
	head = head[:m]
	nl := bytes.IndexByte(head, '\n')
	if nl < 0 {
		return false, &ParseError{File: path, Line: 1, Index: -1, Err: fmt.Errorf("%w: no header line \"N DIM\" in the first %d bytes", ErrLayout, m)}
	}
	rest := bytes.TrimLeft(head[nl+1:], "\n")
	sp := bytes.IndexByte(rest, ' ')
	if sp < 0 {
		return false, nil // no record in view: call it text
	}
	for _, c := range rest[sp+1:] {
		if !strings.ContainsRune("0123456789+-.eE \t\r\nnaifNAIF", rune(c)) {
			return true, nil
		}
		if c == '\n' {
			break
		}
	}
	return false, nil
}
