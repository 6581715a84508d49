package export

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

// ReadReleased reads every set of a file in the released JSON layout, in
// the order of the file. See ReadReleasedFrom for what is accepted.
func ReadReleased(path string) ([]*embedding.Set, error) {
	return readReleasedFile(path, nil)
}

// ReadReleasedSets reads only the sets named by keys, returned in the order
// of keys; the others are parsed (so the file is still checked) but not
// kept. A key absent from the file is an error that lists the keys present.
func ReadReleasedSets(path string, keys []string) ([]*embedding.Set, error) {
	want := make(map[string]bool, len(keys))
	for _, k := range keys {
		want[k] = true
	}
	sets, err := readReleasedFile(path, func(key string) bool { return want[key] })
	if err != nil {
		return nil, err
	}
	byName := make(map[string]*embedding.Set, len(sets))
	for _, s := range sets {
		byName[s.Name] = s
	}
	out := make([]*embedding.Set, 0, len(keys))
	for _, k := range keys {
		s, ok := byName[k]
		if !ok {
			names, _ := ReleasedKeys(path)
			return nil, fmt.Errorf("export: %s: no set %q; the file has %s", path, k, strings.Join(names, ", "))
		}
		out = append(out, s)
	}
	return out, nil
}

// ReleasedKeys lists the keys of a released-layout file in file order,
// reading (and checking) the whole file but keeping no vectors.
func ReleasedKeys(path string) ([]string, error) {
	var keys []string
	_, err := readReleasedFile(path, func(key string) bool {
		keys = append(keys, key)
		return false
	})
	return keys, err
}

func readReleasedFile(path string, keep func(string) bool) ([]*embedding.Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer f.Close()
	sets, err := readReleased(bufio.NewReaderSize(f, 1<<20), path, keep)
	var pe *ParseError
	if errors.As(err, &pe) && pe.Offset >= 0 {
		pe.Line, pe.Column = locate(path, pe.Offset)
	}
	return sets, err
}

// ReadReleasedFrom reads every set of the released JSON layout from r;
// name is used in error messages (a file name, say).
//
// The input must be one JSON object whose values are objects mapping a token
// to its vector. A vector may be a list of numbers written as strings
// ("0.0123", the Dryad file's Word2Vec sets), a list of plain numbers
// (Python-style exponents such as -3.858267374185924e-48 included, the
// Med2Vec set), or an object keyed "1".."k" (order by the numeric key).
// Values are rounded to float32; values below float32's range become zero.
//
// Token kinds come from the set's key: a key with "_cat_" is a category
// set and its tokens are kept as they are; any other key (Med2Vec and keys
// that are not of the released form included) is a code set, whose tokens
// are normalised by corpus.NormalizeCode ("E11.9" -> "E119"). A code set
// that holds category-looking tokens keeps them, as codes; the layout has
// no way to say otherwise. Dim is the length of the vectors; an empty set
// takes its Dim from its key when the key has one.
//
// The input is streamed with encoding/json's Decoder.Token, so memory stays
// near the vectors read (4 bytes per value) whatever the file size. Errors
// are *ParseError values naming the set, token and element concerned.
func ReadReleasedFrom(r io.Reader, name string) ([]*embedding.Set, error) {
	return readReleased(r, name, nil)
}

type releasedReader struct {
	dec  *json.Decoder
	name string
}

func (rr *releasedReader) fail(set, token string, index int, err error) error {
	return &ParseError{File: rr.name, Offset: rr.dec.InputOffset(), Set: set, Token: token, Index: index, Err: err}
}

// token returns the next JSON token, turning end of input and syntax errors
// into ParseErrors.
func (rr *releasedReader) token(set, tok string) (json.Token, error) {
	t, err := rr.dec.Token()
	if err != nil {
		return nil, rr.wrap(err, set, tok)
	}
	return t, nil
}

