package main

import (
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/release"
)

// readCoverage reads a coverage table into code -> row.
func readCoverage(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], release.CoverageHeader) {
		t.Fatalf("header %v", rows[0])
	}
	out := map[string][]string{}
	for _, r := range rows[1:] {
		out[r[0]] = r
	}
	return out
}

// extractCounts counts the patients of every code of an extract.
func extractCounts(t *testing.T, extract string) *release.Counts {
	t.Helper()
	c, _, err := corpus.ReadFile(context.Background(), extract, corpus.FormatExtract, corpus.DefaultReadOptions())
	if err != nil {
		t.Fatal(err)
	}
	return release.Count(c)
}

// checkCoverage checks a coverage table and its vectors against the
// extract's counts and the map: every map code has a row; no count under
// the threshold is printed; a code under it has no vector trained on its
// own occurrences (own_rows no, and not the vector a -min-patients 1 run
// gives it); every code not suppressed has a vector.
func checkCoverage(t *testing.T, table map[string][]string, vecs *embedding.Set, own *embedding.Set, counts *release.Counts, mapCodes []string) {
	t.Helper()
	for _, c := range mapCodes {
		if _, ok := table[hierarchy.Dotted(c)]; !ok {
			t.Fatalf("map code %s has no row", c)
		}
	}
	rare, seenRare := 0, 0
	for code, r := range table {
		norm := corpus.NormalizeCode(code)
		n := counts.Patients(norm)
		if n < release.DefaultMinPatients {
			rare++
			if n > 0 {
				seenRare++
			}
			if r[1] != "<11" || r[2] != "" || r[4] != "no" {
				t.Fatalf("code under the threshold: row %v", r)
			}
		} else if r[1] != strconv.FormatInt(n, 10) || r[2] != strconv.FormatInt(counts.Tokens(norm), 10) || r[3] == "suppressed" {
			t.Fatalf("code over the threshold: row %v, %d patients", r, n)
		}
		i, has := vecs.Lookup(code)
		if !has {
			i, has = vecs.Lookup(norm)
		}
		if has == (r[3] == "suppressed") {
			t.Fatalf("row %v, vector written: %v", r, has)
		}
		if n > 0 && n < release.DefaultMinPatients && has {
			j, ok := own.Lookup(norm)
			if !ok {
				j, ok = own.Lookup(code)
			}
			if ok && slices.Equal(own.Vector(j), vecs.Vector(i)) {
				t.Fatalf("code %s under the threshold has its own trained vector", code)
			}
		}
	}
	if seenRare == 0 || rare == seenRare {
		t.Fatalf("fixture: %d codes under the threshold, %d of them seen: the test needs both kinds", rare, seenRare)
	}
}

