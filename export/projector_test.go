package export

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
)

func TestProjectorGolden(t *testing.T) {
	dir := t.TempDir()
	s := w2vSet()
	meta := func(token string, kind corpus.Kind) (string, string) {
		switch token {
		case "E119":
			return "END002", "Type 2 diabetes mellitus\twithout complications"
		case "CIR007":
			return "CIR007", "Essential hypertension\n(line two) C:\\path"
		}
		return "", ""
	}
	if err := WriteProjector(dir, s, meta, Dotted); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{ProjectorVectors, ProjectorMetadata} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		golden(t, filepath.Join("tiny_projector", name), got)
	}
	meta2, _ := os.ReadFile(filepath.Join(dir, ProjectorMetadata))
	lines := strings.Split(strings.TrimSuffix(string(meta2), "\n"), "\n")
	if len(lines) != 1+s.Len() {
		t.Fatalf("metadata has %d lines, want header + %d", len(lines), s.Len())
	}
	for i, l := range lines {
		if n := strings.Count(l, "\t"); n != 3 {
			t.Errorf("metadata line %d has %d tabs, want 3: %q", i+1, n, l)
		}
	}
	got, err := ReadProjector(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Name = filepath.Base(dir)
	sameSet(t, got, s)
}

func TestReadProjectorErrors(t *testing.T) {
	tests := []struct{ name, vectors, metadata, want string }{
		{"ragged", "1\t2\n3\n", "token\tkind\ncode\tcode\n", "vectors.tsv:2: vectors of different lengths: 1 values, earlier rows have 2"},
		{"not a number", "1\tx\n", "E11\n", `vectors.tsv:1:3: element 1: not a finite number: "x"`},
		{"count mismatch", "1\n2\n", "E11\n", "has 2 rows but"},
		{"bad kind", "1\n", "token\tkind\tcategory\tdescription\nE11\tdisease\t\t\n", `metadata.tsv:2: unexpected layout: kind "disease"`},
		{"bad header", "1\n", "name\tgroup\nE11\tx\n", `header "name\tgroup"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, ProjectorVectors), []byte(tt.vectors), 0o644)
			os.WriteFile(filepath.Join(dir, ProjectorMetadata), []byte(tt.metadata), 0o644)
			_, err := ReadProjector(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestProjectorOneColumnMetadata(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ProjectorVectors), []byte("1\t2\n3\t4\n"), 0o644)
	os.WriteFile(filepath.Join(dir, ProjectorMetadata), []byte("E11.9\nCIR007\n"), 0o644)
	s, err := ReadProjector(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Tokens[0] != "E119" || s.Kinds[0] != corpus.KindCode || s.Tokens[1] != "CIR007" || s.Kinds[1] != corpus.KindCategory || s.Dim != 2 {
		t.Errorf("read %v %v dim %d", s.Tokens, s.Kinds, s.Dim)
	}
}
