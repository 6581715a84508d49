package export

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

func TestReleasedKey(t *testing.T) {
	tests := []struct {
		alg      string
		co, cat  bool
		dim      int
		key      string
		wantInfo KeyInfo
	}{
		{"SG", true, true, 100, "SG_CO_cat_embeddings_100", KeyInfo{Algorithm: "SG", CO: true, Categories: true, Dim: 100}},
		{"SG", true, false, 50, "SG_CO_embeddings_50", KeyInfo{Algorithm: "SG", CO: true, Dim: 50}},
		{"CBOW", false, false, 10, "CBOW_SEP_embeddings_10", KeyInfo{Algorithm: "CBOW", Dim: 10}},
		{"CBOW", false, true, 10, "CBOW_SEP_cat_embeddings_10", KeyInfo{Algorithm: "CBOW", Categories: true, Dim: 10}},
		{"Med2Vec", false, false, 200, "Med2Vec_embeddings_200", KeyInfo{Algorithm: "Med2Vec", Dim: 200, Med2Vec: true}},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if got := ReleasedKey(tt.alg, tt.co, tt.cat, tt.dim); got != tt.key {
				t.Errorf("ReleasedKey = %q, want %q", got, tt.key)
			}
			info, err := ParseReleasedKey(tt.key)
			if err != nil || info != tt.wantInfo {
				t.Errorf("ParseReleasedKey(%q) = %+v, %v; want %+v", tt.key, info, err, tt.wantInfo)
			}
		})
	}
	for _, bad := range []struct{ key, why string }{
		{"SG_CO_embeddings", `no "_embeddings_"`},
		{"SG_CO_embeddings_0", "not a positive integer"},
		{"SG_CO_embeddings_010", "not a positive integer"},
		{"SG_CO_embeddings_x", "not a positive integer"},
		{"GloVe_CO_embeddings_10", `algorithm "GloVe"`},
		{"SG_XX_embeddings_10", `training "XX"`},
		{"SG_CO_dog_embeddings_10", `"dog" where only "cat"`},
		{"SG_embeddings_10", "wrong number of parts"},
	} {
		t.Run(bad.key, func(t *testing.T) {
			_, err := ParseReleasedKey(bad.key)
			if err == nil || !strings.Contains(err.Error(), bad.why) {
				t.Errorf("ParseReleasedKey(%q) = %v, want an error saying %q", bad.key, err, bad.why)
			}
		})
	}
}

func TestWriteReleasedGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteReleasedTo(&buf, tinySets()); err != nil {
		t.Fatal(err)
	}
	golden(t, "tiny.json", buf.Bytes())
	// The file reads back to the same sets.
	got, err := ReadReleasedFrom(&buf, "tiny.json")
	if err != nil {
		t.Fatal(err)
	}
	want := tinySets()
	if len(got) != len(want) {
		t.Fatalf("%d sets, want %d", len(got), len(want))
	}
	for i := range want {
		sameSet(t, got[i], want[i])
	}
}

func TestWriteReleasedFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "embeddings.json")
	if err := WriteReleased(path, tinySets()); err != nil {
		t.Fatal(err)
	}
	sets, err := ReadReleasedSets(path, []string{"Med2Vec_embeddings_2", "SG_CO_embeddings_3"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 2 || sets[0].Name != "Med2Vec_embeddings_2" || sets[1].Name != "SG_CO_embeddings_3" {
		t.Fatalf("ReadReleasedSets returned %d sets in the wrong order", len(sets))
	}
	_, err = ReadReleasedSets(path, []string{"CBOW_SEP_embeddings_10"})
	if err == nil || !strings.Contains(err.Error(), `no set "CBOW_SEP_embeddings_10"; the file has SG_CO_embeddings_3, SG_CO_cat_embeddings_3, Med2Vec_embeddings_2`) {
		t.Errorf("missing key: %v", err)
	}
	// A set that does not validate leaves no file behind.
	bad := tinySets()
	bad[1].Kinds = bad[1].Kinds[:1]
	out := filepath.Join(dir, "bad.json")
	if err := WriteReleased(out, bad); err == nil || !strings.Contains(err.Error(), "1 kinds for 2 tokens") {
		t.Errorf("invalid set: err = %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("directory holds %d entries after a failed write, want 1", len(ents))
	}
	twice := append(tinySets(), tinySets()[0])
	if err := WriteReleasedTo(&bytes.Buffer{}, twice); err == nil || !strings.Contains(err.Error(), `two sets named "SG_CO_embeddings_3"`) {
		t.Errorf("duplicate names: err = %v", err)
	}
}

func TestWriteReleasedEscapesTokens(t *testing.T) {
	named := &embedding.Set{Name: "odd \"name\"\n", Tokens: []string{"E11"}, Kinds: []corpus.Kind{corpus.KindCode}, Dim: 1, Vectors: []float32{1}}
	s := &embedding.Set{
		Name:    "SG_CO_cat_embeddings_1",
		Tokens:  []string{"a\"b\\c", "tab\there", "\x01ctl", "bad\xffutf8", "line\u2028sep", "é"},
		Kinds:   []corpus.Kind{1, 1, 1, 1, 1, 1},
		Dim:     1,
		Vectors: []float32{1, 2, 3, 4, 5, 6},
	}
	var buf bytes.Buffer
	if err := WriteReleasedTo(&buf, []*embedding.Set{named, s}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"odd \"name\"\n"`, `"a\"b\\c"`, `"tab\there"`, `"\u0001ctl"`, `"bad\ufffdutf8"`, `"line\u2028sep"`, `"é"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("output lacks %s:\n%s", want, buf.String())
		}
	}
	got, err := ReadReleasedFrom(&buf, "escaped")
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Name != named.Name {
		t.Errorf("name %q, want %q", got[0].Name, named.Name)
	}
	want := []string{"a\"b\\c", "tab\there", "\x01ctl", "bad\uFFFDutf8", "line\u2028sep", "é"}
	for i, tok := range got[1].Tokens {
		if tok != want[i] {
			t.Errorf("token %d = %q, want %q", i, tok, want[i])
		}
	}
}

// TestReadReleasedDryadShapes reads the shapes the Dryad file and other
// writers use: numbers as strings, plain numbers with Python exponents,
// per-vector objects keyed "1".."k", dotted codes.
func TestReadReleasedDryadShapes(t *testing.T) {
	const in = `{"SG_SEP_embeddings_3": {"E11.9": ["0.0123", "-0.4411", "1e-3"], "I10": ["1", "2", "3"]},
 "SG_SEP_cat_embeddings_2": {"CIR007": {"2": "0.5", "1": "-0.5"}},
 "Med2Vec_embeddings_2": {"A01.00": [-3.858267374185924e-48, 0.25], "e11.9": [1E+2, -0]}}`
	sets, err := ReadReleasedFrom(strings.NewReader(in), "dryad")
	if err != nil {
		t.Fatal(err)
	}
	want := []*embedding.Set{
		{Name: "SG_SEP_embeddings_3", Tokens: []string{"E119", "I10"}, Kinds: []corpus.Kind{0, 0}, Dim: 3,
			Vectors: []float32{0.0123, -0.4411, 0.001, 1, 2, 3}},
		{Name: "SG_SEP_cat_embeddings_2", Tokens: []string{"CIR007"}, Kinds: []corpus.Kind{1}, Dim: 2,
			Vectors: []float32{-0.5, 0.5}},
		{Name: "Med2Vec_embeddings_2", Tokens: []string{"A0100", "E119"}, Kinds: []corpus.Kind{0, 0}, Dim: 2,
			Vectors: []float32{float32(negZero()), 0.25, 100, float32(negZero())}},
	}
	if len(sets) != len(want) {
		t.Fatalf("%d sets, want %d", len(sets), len(want))
	}
	for i := range want {
		sameSet(t, sets[i], want[i])
	}
	if _, ok := sets[0].Lookup("E11.9"); !ok {
		t.Error("Lookup(E11.9) fails on a set read from a dotted file")
	}
}

// negZero is -0, which a constant expression cannot give
// (-3.858267374185924e-48 rounds to it at float32 precision).
func negZero() float64 { z := 0.0; return -z }

func TestReadReleasedErrors(t *testing.T) {
	tests := []struct {
		name, in string
		is       error
		want     string
	}{
		{"empty file", "", ErrEmpty, "empty input: want one JSON object"},
		{"white space only", " \n\t", ErrEmpty, "empty input"},
		{"not an object", `[1, 2]`, ErrLayout, "top level is a list, want an object"},
		{"a number", `42`, ErrLayout, "top level is the number 42"},
		{"value not an object", `{"SG_CO_embeddings_2": [1, 2]}`, ErrLayout, `set "SG_CO_embeddings_2": unexpected layout: value is a list, want an object`},
		{"vector not a list", `{"S": {"E11": "0.5"}}`, ErrLayout, `set "S": token "E11": unexpected layout: vector is the string "0.5"`},
		{"ragged", `{"SG_CO_embeddings_2": {"E11.9": ["1", "2"], "I10": ["1", "2", "3"]}}`, ErrRagged,
			`byte 67: set "SG_CO_embeddings_2": token "I10": vectors of different lengths: vector has 3 values, the set's earlier vectors have 2 (first token "E11.9")`},
		{"non-numeric string", `{"S": {"E11": ["1", "x1"]}}`, ErrNotNumber, `set "S": token "E11": element 1: not a finite number: "x1" is not a decimal number`},
		{"nan string", `{"S": {"E11": ["NaN"]}}`, ErrNotNumber, `element 0: not a finite number: "NaN" is outside float32's finite range`},
		{"overflow", `{"S": {"E11": [1e39]}}`, ErrNotNumber, `"1e39" is outside float32's finite range`},
		{"bool element", `{"S": {"E11": [true]}}`, ErrNotNumber, `element 0: not a finite number: the boolean true`},
		{"null element", `{"S": {"E11": [null]}}`, ErrNotNumber, `null, want a number`},
		{"duplicate token", `{"S": {"E11": ["1"], "E11": ["2"]}}`, ErrDuplicate, `token "E11": duplicate token: the token appears twice`},
		{"duplicate after normalising", `{"S": {"E11.9": ["1"], "E119": ["2"]}}`, ErrDuplicate, `"E11.9" and "E119" are the same code`},
		{"duplicate set", `{"S": {}, "S": {}}`, ErrLayout, `set "S": unexpected layout: the set appears twice`},
		{"empty vector", `{"S": {"E11": []}}`, ErrRagged, "empty vector"},
		{"object vector gap", `{"S": {"E11": {"1": "0", "3": "1"}}}`, ErrLayout, `keyed "1".."2"; key "2" is missing`},
		{"object vector twice", `{"S": {"E11": {"1": "0", "1": "1"}}}`, ErrLayout, `key "1" is given twice`},
		{"object vector bad key", `{"S": {"E11": {"a": "0"}}}`, ErrLayout, `element key "a" is not a positive integer`},
		{"truncated", `{"S": {"E11": ["1"`, ErrSyntax, "input ends inside the JSON object"},
		{"syntax", `{"S": {"E11": ["1",]}}`, ErrSyntax, "invalid character ']'"},
		{"trailing data", `{"S": {}} {}`, ErrLayout, "an object after the top-level object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadReleasedFrom(strings.NewReader(tt.in), "in.json")
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("error %q does not wrap %v", err, tt.is)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("error %T is not a *ParseError", err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "export: in.json") {
				t.Errorf("error\n  %s\nwant it to start with \"export: in.json\" and contain\n  %s", err, tt.want)
			}
		})
	}
}