func TestTrainCoverageEveryFormat(t *testing.T) {
	extract, ccsr, _ := smallExtract(t, 1500)
	dir := t.TempDir()
	counts := extractCounts(t, extract)
	m, err := hierarchy.ReadMapFile(ccsr)
	if err != nil {
		t.Fatal(err)
	}
	base := []string{"train", "-input", extract, "-ccsr", ccsr, "-cotrain", "-model", "cbow", "-dim", "8", "-epochs", "1", "-threads", "1", "-seed", "5", "-quiet"}
	ownPath := filepath.Join(dir, "own.txt")
	if code, _, stderr := runCLI(t, append(base, "-min-patients", "1", "-out", ownPath)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	own := readOne(t, ownPath, export.Word2VecText)
	for _, tc := range []struct {
		out    string
		format export.Format
		table  string
	}{
		{"v.json", export.Released, "v.coverage.csv"},
		{"v.txt", export.Word2VecText, "v.coverage.csv"},
		{"v.bin", export.Word2VecBinary, "v.coverage.csv"},
		{"proj", export.Projector, "proj/coverage.csv"},
	} {
		t.Run(tc.out, func(t *testing.T) {
			sub := t.TempDir()
			out := filepath.Join(sub, tc.out)
			args := append(slices.Clone(base), "-coverage", "map", "-out", out)
			if tc.format == export.Projector {
				args = append(args, "-format", "tsv")
			}
			if code, _, stderr := runCLI(t, args...); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			table := readCoverage(t, filepath.Join(sub, tc.table))
			checkCoverage(t, table, readOne(t, out, tc.format), own, counts, m.Codes())
		})
	}
}

// readOne reads the code vectors of a file (all its sets as one).
func readOne(t *testing.T, path string, f export.Format) *embedding.Set {
	t.Helper()
	sets, err := export.Read(path, f)
	if err != nil {
		t.Fatal(err)
	}
	return joinSets(sets)
}

func TestRetrofitCoverage(t *testing.T) {
	extract, ccsr, _ := smallExtract(t, 1500)
	dir := t.TempDir()
	counts := extractCounts(t, extract)
	m, err := hierarchy.ReadMapFile(ccsr)
	if err != nil {
		t.Fatal(err)
	}
	// A file written at -min-patients 1 holds rare codes' own vectors:
	// retrofit -coverage -input drops them and infers theirs.
	own := filepath.Join(dir, "own.json")
	if code, _, stderr := runCLI(t, "train", "-input", extract, "-ccsr", ccsr, "-cotrain", "-model", "cbow", "-dim", "8", "-epochs", "1",
		"-threads", "1", "-quiet", "-min-patients", "1", "-out", own); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	out := filepath.Join(dir, "rf.bin")
	code, _, stderr := runCLI(t, "retrofit", "-embeddings", own, "-ccsr", ccsr, "-levels", "ccsr,icd3", "-coverage", "map", "-input", extract, "-out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "seen in fewer than 11 patients: dropped") {
		t.Errorf("stderr does not report the dropped rows: %s", stderr)
	}
	table := readCoverage(t, filepath.Join(dir, "rf.coverage.csv"))
	ownSet := readOne(t, own, export.Released)
	checkCoverage(t, table, readOne(t, out, export.Word2VecBinary), ownSet, counts, m.Codes())
	for code, r := range table {
		if r[3] != "retrofitted" {
			t.Errorf("row %s: %v, want every code retrofitted", code, r)
		}
	}
	// Without -input there are no counts: the fields are empty.
	code, _, stderr = runCLI(t, "retrofit", "-embeddings", own, "-ccsr", ccsr, "-coverage", "map", "-out", filepath.Join(dir, "nocounts.txt"), "-quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, r := range readCoverage(t, filepath.Join(dir, "nocounts.coverage.csv")) {
		if r[1] != "" || r[2] != "" {
			t.Fatalf("row %v has counts without -input", r)
		}
	}
}

func TestCoverageUsage(t *testing.T) {
	extract, ccsr, _ := smallExtract(t, 100)
	dir := t.TempDir()
	emb := filepath.Join(dir, "e.json")
	if code, _, stderr := runCLI(t, "train", "-input", extract, "-dim", "4", "-epochs", "1", "-quiet", "-out", emb); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"train", "-input", extract, "-coverage", "map", "-out", filepath.Join(dir, "a.json")}, "-coverage map needs -ccsr"},
		{[]string{"train", "-input", extract, "-ccsr", ccsr, "-categories-only", "-coverage", "map", "-out", filepath.Join(dir, "a.json")}, "exclude each other"},
		{[]string{"train", "-input", extract, "-coverage-table", "x.csv", "-out", filepath.Join(dir, "a.json")}, "need -coverage"},
		{[]string{"train", "-input", extract, "-coverage", filepath.Join(dir, "missing.txt"), "-out", filepath.Join(dir, "a.json")}, "missing.txt"},
		{[]string{"retrofit", "-embeddings", emb, "-ccsr", ccsr, "-input", extract, "-out", filepath.Join(dir, "b.json")}, "needs -coverage"},
		{[]string{"retrofit", "-embeddings", emb, "-ccsr", ccsr, "-min-patients", "5", "-out", filepath.Join(dir, "b.json")}, "give -input"},
		{[]string{"retrofit", "-embeddings", emb, "-ccsr", ccsr, "-coverage", "map", "-codes-from", "x.txt", "-out", filepath.Join(dir, "b.json")}, "give one list"},
	} {
		code, _, stderr := runCLI(t, tc.args...)
		if code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want an error with %q", tc.args[:3], code, stderr, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "a.json")); err == nil {
		t.Error("a refused run wrote its output")
	}
}

