package export

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

// w2vSet is the tiny code set with a category row, as a co-trained run
// exports it.
func w2vSet() *embedding.Set {
	s := tinySets()[0]
	s.Tokens = append(s.Tokens, "CIR007")
	s.Kinds = append(s.Kinds, corpus.KindCategory)
	s.Vectors = append(s.Vectors, 0.5, -0.5, 0.25)
	return s
}

func TestWord2VecGolden(t *testing.T) {
	for _, tt := range []struct {
		file   string
		binary bool
	}{{"tiny.txt", false}, {"tiny.bin", true}} {
		t.Run(tt.file, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteWord2VecTo(&buf, w2vSet(), tt.binary, Dotless); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.file, buf.Bytes())
			got, err := ReadWord2VecFrom(&buf, "SG_CO_embeddings_3", tt.binary)
			if err != nil {
				t.Fatal(err)
			}
			sameSet(t, got, w2vSet())
		})
	}
}

// TestWord2VecBinaryLayout checks the binary bytes against the layout
// word2vec.c writes, built by hand.
func TestWord2VecBinaryLayout(t *testing.T) {
	s := &embedding.Set{Name: "x", Tokens: []string{"E119", "CIR007"}, Kinds: []corpus.Kind{0, 1}, Dim: 2, Vectors: []float32{1, -2, 0.5, 3}}
	want := []byte("2 2\nE119 ")
	want = binary.LittleEndian.AppendUint32(want, math.Float32bits(1))
	want = binary.LittleEndian.AppendUint32(want, math.Float32bits(-2))
	want = append(want, "\nCIR007 "...)
	want = binary.LittleEndian.AppendUint32(want, math.Float32bits(0.5))
	want = binary.LittleEndian.AppendUint32(want, math.Float32bits(3))
	want = append(want, '\n')
	var buf bytes.Buffer
	if err := WriteWord2VecTo(&buf, s, true, Dotless); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("binary bytes\n%q\nwant\n%q", buf.Bytes(), want)
	}
	// gensim 4 writes no newline after a vector; both read the same.
	gensim := bytes.ReplaceAll(want, []byte("\nCIR007"), []byte("CIR007"))
	gensim = gensim[:len(gensim)-1]
	for name, in := range map[string][]byte{"c": want, "gensim": gensim} {
		got, err := ReadWord2VecFrom(bytes.NewReader(in), "x", true)
		if err != nil {
			t.Fatalf("%s layout: %v", name, err)
		}
		sameSet(t, got, s)
	}
}

func TestReadWord2VecTextVariants(t *testing.T) {
	want := &embedding.Set{Name: "v", Tokens: []string{"E119", "END002"}, Kinds: []corpus.Kind{0, 1}, Dim: 2, Vectors: []float32{0.1, -2, 3e-5, 4}}
	for name, in := range map[string]string{
		"plain":           "2 2\nE119 0.1 -2\nEND002 3e-5 4\n",
		"c tool trailing": "2 2\nE119 0.100000 -2.000000 \nEND002 0.000030 4.000000 \n",
		"crlf":            "2 2\r\nE119 0.1 -2\r\nEND002 3e-5 4\r\n",
		"no final eol":    "2 2\nE119 0.1 -2\nEND002 3e-5 4",
		"tabs and blanks": "2  2 \nE119\t0.1  -2\nEND002 3e-5 4\n\n\n",
	} {
		t.Run(name, func(t *testing.T) {
			got, err := ReadWord2VecFrom(strings.NewReader(in), "v", false)
			if err != nil {
				t.Fatal(err)
			}
			sameSet(t, got, want)
		})
	}
}

func TestReadWord2VecErrors(t *testing.T) {
	rec := func(tok string, vals ...float32) string {
		b := []byte(tok + " ")
		for _, v := range vals {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
		}
		return string(b)
	}
	tests := []struct {
		name, in string
		binary   bool
		is       error
		want     string
	}{
		{"empty", "", false, ErrEmpty, `input:1: empty input: want a header "N DIM"`},
		{"header one field", "3\n", false, ErrLayout, `header "3" has 1 fields`},
		{"header not numbers", "a b\n", false, ErrLayout, "want a vector count >= 0 and a dimension in 1..65536"},
		{"header zero dim", "1 0\n", false, ErrLayout, "dimension in 1.."},
		{"too few values", "1 3\nE11 1 2\n", false, ErrRagged, `input:2: token "E11": vectors of different lengths: 2 values, the header announces 3`},
		{"too many values", "1 1\nE11 1 2\n", false, ErrRagged, "2 values, the header announces 1"},
		{"not a number", "1 2\nE11 1 x\n", false, ErrNotNumber, `input:2: token "E11": element 1: not a finite number: "x"`},
		{"nan", "1 1\nE11 nan\n", false, ErrNotNumber, `"nan"`},
		{"too few vectors", "3 1\nE11 1\n", false, ErrLayout, "input ends after 1 of the 3 vectors"},
		{"too many vectors", "1 1\nE11 1\nI10 2\n", false, ErrLayout, "input:3: unexpected layout: data after the 1 vectors"},
		{"blank record", "2 1\nE11 1\n\nI10 2\n", false, ErrLayout, "blank line where vector 2 of 2 should be"},
		{"duplicate", "2 1\nE11 1\nE11 2\n", false, ErrDuplicate, `token "E11": duplicate token`},
		{"binary truncated", "1 2\n" + rec("E11", 1)[:6], true, ErrLayout, `token "E11": element 0: unexpected layout: input ends inside the vector`},
		{"binary half float", "1 2\n" + rec("E11", 1, 2)[:9], true, ErrLayout, "element 1"},
		{"binary no token", "1 2\n", true, ErrLayout, "input ends inside vector 1 of the 1"},
		{"binary nan", "1 1\n" + rec("E11", float32(math.NaN())), true, ErrNotNumber, "NaN"},
		{"binary tab in token", "1 1\n" + rec("E\t11", 1), true, ErrLayout, "token holds white space"},
		{"binary extra", "1 1\n" + rec("E11", 1) + "\n" + rec("I10", 2), true, ErrLayout, "byte 13: unexpected layout: data after the 1 vectors"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadWord2VecFrom(strings.NewReader(tt.in), "", tt.binary)
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("error %q does not wrap %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error\n  %s\nwant it to contain\n  %s", err, tt.want)
			}
		})
	}
}