// wrap turns an error of the decoder into a ParseError.
func (rr *releasedReader) wrap(err error, set, tok string) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return &ParseError{File: rr.name, Offset: se.Offset, Set: set, Token: tok, Index: -1, Err: fmt.Errorf("%w: %s", ErrSyntax, se.Error())}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return rr.fail(set, tok, -1, fmt.Errorf("%w: input ends inside the JSON object", ErrSyntax))
	}
	return fmt.Errorf("export: read %s: %w", rr.name, err)
}

func readReleased(r io.Reader, name string, keep func(string) bool) ([]*embedding.Set, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	rr := &releasedReader{dec: dec, name: name}
	t, err := dec.Token()
	if errors.Is(err, io.EOF) {
		return nil, &ParseError{File: name, Offset: 0, Index: -1, Err: fmt.Errorf("%w: want one JSON object of embedding sets", ErrEmpty)}
	}
	if err != nil {
		return nil, rr.wrap(err, "", "")
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return nil, rr.fail("", "", -1, fmt.Errorf("%w: top level is %s, want an object mapping set names to sets", ErrLayout, describe(t)))
	}
	var sets []*embedding.Set
	seen := make(map[string]bool)
	for dec.More() {
		t, err := rr.token("", "")
		if err != nil {
			return nil, err
		}
		key := t.(string) // object keys are always strings
		if seen[key] {
			return nil, rr.fail(key, "", -1, fmt.Errorf("%w: the set appears twice", ErrLayout))
		}
		seen[key] = true
		s, err := rr.readSet(key)
		if err != nil {
			return nil, err
		}
		if keep == nil || keep(key) {
			sets = append(sets, s)
		}
	}
	if _, err := rr.token("", ""); err != nil { // the closing '}'
		return nil, err
	}
	if t, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, rr.wrap(err, "", "")
		}
		return nil, rr.fail("", "", -1, fmt.Errorf("%w: %s after the top-level object", ErrLayout, describe(t)))
	}
	return sets, nil
}

// readSet reads one set's object, the key already consumed.
func (rr *releasedReader) readSet(key string) (*embedding.Set, error) {
	info, keyErr := ParseReleasedKey(key)
	kind := corpus.KindCode
	if keyErr == nil && info.Categories {
		kind = corpus.KindCategory
	}
	t, err := rr.token(key, "")
	if err != nil {
		return nil, err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return nil, rr.fail(key, "", -1, fmt.Errorf("%w: value is %s, want an object mapping tokens to vectors", ErrLayout, describe(t)))
	}
	s := &embedding.Set{Name: key}
	raw := make(map[string]string) // normalised token -> token as written
	var vec []float32
	for rr.dec.More() {
		t, err := rr.token(key, "")
		if err != nil {
			return nil, err
		}
		written := t.(string)
		tok := written
		tokKind := kind
		if kind == corpus.KindCode {
			tok = normalizeCode(written)
		} else if k := corpus.KindOf(written); k != corpus.KindCode {
			tokKind = k // a category set of a multi-level run also holds ancestor tokens
		}
		if prev, dup := raw[tok]; dup {
			what := "the token appears twice"
			if prev != written {
				what = fmt.Sprintf("%q and %q are the same code", prev, written)
			}
			return nil, rr.fail(key, written, -1, fmt.Errorf("%w: %s", ErrDuplicate, what))
		}
		raw[tok] = written
		vec, err = rr.readVector(key, written, vec[:0])
		if err != nil {
			return nil, err
		}
		if len(vec) == 0 {
			return nil, rr.fail(key, written, -1, fmt.Errorf("%w: empty vector", ErrRagged))
		}
		if s.Len() == 0 {
			s.Dim = len(vec)
		} else if len(vec) != s.Dim {
			return nil, rr.fail(key, written, -1, fmt.Errorf("%w: vector has %d values, the set's earlier vectors have %d (first token %q)", ErrRagged, len(vec), s.Dim, raw[s.Tokens[0]]))
		}
		s.Tokens = append(s.Tokens, tok)
		s.Kinds = append(s.Kinds, tokKind)
		s.Vectors = append(s.Vectors, vec...)
	}
	if _, err := rr.token(key, ""); err != nil { // the closing '}'
		return nil, err
	}
	if s.Len() == 0 && keyErr == nil {
		s.Dim = info.Dim
	}
	s.Vectors = slices.Clip(s.Vectors)
	return s, nil
}