// TestCoverageGensim loads composed and retrofitted vectors with gensim's
// KeyedVectors.load_word2vec_format, text and binary; it skips without a
// Python that has gensim (Debian: apt-get install python3-gensim), and
// with -short.
func TestCoverageGensim(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: starts Python and gensim")
	}
	python := "/usr/bin/python3"
	if out, err := exec.Command(python, "-c", "import gensim").CombinedOutput(); err != nil {
		t.Skipf("no gensim for %s: %v %s", python, err, out)
	}
	extract, ccsr, _ := smallExtract(t, 1500)
	dir := t.TempDir()
	for _, tc := range []struct{ name, source string }{
		{"r.txt", "retrofitted"}, {"r.bin", "retrofitted"},
		{"c.txt", "composed"}, {"c.bin", "composed"},
	} {
		name := tc.name
		out := filepath.Join(dir, name)
		args := []string{"train", "-input", extract, "-ccsr", ccsr, "-model", "cbow", "-dim", "8", "-epochs", "1", "-quiet",
			"-coverage", "map", "-out", out}
		if tc.source == "composed" {
			args = append(args, "-compose", "ccsr,icd3")
		}
		if code, _, stderr := runCLI(t, args...); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		table := readCoverage(t, filepath.Join(dir, strings.TrimSuffix(name, filepath.Ext(name))+".coverage.csv"))
		var filled string
		for code, r := range table {
			if r[3] == tc.source && r[4] == "no" && (filled == "" || code < filled) {
				filled = code
			}
		}
		if filled == "" {
			t.Fatalf("%s: no code was %s", name, tc.source)
		}
		script := `import sys
from gensim.models import KeyedVectors
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=sys.argv[1].endswith(".bin"))
print(len(kv), kv.vector_size, kv[sys.argv[2]].shape[0], kv.most_similar(sys.argv[2], topn=1)[0][0] != "")`
		f, err := export.FormatFromPath(out)
		if err != nil {
			t.Fatal(err)
		}
		set := readOne(t, out, f)
		out2, err := exec.Command(python, "-c", script, out, filled).CombinedOutput()
		if err != nil {
			t.Fatalf("gensim on %s: %v\n%s", name, err, out2)
		}
		if want := strconv.Itoa(set.Len()) + " 8 8 True"; strings.TrimSpace(string(out2)) != want {
			t.Errorf("gensim on %s: %q, want %q", name, out2, want)
		}
	}
}

// TestTrainComposeCoverage: with -compose, listed codes without a written
// vector are composed from their ancestors' rows that pass the rule; no
// rare code carries the vector its own row gives it at -min-patients 1.
func TestTrainComposeCoverage(t *testing.T) {
	extract, ccsr, _ := smallExtract(t, 1500)
	dir := t.TempDir()
	counts := extractCounts(t, extract)
	m, err := hierarchy.ReadMapFile(ccsr)
	if err != nil {
		t.Fatal(err)
	}
	base := []string{"train", "-input", extract, "-ccsr", ccsr, "-compose", "ccsr,icd3", "-model", "sg", "-dim", "8", "-epochs", "1",
		"-window", "10", "-threads", "1", "-seed", "5", "-quiet"}
	ownPath := filepath.Join(dir, "own.txt")
	if code, _, stderr := runCLI(t, append(base, "-min-patients", "1", "-out", ownPath)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	out := filepath.Join(dir, "c.bin")
	if code, _, stderr := runCLI(t, append(base, "-coverage", "map", "-out", out)...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	table := readCoverage(t, filepath.Join(dir, "c.coverage.csv"))
	checkCoverage(t, table, readOne(t, out, export.Word2VecBinary), readOne(t, ownPath, export.Word2VecText), counts, m.Codes())
	bySource := map[string]int{}
	for _, r := range table {
		bySource[r[3]]++
	}
	if bySource["composed"] == 0 || bySource["retrofitted"] != 0 || bySource["trained"] == 0 {
		t.Errorf("sources %v: want trained and composed rows only", bySource)
	}
}