// TestReadReleasedFileLocatesErrors checks that a file's errors carry the
// line and column.
func TestReadReleasedFileLocatesErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "e.json")
	in := "{\n \"S\": {\n  \"E11\": [\"1\"],\n  \"I10\": [\"1\", \"oops\"]\n }\n}\n"
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadReleased(path)
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a *ParseError", err)
	}
	if pe.Line != 4 || pe.Column != 22 || pe.Token != "I10" || pe.Index != 1 {
		t.Errorf("located at line %d column %d token %q index %d; want 4, 22, I10, 1 (%v)", pe.Line, pe.Column, pe.Token, pe.Index, err)
	}
	if _, err := ReadReleased(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: err = %v", err)
	}
}

func FuzzReadReleased(f *testing.F) {
	var buf bytes.Buffer
	if err := WriteReleasedTo(&buf, tinySets()); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`{"SG_SEP_cat_embeddings_2": {"CIR007": {"2": "0.5", "1": "-0.5"}}, "X": {}}`))
	f.Add([]byte(`{"Med2Vec_embeddings_2": {"A01.00": [-3.858267374185924e-48, 0.25]}}`))
	f.Add([]byte(`{"S": {"e1.1": ["1"], " . x": ["2"]}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sets, err := ReadReleasedFrom(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := WriteReleasedTo(&out, sets); err != nil {
			t.Fatalf("a set that was read cannot be written: %v", err)
		}
		again, err := ReadReleasedFrom(&out, "again")
		if err != nil {
			t.Fatalf("written output does not read back: %v\n%s", err, out.Bytes())
		}
		if len(again) != len(sets) {
			t.Fatalf("%d sets read back, want %d", len(again), len(sets))
		}
		for i := range sets {
			sameSet(t, again[i], sets[i])
		}
	})
}

func BenchmarkReleasedRoundTrip(b *testing.B) {
	s := benchSet(20000, 100)
	var buf bytes.Buffer
	if err := WriteReleasedTo(&buf, []*embedding.Set{s}); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.Run("write", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var out bytes.Buffer
			out.Grow(len(data))
			if err := WriteReleasedTo(&out, []*embedding.Set{s}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := ReadReleasedFrom(bytes.NewReader(data), "bench"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
