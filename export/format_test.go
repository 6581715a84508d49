package export

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/embedding"
)

func TestParseFormat(t *testing.T) {
	for _, f := range []Format{Released, Word2VecText, Word2VecBinary, Projector} {
		got, err := ParseFormat(f.String())
		if err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %v, %v", f.String(), got, err)
		}
	}
	if _, err := ParseFormat("csv"); err == nil || !strings.Contains(err.Error(), "released, word2vec, word2vec-binary, tsv") {
		t.Errorf("ParseFormat(csv) error = %v", err)
	}
}

func TestFormatFromPath(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		path string
		want Format
		err  string
	}{
		{"embeddings.json", Released, ""},
		{"EMB.JSON", Released, ""},
		{"v.txt", Word2VecText, ""},
		{"v.vec", Word2VecText, ""},
		{"v.bin", Word2VecBinary, ""},
		{"proj/vectors.tsv", Projector, ""},
		{dir, Projector, ""},
		{"v.npy", 0, "cannot tell the format of v.npy"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, err := FormatFromPath(tt.path)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("FormatFromPath = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// TestReadWriteEveryFormat round-trips the code set through every format by
// path, as the CLI does.
func TestReadWriteEveryFormat(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"e.json", "e.txt", "e.bin", "proj"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			f, err := FormatFromPath(path)
			if name == "proj" {
				os.Mkdir(path, 0o755)
				f, err = FormatFromPath(path)
			}
			if err != nil {
				t.Fatal(err)
			}
			want := w2vSet()
			if err := Write(path, f, []*embedding.Set{want}, Dotted); err != nil {
				t.Fatal(err)
			}
			got, err := Read(path, f)
			if err != nil {
				t.Fatal(err)
			}
			if f == Released {
				// Kinds come from the key: this key names a code set.
				want.Kinds[3] = 0
			}
			want.Name = got[0].Name
			sameSet(t, got[0], want)
		})
	}
	if err := Write(filepath.Join(dir, "two.txt"), Word2VecText, tinySets()[:2], Dotted); err == nil || !strings.Contains(err.Error(), "holds one set, got 2") {
		t.Errorf("two sets to word2vec: %v", err)
	}
}
