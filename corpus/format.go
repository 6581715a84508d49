package corpus

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hiervec/hiervec/internal/input"
)

// Format is an input file format.
type Format int

const (
	// FormatAuto detects the format from the file's content (DetectFormat).
	FormatAuto Format = iota
	// FormatCache is the binary corpus cache (WriteCache).
	FormatCache
	// FormatExtract is an EHR extract, CSV or TSV with a header (ReadExtract).
	FormatExtract
	// FormatSequences is a sequence file, one sequence per line (ReadSequences).
	FormatSequences
	// FormatParquet is an EHR extract stored as Parquet (ReadParquet).
	FormatParquet
	// FormatDatabase is a PostgreSQL database named by a URL
	// (ReadDatabase).
	FormatDatabase
)

var formatNames = []string{"auto", "cache", "extract", "sequences", "parquet", "database"}

// String returns the name ParseFormat accepts.
func (f Format) String() string {
	if f >= 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ParseFormat parses "auto", "cache", "extract", "sequences", "parquet"
// or "database" (case insensitive).
func ParseFormat(s string) (Format, error) {
	for i, n := range formatNames {
		if strings.EqualFold(strings.TrimSpace(s), n) {
			return Format(i), nil
		}
	}
	return FormatAuto, fmt.Errorf("corpus: unknown input format %q; expected one of %s", s, strings.Join(formatNames, ", "))
}

// DetectFormat tells the format of the file at path from its content,
// never guessing in a way that turns an extract's rows into tokens (a
// database URL, IsDatabaseURL, is FormatDatabase, and nothing is read):
//   - FormatCache when it starts with the cache magic;
//   - FormatParquet when it starts with "PAR1", the Parquet magic (or
//     "PARE", an encrypted one, which ReadParquet then refuses);
//   - FormatSequences when no line of its first 64 KiB (gzip decompressed)
//     holds a comma, semicolon or '|', and every white-space separated
//     token in them is a code of opt.CodeSystem (after normalisation) or
//     shaped like a CCSR category;
//   - FormatExtract when its first line has delimited fields (a comma, tab,
//     semicolon or '|'): ReadExtract then reads its header, or refuses it
//     with an error saying what the header needs;
//   - otherwise an error wrapping ErrUnknownFormat that says why, quoting
//     nothing of the file; an empty file is an error too.
//
// A file that is not text (a ZIP archive such as an Excel workbook, binary
// data) is refused as by the readers.
func DetectFormat(path string, opt ReadOptions) (Format, error) {
	if IsDatabaseURL(path) {
		return FormatDatabase, nil
	}
	if f, err := os.Open(path); err == nil {
		magic := make([]byte, len(cacheMagic))
		n, _ := io.ReadFull(f, magic)
		f.Close()
		if n == len(magic) && string(magic) == cacheMagic {
			return FormatCache, nil
		}
		if n >= 4 && (string(magic[:4]) == parquetMagic || string(magic[:4]) == "PARE") {
			return FormatParquet, nil
		}
	}
	f, err := input.Open(path)
	if err != nil {
		return FormatAuto, fmt.Errorf("corpus: %w", err)
	}
	defer f.Close()
	head, err := f.Peek(64 << 10)
	full := err == bufio.ErrBufferFull || len(head) == 64<<10
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return FormatAuto, fmt.Errorf("corpus: %s: %w", path, err)
	}
	format, why := detectFormat(head, full, opt.codeSystem())
	if why != "" {
		return FormatAuto, fmt.Errorf("%w: %s: %s", ErrUnknownFormat, path, why)
	}
	return format, nil
}

