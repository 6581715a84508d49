package release

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

// coverageCorpus: E119 in 12 patients (written), E1165 in 3 (under the
// threshold), CAT in 12.
func coverageCorpus() *corpus.Corpus {
	type seq = struct {
		patient int32
		toks    []string
	}
	var seqs []seq
	for p := range int32(12) {
		toks := []string{"E119", "CAT"}
		if p < 3 {
			toks = append(toks, "E1165", "E1165")
		}
		seqs = append(seqs, seq{p, toks})
	}
	return build(seqs, map[string]corpus.Kind{"CAT": corpus.KindCategory}, true)
}

func TestCover(t *testing.T) {
	counts := Count(coverageCorpus())
	trained := &embedding.Set{Name: "S", Dim: 2, Tokens: []string{"E119", "CAT", "E1165"},
		Kinds: []corpus.Kind{corpus.KindCode, corpus.KindCategory, corpus.KindCode}, Vectors: []float32{1, 1, 2, 2, 9, 9}}
	released, _ := Apply(trained, counts, DefaultMinPatients)
	list := []string{"E1165", "E1169", "Z000", "E119"}
	var asked []string
	fill := func(code string) ([]float32, Source, bool) {
		asked = append(asked, code)
		if code == "Z000" {
			return nil, 0, false // nothing to compose it from
		}
		return []float32{2, 2}, SourceComposed, true
	}
	out, rows, rep, err := Cover(released, nil, list, fill, counts, DefaultMinPatients)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"E1165", "E1169", "Z000"}; !slices.Equal(asked, want) {
		t.Errorf("fill asked for %v, want %v (never for a code with a written vector)", asked, want)
	}
	if want := []string{"E119", "CAT", "E1165", "E1169"}; !slices.Equal(out.Tokens, want) {
		t.Errorf("tokens %v, want %v", out.Tokens, want)
	}
	// E1165's own row (9, 9) is never written: it has the composed one.
	if i, _ := out.Lookup("E1165"); !slices.Equal(out.Vector(i), []float32{2, 2}) {
		t.Errorf("E1165 = %v", out.Vector(i))
	}
	if released.Len() != 2 {
		t.Errorf("the input set grew to %d rows", released.Len())
	}
	got := ""
	for _, r := range rows {
		got += r.Code + ":" + r.Origin.Source.String() + " "
	}
	if want := "E1165:composed E1169:composed E119:trained Z000:suppressed "; got != want {
		t.Errorf("rows %s, want %s", got, want)
	}
	if rep.Listed != 4 || rep.Codes != 4 || rep.UnderThreshold != 3 || rep.BySource[SourceComposed] != 2 || rep.BySource[SourceSuppressed] != 1 {
		t.Errorf("report %+v", rep)
	}

	path := filepath.Join(t.TempDir(), "coverage.csv")
	if err := WriteCoverageTable(path, rows, DefaultMinPatients); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := `code,patients,tokens,source,own_rows
E11.65,<11,,composed,no
E11.69,<11,,composed,no
E11.9,12,12,trained,yes
Z00.0,<11,,suppressed,no
`
	if string(b) != want {
		t.Errorf("table:\n%s\nwant:\n%s", b, want)
	}
	// E1165 is seen (3 patients, 6 tokens) and E1169 is not: the table
	// must not tell them apart.
	if strings.Contains(string(b), ",3,") || strings.Contains(string(b), ",6,") {
		t.Error("a count under the threshold is printed")
	}
}

func TestCoverRefusesOwnRowsUnderThreshold(t *testing.T) {
	counts := Count(coverageCorpus())
	trained := &embedding.Set{Name: "S", Dim: 1, Tokens: []string{"E119", "E1165"}, Kinds: make([]corpus.Kind, 2), Vectors: []float32{1, 9}}
	_, _, _, err := Cover(trained, nil, nil, nil, counts, DefaultMinPatients)
	if err == nil || !strings.Contains(err.Error(), "1 rows") || strings.Contains(err.Error(), "E1165") {
		t.Fatalf("err = %v; want ErrOwnRows counting 1 row and naming none", err)
	}
	// The same row marked as coming from elsewhere is accepted.
	origins := []Origin{{SourceTrained, true}, {SourceRetrofitted, false}}
	if _, rows, _, err := Cover(trained, origins, nil, nil, counts, DefaultMinPatients); err != nil || rows[0].Origin.OwnRows {
		t.Fatalf("err = %v, rows %+v", err, rows)
	}
	// Without a threshold every row may be written, and counts are exact.
	_, rows, _, err := Cover(trained, nil, nil, nil, counts, 1)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "c.csv")
	if err := WriteCoverageTable(path, rows, 1); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), "E11.65,3,6,trained,yes") {
		t.Errorf("table at -min-patients 1:\n%s", b)
	}
}

func TestCoverWithoutCounts(t *testing.T) {
	s := &embedding.Set{Name: "S", Dim: 1, Tokens: []string{"E119"}, Kinds: make([]corpus.Kind, 1), Vectors: []float32{1}}
	_, rows, _, err := Cover(s, []Origin{{SourceRetrofitted, true}}, []string{"E1165"}, nil, nil, DefaultMinPatients)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "c.csv")
	if err := WriteCoverageTable(path, rows, DefaultMinPatients); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if want := "code,patients,tokens,source,own_rows\nE11.65,,,suppressed,no\nE11.9,,,retrofitted,yes\n"; string(b) != want {
		t.Errorf("table:\n%s\nwant:\n%s", b, want)
	}
}
