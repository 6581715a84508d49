package corpus

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
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
)

var formatNames = []string{"auto", "cache", "extract", "sequences"}

// String returns the name ParseFormat accepts.
func (f Format) String() string {
	if f >= 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ParseFormat parses "auto", "cache", "extract" or "sequences" (case
// insensitive).
func ParseFormat(s string) (Format, error) {
	for i, n := range formatNames {
		if strings.EqualFold(strings.TrimSpace(s), n) {
			return Format(i), nil
		}
	}
	return FormatAuto, fmt.Errorf("corpus: unknown input format %q; expected one of %s", s, strings.Join(formatNames, ", "))
}

// DetectFormat tells the format of the file at path from its content
// (gzip decompressed first):
//   - FormatCache when it starts with the cache magic;
//   - FormatExtract when its first line is a header in which the patient,
//     date and code columns can all be detected, or which contains a comma,
//     tab or semicolon and at least one recognised column name;
//   - FormatSequences otherwise.
func DetectFormat(path string) (Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return FormatAuto, fmt.Errorf("corpus: %w", err)
	}
	defer f.Close()
	br, err := maybeGunzip(bufio.NewReaderSize(f, 64<<10))
	if err != nil {
		return FormatAuto, fmt.Errorf("corpus: %s: %w", path, err)
	}
	head, err := br.Peek(64 << 10)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return FormatAuto, fmt.Errorf("corpus: %s: %w", path, err)
	}
	return detectFormat(head), nil
}

// detectFormat classifies the first bytes of a file.
func detectFormat(head []byte) Format {
	if bytes.HasPrefix(head, []byte(cacheMagic)) {
		return FormatCache
	}
	head = bytes.TrimPrefix(head, utf8BOM)
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	line := strings.TrimRight(string(head), "\r")
	delim := detectDelimiter(line)
	fields := strings.Split(line, string(delim))
	for i, f := range fields {
		fields[i] = strings.Trim(trimSpace(f), `"`)
	}
	if _, err := findColumns("", fields, ReadOptions{}); err == nil {
		return FormatExtract
	}
	if !strings.ContainsAny(line, ",\t;") {
		return FormatSequences
	}
	for _, f := range fields {
		f = strings.ToLower(f)
		for _, names := range [][]string{PatientColumnNames, DateColumnNames, CodeColumnNames} {
			for _, n := range names {
				if f == n {
					return FormatExtract
				}
			}
		}
	}
	return FormatSequences
}

// ReadFile reads a corpus in format f (FormatAuto: detected) from path.
// For an extract, opt is used in full. For a sequence file or a cache,
// opt.Dedupe and opt.MinCount are applied to the corpus read (dedupe within
// each sequence) and the column and SkipBad options are ignored. The report
// of a cache read has no row counts.
func ReadFile(path string, f Format, opt ReadOptions) (*Corpus, *ReadReport, error) {
	if err := opt.Validate(); err != nil {
		return nil, nil, err
	}
	if f == FormatAuto {
		var err error
		if f, err = DetectFormat(path); err != nil {
			return nil, nil, err
		}
	}
	switch f {
	case FormatExtract:
		return ReadExtractFile(path, opt)
	case FormatSequences:
		c, rep, err := ReadSequencesFile(path)
		if err != nil {
			return nil, nil, err
		}
		if opt.Dedupe || opt.MinCount > 1 {
			finish(c, opt, rep)
		}
		return c, rep, nil
	case FormatCache:
		c, err := ReadCache(path)
		if err != nil {
			return nil, nil, err
		}
		rep := &ReadReport{SkippedByReason: map[string]int64{}}
		finish(c, opt, rep)
		return c, rep, nil
	}
	return nil, nil, fmt.Errorf("corpus: unknown input format %v", f)
}
