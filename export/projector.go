package export

import (
	"bufio"
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

// Projector file names inside the directory WriteProjector writes.
const (
	ProjectorVectors  = "vectors.tsv"
	ProjectorMetadata = "metadata.tsv"
)

// projectorHeader is the header line of metadata.tsv.
const projectorHeader = "token\tkind\tcategory\tdescription"

// WriteProjector writes s for the TensorBoard Embedding Projector into dir
// (created if missing): vectors.tsv, one row per token of tab-separated
// values with no header, and metadata.tsv, a header line
// "token\tkind\tcategory\tdescription" then one row per token in the same
// order. Codes are spelled sp (Dotted, the display form, by default); kind is "code" or
// "category". meta, which may be nil, supplies each token's category and
// description (from a CCSR map, say). Tabs, newlines, carriage returns and
// backslashes inside fields are written as \t, \n, \r and \\, since the
// projector splits rows on newlines and fields on tabs. Each file is
// written atomically.
func WriteProjector(dir string, s *embedding.Set, meta func(token string, kind corpus.Kind) (category, description string), sp Spelling) error {
	if err := s.Validate(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	vf, err := atomicfile.Create(filepath.Join(dir, ProjectorVectors))
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer vf.Abort()
	mf, err := atomicfile.Create(filepath.Join(dir, ProjectorMetadata))
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer mf.Abort()

	buf := make([]byte, 0, 1<<12)
	for i := range s.Len() {
		for j, v := range s.Vector(i) {
			if j > 0 {
				buf = append(buf, '\t')
			}
			buf = strconv.AppendFloat(buf, float64(v), 'g', -1, 32)
		}
		buf = append(buf, '\n')
		if len(buf) >= 1<<11 {
			vf.Write(buf) // sticky error, returned by Commit
			buf = buf[:0]
		}
	}
	vf.Write(buf)

	buf = append(buf[:0], projectorHeader+"\n"...)
	for i, tok := range s.Tokens {
		kind := s.Kinds[i]
		var cat, desc string
		if meta != nil {
			cat, desc = meta(tok, kind)
		}
		if kind == corpus.KindCode {
			tok = sp.code(tok)
		}
		buf = appendTSVField(buf, tok)
		buf = append(buf, '\t')
		buf = append(buf, kind.String()...)
		buf = append(buf, '\t')
		buf = appendTSVField(buf, cat)
		buf = append(buf, '\t')
		buf = appendTSVField(buf, desc)
		buf = append(buf, '\n')
		if len(buf) >= 1<<11 {
			mf.Write(buf)
			buf = buf[:0]
		}
	}
	mf.Write(buf)
	if err := vf.Commit(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := mf.Commit(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// appendTSVField appends s with tab, newline, carriage return and backslash
// escaped.
func appendTSVField(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\t':
			buf = append(buf, '\\', 't')
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\r':
			buf = append(buf, '\\', 'r')
		case '\\':
			buf = append(buf, '\\', '\\')
		default:
			buf = append(buf, c)
		}
	}
	return buf
}

// unescapeTSVField undoes appendTSVField.
func unescapeTSVField(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 't':
				c = '\t'
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			default:
				c = s[i]
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// ReadProjector reads the vectors.tsv and metadata.tsv that WriteProjector
// wrote into dir. Tokens come from the metadata's first column (codes lose
// their dot) and kinds from its "kind" column; a metadata file of a single
// column without a header (the projector's other layout) is accepted, and
// its kinds are guessed as for word2vec files. The set is named after dir.
func ReadProjector(dir string) (*embedding.Set, error) {
	vpath := filepath.Join(dir, ProjectorVectors)
	mpath := filepath.Join(dir, ProjectorMetadata)
	s := &embedding.Set{Name: filepath.Base(filepath.Clean(dir))}
	vf, err := os.Open(vpath)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer vf.Close()
	sc := bufio.NewScanner(vf)
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if text == "" {
			continue
		}
		fields := strings.Split(text, "\t")
		if s.Dim == 0 {
			s.Dim = len(fields)
		} else if len(fields) != s.Dim {
			return nil, &ParseError{File: vpath, Line: line, Index: -1, Err: fmt.Errorf("%w: %d values, earlier rows have %d", ErrRagged, len(fields), s.Dim)}
		}
		for j, f := range fields {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 32)
			if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
				return nil, &ParseError{File: vpath, Line: line, Column: 1 + len(strings.Join(fields[:j], "\t")) + min(j, 1), Index: j, Err: fmt.Errorf("%w: %q", ErrNotNumber, truncate(f))}
			}
			s.Vectors = append(s.Vectors, float32(v))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("export: read %s: %w", vpath, err)
	}
	rows := 0
	if s.Dim > 0 {
		rows = len(s.Vectors) / s.Dim
	}

	mf, err := os.Open(mpath)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer mf.Close()
	sc = bufio.NewScanner(mf)
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	withKinds := false
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 && strings.Contains(text, "\t") {
			if !strings.HasPrefix(text, "token\tkind") {
				return nil, &ParseError{File: mpath, Line: 1, Index: -1, Err: fmt.Errorf("%w: header %q, want %q", ErrLayout, truncate(text), projectorHeader)}
			}
			withKinds = true
			continue
		}
		fields := strings.Split(text, "\t")
		tok := unescapeTSVField(fields[0])
		kind := word2vecKind(tok)
		if withKinds {
			if len(fields) < 2 {
				return nil, &ParseError{File: mpath, Line: line, Index: -1, Err: fmt.Errorf("%w: no kind column", ErrLayout)}
			}
			k, err := corpus.ParseKind(fields[1])
			if err != nil {
				return nil, &ParseError{File: mpath, Line: line, Index: -1, Err: fmt.Errorf("%w: kind %q, want code, category, prefix, chapter or body-system", ErrLayout, truncate(fields[1]))}
			}
			kind = k
		}
		if kind == corpus.KindCode {
			tok = normalizeCode(tok)
		}
		s.Tokens = append(s.Tokens, tok)
		s.Kinds = append(s.Kinds, kind)
	}
	if err := sc.Err(); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("export: read %s: %w", mpath, err)
	}
	if len(s.Tokens) != rows {
		return nil, fmt.Errorf("export: %s has %d rows but %s names %d tokens: %w", vpath, rows, mpath, len(s.Tokens), ErrLayout)
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("export: %s: %w", dir, err)
	}
	return s, nil
}
