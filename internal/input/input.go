// Package input opens hiervec's text inputs (EHR extracts, sequence files,
// CCSR maps, code lists, outcome tables) the one way every reader shares:
// gzip is decompressed when the stream starts with the gzip magic (RFC 1952),
// whatever the file's name; a UTF-8 byte-order mark is dropped; and a file
// that is not text is refused in one line that says what it looks like and
// what to do, without echoing any of its bytes.
//
// What is refused, by its first bytes (after gunzip):
//   - a ZIP archive (an .xlsx workbook is one: HCUP ships its CCSR
//     reference file as a workbook) or an OLE2 compound file (an .xls
//     workbook): save the sheet as CSV;
//   - bzip2, xz and zstd streams: only gzip is read;
//   - UTF-16 text (Excel's "Unicode text"): save as UTF-8;
//   - binary data: a NUL byte in the first SniffBytes bytes, or more than
//     one byte in twenty of them a control character other than tab,
//     line feed, carriage return, vertical tab and form feed.
//
// Text in another 8-bit encoding (Latin-1, say) passes: its stray bytes are
// the readers' business, which describe bad values without quoting them.
package input

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
)

// BufferSize is the size of the buffered reader Open and NewReader return.
const BufferSize = 1 << 20

// SniffBytes is how many leading bytes (after gunzip and the byte-order
// mark) are inspected for binary content.
const SniffBytes = 8 << 10

// ErrNotText is matched (errors.Is) by every *NotTextError.
var ErrNotText = errors.New("input: not a text file")

// NotTextError says that an input is not text and what it looks like.
type NotTextError struct {
	Name   string // the input's name; empty when the caller's own error names it
	What   string // "a ZIP archive (an Excel workbook?)"
	Advice string // "save the sheet as CSV"
}

func (e *NotTextError) Error() string {
	name := e.Name
	if name == "" {
		name = "the file"
	}
	return name + " is " + e.What + "; " + e.Advice
}

// Is reports whether target is ErrNotText.
func (e *NotTextError) Is(target error) bool { return target == ErrNotText }

// magic numbers of the formats refused by name.
var signatures = []struct {
	magic        string
	what, advice string
}{
	{"PK\x03\x04", "a ZIP archive (an Excel workbook?)", "save the sheet as CSV"},
	{"PK\x05\x06", "an empty ZIP archive", "save the sheet as CSV"},
	{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 compound file (an Excel 97-2003 workbook?)", "save the sheet as CSV"},
	{"BZh", "a bzip2 stream", "only gzip is read; recompress it with gzip or decompress it"},
	{"\xfd7zXZ\x00", "an xz stream", "only gzip is read; recompress it with gzip or decompress it"},
	{"\x28\xb5\x2f\xfd", "a zstd stream", "only gzip is read; recompress it with gzip or decompress it"},
	{"\xff\xfe", "UTF-16 text", "save it as UTF-8"},
	{"\xfe\xff", "UTF-16 text", "save it as UTF-8"},
}

// gzipMagic starts every gzip stream (RFC 1952).
var gzipMagic = []byte{0x1f, 0x8b}

// utf8BOM is the byte-order mark some tools (Excel) put before UTF-8 text.
var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// File is an opened input.
type File struct {
	*bufio.Reader // the text: decompressed, byte-order mark dropped

	f          *os.File
	size       int64 // of the file on disk; -1 when not a regular file
	compressed bool
	start      int64 // offset of the text in the file when not compressed (3 after a byte-order mark)
}

// Open opens path and checks it as NewReader does. Close the File when done.
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	in := &File{f: f, size: size}
	br, compressed, bom, err := wrap(f, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	in.Reader, in.compressed = br, compressed
	if bom {
		in.start = int64(len(utf8BOM))
	}
	return in, nil
}

// Close closes the file.
func (f *File) Close() error { return f.f.Close() }

// Plain returns the file for random access, the offset at which its text
// starts (past a byte-order mark) and its size, when the file is a regular
// file that is not compressed; ok is false otherwise. Reading through it
// does not move the File's reader.
func (f *File) Plain() (ra io.ReaderAt, start, size int64, ok bool) {
	if f.compressed || f.size < 0 {
		return nil, 0, 0, false
	}
	return f.f, f.start, f.size, true
}

// NewReader returns a reader of r's text: gzip decompressed when r starts
// with the gzip magic, a UTF-8 byte-order mark dropped. An input that is
// not text gives a *NotTextError (see the package doc); a damaged gzip
// header a "gzip: ..." error. name names the input in those errors: pass ""
// when the caller's own error already names it.
func NewReader(r io.Reader, name string) (*bufio.Reader, error) {
	br, _, _, err := wrap(r, name)
	return br, err
}

func wrap(r io.Reader, name string) (br *bufio.Reader, compressed, bom bool, err error) {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < SniffBytes {
		br = bufio.NewReaderSize(r, BufferSize)
	}
	if head, _ := br.Peek(2); bytes.Equal(head, gzipMagic) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, false, false, fmt.Errorf("%s: gzip: %w", orFile(name), err)
		}
		br, compressed = bufio.NewReaderSize(zr, BufferSize), true
	}
	if head, _ := br.Peek(len(utf8BOM)); bytes.Equal(head, utf8BOM) {
		br.Discard(len(utf8BOM))
		bom = true
	}
	head, err := br.Peek(SniffBytes)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, false, false, fmt.Errorf("%s: %w", orFile(name), err)
	}
	if e := Sniff(head); e != nil {
		e.Name = name
		return nil, false, false, e
	}
	return br, compressed, bom, nil
}

func orFile(name string) string {
	if name == "" {
		return "the file"
	}
	return name
}

// Sniff returns a *NotTextError (without a name) when head, the first bytes
// of a decompressed input, is not text, and nil otherwise.
func Sniff(head []byte) *NotTextError {
	for _, s := range signatures {
		if bytes.HasPrefix(head, []byte(s.magic)) {
			return &NotTextError{What: s.what, Advice: s.advice}
		}
	}
	if len(head) > SniffBytes {
		head = head[:SniffBytes]
	}
	control := 0
	for _, c := range head {
		switch {
		case c == 0:
			return &NotTextError{What: "binary data (it holds NUL bytes)", Advice: "expected CSV or plain text"}
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f', c == 0x7f:
			control++
		}
	}
	if control*20 > len(head) {
		return &NotTextError{What: "binary data (many control characters)", Advice: "expected CSV or plain text"}
	}
	return nil
}
