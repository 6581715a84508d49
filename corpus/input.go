package corpus

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
)

// gzipMagic starts every gzip stream (RFC 1952).
var gzipMagic = []byte{0x1f, 0x8b}

// openInput opens path for reading, decompressing gzip transparently when
// the file starts with the gzip magic bytes (whatever its extension; a
// ".gz" name without the magic is read as is, and gzip's own error
// reports a damaged stream). The returned closer closes everything.
func openInput(path string) (io.Reader, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("corpus: %w", err)
	}
	r, err := maybeGunzip(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("corpus: %s: %w", path, err)
	}
	return r, f, nil
}

// maybeGunzip returns a reader that decompresses br when it starts with the
// gzip magic, and br itself otherwise.
func maybeGunzip(br *bufio.Reader) (*bufio.Reader, error) {
	head, _ := br.Peek(2)
	if len(head) == 2 && head[0] == gzipMagic[0] && head[1] == gzipMagic[1] {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return bufio.NewReaderSize(zr, 1<<20), nil
	}
	return br, nil
}
