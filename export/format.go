package export

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hiervec/hiervec/embedding"
)

// Format is a file format of trained vectors.
type Format int

const (
	// Released is the JSON layout of Finch et al.'s Dryad embeddings.json.
	Released Format = iota
	// Word2VecText is word2vec's text format ("N DIM" then one line per token).
	Word2VecText
	// Word2VecBinary is word2vec's binary format (float32 little-endian).
	Word2VecBinary
	// Projector is the TensorBoard projector's vectors.tsv + metadata.tsv.
	Projector
)

var formatNames = [...]string{Released: "released", Word2VecText: "word2vec", Word2VecBinary: "word2vec-binary", Projector: "tsv"}

// String returns the name ParseFormat accepts.
func (f Format) String() string {
	if f >= 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ParseFormat parses a format name: "released", "word2vec",
// "word2vec-binary" or "tsv".
func ParseFormat(s string) (Format, error) {
	for f, name := range formatNames {
		if s == name {
			return Format(f), nil
		}
	}
	return 0, fmt.Errorf("export: unknown format %q; want one of %s", s, strings.Join(formatNames[:], ", "))
}

// FormatFromPath picks the format a path's name implies: .json is
// Released, .txt and .vec Word2VecText, .bin Word2VecBinary, and an
// existing directory or a .tsv file Projector (for a .tsv file the
// projector directory is the file's directory).
func FormatFromPath(path string) (Format, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return Projector, nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return Released, nil
	case ".txt", ".vec":
		return Word2VecText, nil
	case ".bin":
		return Word2VecBinary, nil
	case ".tsv":
		return Projector, nil
	}
	return 0, fmt.Errorf("export: cannot tell the format of %s from its name; want .json (released), .txt or .vec (word2vec), .bin (word2vec-binary), or a directory or .tsv file (tsv)", path)
}

// Read reads every set of the file at path in format f. Word2vec and
// projector files hold one set each.
func Read(path string, f Format) ([]*embedding.Set, error) {
	var s *embedding.Set
	var err error
	switch f {
	case Released:
		return ReadReleased(path)
	case Word2VecText, Word2VecBinary:
		s, err = ReadWord2Vec(path, f == Word2VecBinary)
	case Projector:
		dir := path
		if fi, e := os.Stat(path); e == nil && !fi.IsDir() {
			dir = filepath.Dir(path)
		}
		s, err = ReadProjector(dir)
	default:
		return nil, fmt.Errorf("export: unknown format %v", f)
	}
	if err != nil {
		return nil, err
	}
	return []*embedding.Set{s}, nil
}

// Spelling says how code tokens are written. Every format writes codes
// with the dot after the third character by default, as the released file
// and the code books do ("E11.9"); Dotless writes them as the training
// corpus holds them ("E119"), for tools that expect that. The released
// layout is always dotted. Readers accept both.
type Spelling int

const (
	// Dotted writes "E11.9".
	Dotted Spelling = iota
	// Dotless writes "E119".
	Dotless
)

// code returns a code token in spelling sp.
func (sp Spelling) code(tok string) string {
	if sp == Dotless {
		return tok
	}
	return displayCode(tok)
}

// ErrDotlessReleased: the released layout writes codes with their dot.
var ErrDotlessReleased = errors.New("export: the released layout writes codes with their dot; the dotless spelling is for word2vec and projector files")

// Write writes sets to path in format f, codes spelled sp. Word2vec and
// projector outputs hold one set; give them exactly one. Projector output is
// written without category or description metadata; call WriteProjector for
// those.
func Write(path string, f Format, sets []*embedding.Set, sp Spelling) error {
	if f != Released && len(sets) != 1 {
		return fmt.Errorf("export: the %v format holds one set, got %d; write each set to its own file", f, len(sets))
	}
	switch f {
	case Released:
		if sp == Dotless {
			return ErrDotlessReleased
		}
		return WriteReleased(path, sets)
	case Word2VecText, Word2VecBinary:
		return WriteWord2Vec(path, sets[0], f == Word2VecBinary, sp)
	case Projector:
		dir := path
		if strings.EqualFold(filepath.Ext(path), ".tsv") {
			dir = filepath.Dir(path)
		}
		return WriteProjector(dir, sets[0], nil, sp)
	}
	return fmt.Errorf("export: unknown format %v", f)
}
