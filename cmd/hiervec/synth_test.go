package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/internal/shareddata"
	"github.com/hiervec/hiervec/synth"
)

func TestSynthCommand(t *testing.T) {
	dir := t.TempDir()
	ex, cc, oc := filepath.Join(dir, "extract.csv"), filepath.Join(dir, "ccsr.csv"), filepath.Join(dir, "outcomes.csv")
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"synth", "-patients", "300", "-seed", "4", "-year", "2020",
		"-out", ex, "-ccsr-out", cc, "-outcomes-out", oc}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	if !strings.Contains(out.String(), "300 patients") || strings.Count(out.String(), "\n") != 1 {
		t.Errorf("summary %q is not one line naming 300 patients", out.String())
	}
	for _, f := range []struct{ path, header, firstField string }{
		{ex, "patient_id,date,icd10_code\n", "P0000001,2020-"},
		{cc, "code,category,category_description,code_description\n", ""},
		{oc, "patient_id,year,mortality,unplanned_admission\n", "P0000001,2020,"},
	} {
		b, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if !strings.HasPrefix(s, f.header) {
			t.Errorf("%s starts %q, want header %q", filepath.Base(f.path), s[:min(len(s), 60)], f.header)
		}
		if !strings.HasPrefix(s[len(f.header):], f.firstField) || strings.Count(s, "\n") < 100 {
			t.Errorf("%s has %d lines, first row %q", filepath.Base(f.path), strings.Count(s, "\n"), s[len(f.header):min(len(s), len(f.header)+40)])
		}
	}
	outcomes, _ := os.ReadFile(oc)
	if n := strings.Count(string(outcomes), "\n") - 1; n < 300 || n > 900 {
		t.Errorf("outcomes has %d patient-years for 300 patients", n)
	}
}

// TestSynthCommandTreeFlags checks that the code-tree flags reach the
// generator: the command writes what synth.WriteFiles writes for the same
// settings, and not what it writes for the defaults.
func TestSynthCommandTreeFlags(t *testing.T) {
	dir := t.TempDir()
	path := func(s string) string { return filepath.Join(dir, s) }
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"synth", "-patients", "200", "-seed", "3",
		"-spread", "0.3", "-spread-decay", "0.9", "-off-category", "0.2", "-zipf", "1",
		"-out", path("e.csv"), "-ccsr-out", path("c.csv"), "-outcomes-out", path("o.csv")}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	cfg := synth.DefaultConfig()
	cfg.Patients, cfg.Seed = 200, 3
	if _, err := synth.WriteFiles(cfg, path("de.csv"), path("dc.csv"), path("do.csv")); err != nil {
		t.Fatal(err)
	}
	cfg.Spread, cfg.SpreadDecay, cfg.OffCategoryShare, cfg.ZipfExponent = 0.3, 0.9, 0.2, 1
	if _, err := synth.WriteFiles(cfg, path("we.csv"), path("wc.csv"), path("wo.csv")); err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(path(name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if !bytes.Equal(read("e.csv"), read("we.csv")) {
		t.Error("the command's extract differs from synth.WriteFiles' with the same tree settings")
	}
	if bytes.Equal(read("e.csv"), read("de.csv")) {
		t.Error("the tree flags left the extract as the defaults write it")
	}
}

func TestSynthCommandErrors(t *testing.T) {
	dir := t.TempDir()
	outs := []string{"-out", filepath.Join(dir, "e"), "-ccsr-out", filepath.Join(dir, "c"), "-outcomes-out", filepath.Join(dir, "o")}
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"missing outputs", []string{"-patients", "10"}, 2, "required"},
		{"bad patients", append([]string{"-patients", "0"}, outs...), 2, "Patients is 0"},
		{"bad flag", []string{"-bogus"}, 2, "bogus"},
		{"categories without map", append([]string{"-ccsr-categories", "x.csv"}, outs...), 2, "needs -ccsr"},
		{"bad tree", append([]string{"-spread", "2", "-zipf", "-1"}, outs...), 2, "ZipfExponent is -1"},
		{"missing map", append([]string{"-patients", "10", "-ccsr", filepath.Join(dir, "nope.csv")}, outs...), 1, "nope.csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), append([]string{"synth"}, tc.args...), &out, &errb)
			if code != tc.code || !strings.Contains(errb.String(), tc.msg) {
				t.Errorf("exit %d stderr %q; want exit %d mentioning %q", code, errb.String(), tc.code, tc.msg)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("failed run left %d files", len(entries))
			}
		})
	}
}

func TestSynthCommandCCSRMap(t *testing.T) {
	mapPath := shareddata.Path(t, "ccsr/hcup.data_CCSR_DX_mapping_v2022-1.csv.gz")
	dir := t.TempDir()
	cc := filepath.Join(dir, "ccsr.csv")
	var out, errb bytes.Buffer
	catsPath := shareddata.Path(t, "ccsr/hcup.data_CCSR_DX_categories_v2022-1.csv")
	code := run(context.Background(), []string{"synth", "-patients", "200", "-ccsr", mapPath, "-ccsr-categories", catsPath,
		"-out", filepath.Join(dir, "e.csv"), "-ccsr-out", cc, "-outcomes-out", filepath.Join(dir, "o.csv")}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	// hcup.data v2022.1: 73,370 codes in 540 categories.
	if !strings.Contains(out.String(), "73370 codes") || !strings.Contains(out.String(), "540 categories") {
		t.Errorf("summary %q does not report the map's 73370 codes and 540 categories", out.String())
	}
	b, err := os.ReadFile(cc)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "\nI10,CIR007,Essential hypertension,Essential (primary) hypertension\n") {
		t.Errorf("hierarchy CSV lacks the row I10,CIR007,Essential hypertension")
	}
}