// detectFormat classifies the first bytes of a text file (after gunzip and
// the byte-order mark); full says that the file goes on past them. It
// returns the format, or why there is none.
func detectFormat(head []byte, full bool, sys *CodeSystem) (Format, string) {
	if bytes.HasPrefix(head, []byte(cacheMagic)) {
		return FormatCache, ""
	}
	if full {
		// The last line may be cut: leave it out, unless it is the only one.
		if i := bytes.LastIndexByte(head, '\n'); i >= 0 {
			head = head[:i+1]
		}
	}
	first := head
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	delimited := bytes.ContainsAny(first, ",\t;|")
	tokens, bad := 0, 0
	var code []byte
	for line := range bytes.Lines(head) {
		if bytes.ContainsAny(line, ",;|") {
			bad++
		}
		for f := range bytes.FieldsSeq(line) {
			tokens++
			var ok bool
			if code, ok = validToken(code[:0], sys, f); !ok {
				bad++
			}
		}
	}
	switch {
	case tokens == 0 && !delimited:
		return FormatAuto, "the file is empty (or blank); expected an extract with a header line, a sequence file or a corpus cache"
	case bad == 0 && tokens > 0:
		return FormatSequences, ""
	case delimited:
		return FormatExtract, ""
	}
	return FormatAuto, fmt.Sprintf("its first line has no delimiter (comma, tab, semicolon or |), so it is not an extract, and %d of the %d tokens in its first lines are neither %s codes nor CCSR categories, so it is not a sequence file; "+
		"an extract needs a header line naming its patient, date and code columns (such as patient_id,date,code); name the format with -input-format, or the code system with -code-system", bad, tokens, sys.Name())
}

// ReadFile reads a corpus in format f (FormatAuto: detected, DetectFormat)
// from path, or from the database path names when it is a database URL
// (ReadDatabase). For an extract (CSV or Parquet) or a database, opt is
// used in full (opt.Database only for a database); for a sequence file, all
// but the column options and SkipBad. For a cache, opt.Dedupe and
// opt.MinCount are applied to the corpus read, and every token must be a
// code of opt.CodeSystem or shaped like a category (else an error wrapping
// ErrCacheCodes: the cache was built under another code rule); the report
// of a cache read has no row counts. The context is checked while reading.
func ReadFile(ctx context.Context, path string, f Format, opt ReadOptions) (*Corpus, *ReadReport, error) {
	if err := opt.Validate(); err != nil {
		return nil, nil, err
	}
	if IsDatabaseURL(path) != (f == FormatDatabase) && f != FormatAuto {
		if f == FormatDatabase {
			return nil, nil, fmt.Errorf("corpus: %s: the database format needs a postgres:// URL", path)
		}
		return nil, nil, fmt.Errorf("corpus: %s: a database URL is read as format database, not %s", InputName(path), f)
	}
	if f == FormatAuto {
		var err error
		if f, err = DetectFormat(path, opt); err != nil {
			return nil, nil, err
		}
	}
	switch f {
	case FormatExtract:
		return ReadExtractFile(ctx, path, opt)
	case FormatSequences:
		return ReadSequencesFile(ctx, path, opt)
	case FormatParquet:
		return ReadParquetFile(ctx, path, opt)
	case FormatDatabase:
		return ReadDatabase(ctx, path, opt)
	case FormatCache:
		c, err := ReadCache(ctx, path)
		if err != nil {
			return nil, nil, err
		}
		if err := checkCacheWords(path, c.Vocab, opt.codeSystem()); err != nil {
			return nil, nil, err
		}
		rep := &ReadReport{SkippedByReason: map[string]int64{}, CodeSystem: opt.codeSystem().String()}
		finish(c, opt, rep)
		return c, rep, nil
	}
	return nil, nil, fmt.Errorf("corpus: unknown input format %v", f)
}

// checkCacheWords refuses a cache whose vocabulary holds a code that is not
// a code of sys or a hierarchy token that is not spelled as its kind.
func checkCacheWords(path string, v *Vocab, sys *CodeSystem) error {
	bad := 0
	var code []byte
	for id, w := range v.Words {
		var ok bool
		if k := v.Kinds[id]; k != KindCode {
			ok = KindOf(w) == k // a hierarchy token spelled as its kind says
		} else {
			var at int
			code, at, ok = appendCode(code[:0], w)
			ok = ok && sys.accepts(code, at)
		}
		if !ok {
			bad++
		}
	}
	if bad > 0 {
		return fmt.Errorf("%w: %s: %d of its %d tokens are neither %s codes nor CCSR categories; it was built under another code rule: rebuild it from the extract, or read it with the code system it was built with (-code-system)",
			ErrCacheCodes, path, bad, v.Len(), sys.Name())
	}
	return nil
}
