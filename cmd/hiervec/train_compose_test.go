package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/release"
)

// TestTrainCompose: with -compose, a code seen in at least -min-patients
// patients is written with its trained (composed) vector. A code under the
// threshold is not written at all without -coverage (its presence would be
// a small cell); with -coverage it is written with a vector from its
// ancestors' rows alone, marked composed in -sources, as a listed code never
// seen is: never its own row. Two such codes with the same ancestors get the
// same vector; the trained ones are those of a run that writes every code.
func TestTrainCompose(t *testing.T) {
	extract, ccsr, _ := smallExtract(t, 400)
	dir := t.TempDir()
	train := func(out string, extra ...string) {
		t.Helper()
		args := append([]string{"train", "-input", extract, "-ccsr", ccsr, "-dim", "8", "-epochs", "1", "-window", "10",
			"-threads", "1", "-seed", "5", "-quiet", "-compose", "icd3,ccsr,chapter", "-out", out}, extra...)
		if code, _, stderr := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, stderr)
		}
	}
	all, rule, sources := filepath.Join(dir, "all.txt"), filepath.Join(dir, "rule.txt"), filepath.Join(dir, "src.csv")
	plain := filepath.Join(dir, "plain.txt")
	train(all, "-min-patients", "1")
	train(plain)
	train(rule, "-sources", sources, "-coverage", "map")
	read := func(path string) map[string]string {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rows := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
			tok, vec, _ := strings.Cut(line, " ")
			rows[tok] = vec
		}
		return rows
	}
	full, written := read(all), read(rule)

	c, _, err := corpus.ReadFile(context.Background(), extract, corpus.FormatExtract, corpus.DefaultReadOptions())
	if err != nil {
		t.Fatal(err)
	}
	counts := release.Count(c)
	for tok := range read(plain) {
		if counts.Patients(corpus.NormalizeCode(tok)) < release.DefaultMinPatients {
			t.Errorf("%s, seen in %d patients, written without -coverage", tok, counts.Patients(corpus.NormalizeCode(tok)))
		}
	}
	f, err := os.Open(sources)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], []string{"token", "kind", "set", "source"}) || len(recs)-1 != len(written) {
		t.Fatalf("sources: header %v, %d rows for %d vectors", recs[0], len(recs)-1, len(written))
	}
	m, err := hierarchy.ReadMapFile(ccsr)
	if err != nil {
		t.Fatal(err)
	}
	levels, _ := hierarchy.ParseLevels("icd3,ccsr,chapter")
	a, err := hierarchy.NewAncestry(levels, hierarchy.NewLabeler(m, m.DefaultPolicy()), nil)
	if err != nil {
		t.Fatal(err)
	}
	byAncestors := map[string]string{} // ancestors of a composed code -> its vector
	composed, trained, shared := 0, 0, 0
	for _, r := range recs[1:] {
		tok, src := r[0], r[3]
		if r[2] != "SG_SEP_embeddings_8" || r[1] != "code" {
			t.Fatalf("sources row %v", r)
		}
		rare := counts.Patients(corpus.NormalizeCode(tok)) < release.DefaultMinPatients
		switch {
		case src == "trained" && !rare:
			trained++
			if written[tok] != full[tok] {
				t.Errorf("%s: written vector differs from the run that writes every code", tok)
			}
		case src == "composed" && rare:
			composed++
			if written[tok] == full[tok] {
				t.Errorf("%s (rare): written with its trained vector", tok)
			}
			var anc []string
			for _, x := range a.Of(tok, nil) {
				anc = append(anc, x.Token)
			}
			key := strings.Join(anc, " ")
			if v, ok := byAncestors[key]; ok {
				shared++
				if v != written[tok] {
					t.Errorf("%s: rare codes with ancestors %s have different vectors", tok, key)
				}
			}
			byAncestors[key] = written[tok]
		default:
			t.Errorf("%s: source %s for a code seen in %d patients", tok, src, counts.Patients(corpus.NormalizeCode(tok)))
		}
	}
	if composed == 0 || trained == 0 || shared == 0 {
		t.Errorf("%d composed, %d trained codes, %d composed codes sharing all ancestors with another: want some of each", composed, trained, shared)
	}
	for tok := range full {
		if _, ok := written[tok]; !ok && counts.Patients(corpus.NormalizeCode(tok)) >= release.DefaultMinPatients {
			t.Errorf("%s: seen in enough patients but not written", tok)
		}
	}

	// Composition with co-training, in the released layout.
	co := filepath.Join(dir, "co.json")
	train(co, "-cotrain", "-compose-op", "sum")
	sets, err := export.Read(co, export.Released)
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 2 || sets[0].Name != "SG_CO_embeddings_8" || sets[1].Name != "SG_CO_cat_embeddings_8" || sets[0].Len() == 0 {
		t.Errorf("-cotrain -compose: sets %d", len(sets))
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-compose-op", "sum"}, "need -compose"},
		{[]string{"-sources", filepath.Join(dir, "s.csv")}, "need -compose"},
		{[]string{"-compose", "icd3,block"}, "unknown level"},
		{[]string{"-compose", "ccsr", "-compose-op", "max"}, "want mean or sum"},
		{[]string{"-compose", "ccsr", "-categories-only"}, "exclude each other"},
		{[]string{"-compose", "ccsr", "-shared-negatives"}, "exclude each other"},
		{[]string{"-compose", "icd3", "-model", "med2vec"}, "-compose"},
	} {
		args := append([]string{"train", "-input", extract, "-ccsr", ccsr, "-out", filepath.Join(dir, "x.txt")}, tc.args...)
		if code, _, stderr := runCLI(t, args...); code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	args := []string{"train", "-input", extract, "-compose", "ccsr", "-out", filepath.Join(dir, "x.txt")}
	if code, _, stderr := runCLI(t, args...); code != 2 || !strings.Contains(stderr, "needs -ccsr") {
		t.Errorf("-compose ccsr without a map: exit %d, %q", code, stderr)
	}
}