func TestWriteWord2VecRejectsUnwritableTokens(t *testing.T) {
	for _, tok := range []string{"", "E1 1", "E11\n"} {
		s := &embedding.Set{Name: "x", Tokens: []string{tok}, Kinds: []corpus.Kind{0}, Dim: 1, Vectors: []float32{1}}
		err := WriteWord2VecTo(&bytes.Buffer{}, s, false, Dotless)
		if !errors.Is(err, ErrLayout) || !strings.Contains(err.Error(), "separate fields by spaces") {
			t.Errorf("token %q: err = %v", tok, err)
		}
	}
}

func TestWord2VecFiles(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		file   string
		binary bool
	}{{"v.txt", false}, {"v.bin", true}, {"v.vec", false}} {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			if err := WriteWord2Vec(path, w2vSet(), tt.binary, Dotted); err != nil {
				t.Fatal(err)
			}
			isBin, err := DetectWord2VecBinary(path)
			if err != nil || isBin != tt.binary {
				t.Errorf("DetectWord2VecBinary = %v, %v; want %v", isBin, err, tt.binary)
			}
			f, err := FormatFromPath(path)
			if err != nil {
				t.Fatal(err)
			}
			sets, err := Read(path, f)
			if err != nil {
				t.Fatal(err)
			}
			want := w2vSet()
			want.Name = "v"
			sameSet(t, sets[0], want)
		})
	}
	if _, err := ReadWord2Vec(filepath.Join(dir, "absent.txt"), false); err == nil || !strings.Contains(err.Error(), "absent.txt") {
		t.Errorf("absent file: %v", err)
	}
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("1 2\nE11 1 x\n"), 0o644)
	if _, err := ReadWord2Vec(bad, false); err == nil || !strings.Contains(err.Error(), "bad.txt:2: token") {
		t.Errorf("bad file: %v", err)
	}
}

func fuzzWord2Vec(f *testing.F, binaryFormat bool) {
	var buf bytes.Buffer
	if err := WriteWord2VecTo(&buf, w2vSet(), binaryFormat, Dotless); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("2 2\r\nE119 0.1 -2 \r\nEND002 3e-5 4"))
	f.Add([]byte("1 1\n\n\nE11 \x00\x00\x80?\n\n"))
	f.Add([]byte("0 5\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ReadWord2VecFrom(bytes.NewReader(data), "fuzz", binaryFormat)
		if err != nil {
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("read an invalid set: %v", err)
		}
		var out bytes.Buffer
		if err := WriteWord2VecTo(&out, s, binaryFormat, Dotless); err != nil {
			t.Fatalf("a set that was read cannot be written: %v", err)
		}
		again, err := ReadWord2VecFrom(&out, "fuzz", binaryFormat)
		if err != nil {
			t.Fatalf("written output does not read back: %v\n%q", err, out.Bytes())
		}
		sameSet(t, again, s)
	})
}

func FuzzReadWord2VecText(f *testing.F)   { fuzzWord2Vec(f, false) }
func FuzzReadWord2VecBinary(f *testing.F) { fuzzWord2Vec(f, true) }

func BenchmarkWord2VecBinaryRead(b *testing.B) {
	s := benchSet(20000, 100)
	var buf bytes.Buffer
	if err := WriteWord2VecTo(&buf, s, true, Dotless); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadWord2VecFrom(bytes.NewReader(data), "bench", true); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSpelling: codes are written dotted by default in every format, dotless
// on request; categories never change; the reader returns the stored form
// either way, and the released layout refuses the dotless spelling.
func TestSpelling(t *testing.T) {
	for _, tc := range []struct {
		sp      Spelling
		want    string
		notWant string
	}{{Dotted, "E11.9 ", "E119 "}, {Dotless, "E119 ", "E11.9 "}} {
		var buf bytes.Buffer
		if err := WriteWord2VecTo(&buf, w2vSet(), false, tc.sp); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if !strings.Contains(out, "\n"+tc.want) || strings.Contains(out, "\n"+tc.notWant) || !strings.Contains(out, "\nCIR007 ") {
			t.Errorf("spelling %d wrote:\n%s", tc.sp, out)
		}
		back, err := ReadWord2VecFrom(bytes.NewReader(buf.Bytes()), "x", false)
		if err != nil {
			t.Fatal(err)
		}
		want := w2vSet()
		back.Name = want.Name
		sameSet(t, back, want)
	}
	if err := Write(filepath.Join(t.TempDir(), "x.json"), Released, tinySets(), Dotless); !errors.Is(err, ErrDotlessReleased) {
		t.Errorf("dotless released: %v", err)
	}
	// One code spelled both ways is one token twice.
	if _, err := ReadWord2VecFrom(strings.NewReader("2 1\nE11.9 1\nE119 2\n"), "x", false); !errors.Is(err, ErrDuplicate) {
		t.Errorf("E11.9 and E119 in one file: %v", err)
	}
}