// readVector reads one vector into vec: a list of numbers or strings, or an
// object keyed "1".."k".
func (rr *releasedReader) readVector(set, tok string, vec []float32) ([]float32, error) {
	t, err := rr.token(set, tok)
	if err != nil {
		return nil, err
	}
	d, ok := t.(json.Delim)
	if !ok || (d != '[' && d != '{') {
		return nil, rr.fail(set, tok, -1, fmt.Errorf("%w: vector is %s, want a list of numbers or an object keyed \"1\"..\"k\"", ErrLayout, describe(t)))
	}
	if d == '[' {
		for i := 0; rr.dec.More(); i++ {
			v, err := rr.element(set, tok, i)
			if err != nil {
				return nil, err
			}
			vec = append(vec, v)
		}
		_, err := rr.token(set, tok) // ']'
		return vec, err
	}
	type keyed struct {
		k int
		v float32
	}
	var elems []keyed
	for i := 0; rr.dec.More(); i++ {
		t, err := rr.token(set, tok)
		if err != nil {
			return nil, err
		}
		ks := t.(string)
		k, err := strconv.Atoi(ks)
		if err != nil || k < 1 {
			return nil, rr.fail(set, tok, i, fmt.Errorf("%w: element key %q is not a positive integer; a vector object is keyed \"1\"..\"k\"", ErrLayout, ks))
		}
		v, err := rr.element(set, tok, k-1)
		if err != nil {
			return nil, err
		}
		elems = append(elems, keyed{k, v})
	}
	if _, err := rr.token(set, tok); err != nil { // '}'
		return nil, err
	}
	slices.SortFunc(elems, func(a, b keyed) int { return a.k - b.k })
	for i, e := range elems {
		if e.k != i+1 {
			var why string
			if e.k < i+1 {
				why = fmt.Sprintf("key \"%d\" is given twice", e.k)
			} else {
				why = fmt.Sprintf("key \"%d\" is missing", i+1)
			}
			return nil, rr.fail(set, tok, -1, fmt.Errorf("%w: a vector object must be keyed \"1\"..\"%d\"; %s", ErrLayout, len(elems), why))
		}
		vec = append(vec, e.v)
	}
	return vec, nil
}

// element reads one vector element: a JSON number or a string holding one.
func (rr *releasedReader) element(set, tok string, index int) (float32, error) {
	t, err := rr.token(set, tok)
	if err != nil {
		return 0, err
	}
	var text string
	switch v := t.(type) {
	case json.Number:
		text = string(v)
	case string:
		text = v
	default:
		return 0, rr.fail(set, tok, index, fmt.Errorf("%w: %s, want a number or a string holding one", ErrNotNumber, describe(t)))
	}
	f, err := strconv.ParseFloat(text, 32)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		why := "is not a decimal number"
		if err == nil || errors.Is(err, strconv.ErrRange) {
			why = "is outside float32's finite range"
		}
		return 0, rr.fail(set, tok, index, fmt.Errorf("%w: %q %s", ErrNotNumber, text, why))
	}
	return float32(f), nil
}

// describe names a JSON token for an error message.
func describe(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		if v == '[' {
			return "a list"
		}
		if v == '{' {
			return "an object"
		}
		return fmt.Sprintf("%q", string(v))
	case string:
		return fmt.Sprintf("the string %q", truncate(v))
	case json.Number:
		return "the number " + string(v)
	case bool:
		return fmt.Sprintf("the boolean %v", v)
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", t)
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// locate turns a byte offset of a file into a 1-based line and column,
// rereading the file; it returns 0, 0 when the file cannot be read.
func locate(path string, offset int64) (line, col int) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	line, col = 1, 1
	for i := int64(0); i < offset; i++ {
		c, err := br.ReadByte()
		if err != nil {
			break
		}
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
