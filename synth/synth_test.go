package synth

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/internal/shareddata"
)

func small(seed uint64) Config {
	cfg := DefaultConfig()
	cfg.Patients = 2000
	cfg.Seed = seed
	return cfg
}

func generate(t *testing.T, cfg Config) (ex, cc, oc []byte, sum *Summary) {
	t.Helper()
	var e, c, o bytes.Buffer
	sum, err := Generate(cfg, &e, &c, &o)
	if err != nil {
		t.Fatal(err)
	}
	return e.Bytes(), c.Bytes(), o.Bytes(), sum
}

func TestDeterminism(t *testing.T) {
	e1, c1, o1, _ := generate(t, small(42))
	e2, c2, o2, _ := generate(t, small(42))
	if !bytes.Equal(e1, e2) || !bytes.Equal(c1, c2) || !bytes.Equal(o1, o2) {
		t.Fatal("two runs with the same config wrote different bytes")
	}
	e3, c3, o3, _ := generate(t, small(43))
	if bytes.Equal(e1, e3) || bytes.Equal(o1, o3) {
		t.Fatal("a different seed wrote the same extract or outcomes")
	}
	if !bytes.Equal(c1, c3) {
		t.Fatal("the built-in hierarchy depends on the seed; it must be fixed")
	}
}

func TestExtractCodesInHierarchy(t *testing.T) {
	ex, cc, oc, sum := generate(t, small(3))
	m, err := hierarchy.ReadMap(bytes.NewReader(cc), "hierarchy.csv")
	if err != nil {
		t.Fatalf("hierarchy.ReadMap cannot read the hierarchy CSV: %v", err)
	}
	if m.Format() != hierarchy.FormatPlain {
		t.Errorf("hierarchy CSV read as %q, want plain", m.Format())
	}
	if m.NumCodes() != sum.Codes || m.NumCategories() != sum.Categories {
		t.Errorf("hierarchy CSV has %d codes in %d categories; summary says %d in %d",
			m.NumCodes(), m.NumCategories(), sum.Codes, sum.Categories)
	}
	_, codes := extractStats(t, bytes.NewReader(ex))
	if len(codes) != sum.CodesUsed {
		t.Errorf("extract has %d distinct codes, summary says %d", len(codes), sum.CodesUsed)
	}
	for c := range codes {
		if _, ok := m.Category(corpus.NormalizeCode(c)); !ok {
			t.Errorf("extract code %s is not in the hierarchy CSV", c)
		}
	}
	var rows int64
	for _, n := range codes {
		rows += int64(n)
	}
	if rows != sum.Rows {
		t.Errorf("extract has %d rows, summary says %d", rows, sum.Rows)
	}
	if got := strings.Count(string(oc), "\n") - 1; got != sum.PatientYears {
		t.Errorf("outcomes has %d rows, summary says %d patient-years", got, sum.PatientYears)
	}
	// Only synthetic identifiers appear.
	for _, line := range strings.Split(string(oc), "\n")[1:] {
		if line != "" && !strings.HasPrefix(line, "P") {
			t.Fatalf("outcomes row %q does not start with a synthetic patient id", line)
		}
	}
}

func TestBuiltinHierarchy(t *testing.T) {
	tab, err := builtin()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(tab.codes); n < 5200 || n > 5600 {
		t.Errorf("built-in hierarchy has %d codes, want about 5,400", n)
	}
	if n := len(tab.cats); n != targetCategories {
		t.Errorf("built-in hierarchy has %d categories, want %d", n, targetCategories)
	}
	systems := map[string]int{}
	multi := 0
	for i := range tab.codes {
		if len(tab.codeCats[i]) > 1 {
			multi++
		}
	}
	for c := range tab.cats {
		systems[tab.system(int32(c))]++
	}
	if len(systems) != 21 {
		t.Errorf("built-in hierarchy spans %d body systems, want 21: %v", len(systems), systems)
	}
	if share := float64(multi) / float64(len(tab.codes)); share < 0.07 || share > 0.14 {
		t.Errorf("%.3f of codes have several categories, want about 0.10", share)
	}
	for _, tc := range []struct{ code, cat, desc string }{
		{"E119", "END002", "Diabetes mellitus without complication"},
		{"I10", "CIR007", "Essential hypertension"},
		{"E785", "END010", "Disorders of lipid metabolism"},
		{"N1830", "GEN003", "Chronic kidney disease"},
		{"J449", "RSP008", "Chronic obstructive pulmonary disease and bronchiectasis"},
		{"F17210", "MBD024", "Tobacco-related disorders"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			for i, c := range tab.codes {
				if c != tc.code {
					continue
				}
				d := tab.codeCats[i][0]
				if tab.cats[d] != tc.cat || tab.catDesc[d] != tc.desc {
					t.Errorf("%s default category %s %q, want %s %q", c, tab.cats[d], tab.catDesc[d], tc.cat, tc.desc)
				}
				return
			}
			t.Errorf("%s missing", tc.code)
		})
	}
	for i, c := range tab.codes {
		if len(c) < 4 || len(c) > 7 || c[0] < 'A' || c[0] > 'Z' || c[1] < '0' || c[1] > '9' {
			if len(c) != 3 {
				t.Errorf("code %q does not look like ICD-10-CM", c)
			}
		}
		synthetic := len(c) > 3 && strings.IndexByte(syntheticLetters, c[3]) >= 0
		if synthetic != strings.HasPrefix(tab.codeDesc[i], "Synthetic code") {
			t.Errorf("code %s: synthetic marker and description %q disagree", c, tab.codeDesc[i])
		}
	}
	// Synthetic codes form subtrees: 4 to 7 characters, none extending
	// another, most sharing their 4th character with another.
	isSynth := func(c string) bool { return len(c) > 3 && strings.IndexByte(syntheticLetters, c[3]) >= 0 }
	var synth []string
	for _, c := range tab.codes {
		if isSynth(c) {
			synth = append(synth, c)
		}
	}
	sort.Strings(synth)
	nSynth, withSibling := len(synth), 0
	for i, c := range synth {
		if len(c) > maxCodeLen {
			t.Errorf("synthetic code %s is longer than %d characters", c, maxCodeLen)
		}
		// Sorted, a code that another extends comes right before it.
		if i > 0 && strings.HasPrefix(c, synth[i-1]) {
			t.Errorf("synthetic code %s extends synthetic code %s", c, synth[i-1])
		}
		if i > 0 && synth[i-1][:4] == c[:4] || i+1 < len(synth) && synth[i+1][:4] == c[:4] {
			withSibling++
		}
	}
	if share := float64(withSibling) / float64(nSynth); share < 0.8 {
		t.Errorf("only %.2f of %d synthetic codes share their 4th character with another code", share, nSynth)
	}
}

// TestBuiltinAgainstReference checks the real part of the built-in table
// against CMS's FY2021 code list and CCSR v2022.1, and that no synthetic
// code is a real one.
func TestBuiltinAgainstReference(t *testing.T) {
	codesPath := shareddata.Path(t, "icd10cm/icd10cm_codes_2021.txt.gz")
	mapPath := shareddata.Path(t, "ccsr/hcup.data_CCSR_DX_mapping_v2022-1.csv.gz")
	f, err := os.Open(codesPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	real := map[string]string{}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if len(line) > 8 {
			real[strings.TrimSpace(line[:8])] = strings.TrimSpace(line[8:])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	m, err := hierarchy.ReadMapFile(mapPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.LoadCategoryDescriptions(shareddata.Path(t, "ccsr/hcup.data_CCSR_DX_categories_v2022-1.csv")); err != nil {
		t.Fatal(err)
	}
	tab, err := builtin()
	if err != nil {
		t.Fatal(err)
	}
	nReal := 0
	for i, c := range tab.codes {
		desc, isReal := real[c]
		if strings.HasPrefix(tab.codeDesc[i], "Synthetic") {
			if isReal {
				t.Errorf("synthetic code %s is a real ICD-10-CM code", c)
			}
			continue
		}
		nReal++
		if !isReal {
			t.Errorf("code %s is not a FY2021 ICD-10-CM code", c)
			continue
		}
		if desc != tab.codeDesc[i] {
			t.Errorf("code %s description %q, CMS has %q", c, tab.codeDesc[i], desc)
		}
		want := m.Categories(c, hierarchy.PolicyAll)
		var got []string
		for _, k := range tab.codeCats[i] {
			got = append(got, tab.cats[k])
		}
		def, _ := m.Category(c)
		if len(got) != len(want) || got[0] != def {
			t.Errorf("code %s categories %v, CCSR v2022.1 has %v (default %s)", c, got, want, def)
		}
	}
	for c, id := range tab.cats {
		if strings.HasPrefix(tab.catDesc[c], "Synthetic") {
			continue
		}
		if d := m.CategoryDescription(id); d != tab.catDesc[c] {
			t.Errorf("category %s description %q, CCSR v2022.1 has %q", id, tab.catDesc[c], d)
		}
	}
	t.Logf("%d real codes, %d synthetic", nReal, len(tab.codes)-nReal)
}

func TestGenerateFromCCSRMap(t *testing.T) {
	m, err := hierarchy.ReadMapFile(shareddata.Path(t, "ccsr/DXCCSR-Reference-File-v2023-1.DX_to_CCSR_Mapping.csv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := small(5)
	cfg.Patients = 1000
	cfg.Map = m
	ex, cc, _, sum := generate(t, cfg)
	if sum.Codes != m.NumCodes() || sum.Categories != m.NumCategories() {
		t.Errorf("summary %d codes %d categories, map has %d and %d", sum.Codes, sum.Categories, m.NumCodes(), m.NumCategories())
	}
	back, err := hierarchy.ReadMap(bytes.NewReader(cc), "out.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, codes := extractStats(t, bytes.NewReader(ex))
	for c := range codes {
		n := corpus.NormalizeCode(c)
		want, ok := m.Category(n)
		if !ok {
			t.Fatalf("extract code %s is not in the CCSR map", c)
		}
		if got, _ := back.Category(n); got != want {
			t.Errorf("code %s: written default category %s, map's %s", c, got, want)
		}
	}
	if _, ok := codes["I10"]; !ok {
		t.Errorf("essential hypertension (I10) never drawn from the real map in %d rows", sum.Rows)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want []string
	}{
		{"default", func(*Config) {}, nil},
		{"no patients", func(c *Config) { c.Patients = 0 }, []string{"Patients is 0"}},
		{"several", func(c *Config) { c.Year = 10; c.NoiseShare = 2; c.MaxCodes = 0 },
			[]string{"Year is 10", "NoiseShare is 2", "MaxCodes is 0", "NoiseShare+RepeatShare"}},
		{"nan share", func(c *Config) { c.RepeatShare = -0.1 }, []string{"RepeatShare is -0.1"}},
		{"tree", func(c *Config) { c.Spread = 1.5; c.SpreadDecay = -1; c.ZipfExponent = 11 },
			[]string{"Spread is 1.5", "SpreadDecay is -1", "ZipfExponent is 11"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tc.edit(&cfg)
			err := cfg.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if _, gerr := Generate(cfg, nil, nil, nil); gerr == nil {
				t.Error("Generate accepted an invalid config")
			}
		})
	}
}

type failWriter struct{ n int }

var errDiskFull = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errDiskFull
	}
	return len(p), nil
}

func TestWriteErrors(t *testing.T) {
	cfg := small(1)
	if _, err := Generate(cfg, &failWriter{n: 1000}, nil, nil); !errors.Is(err, errDiskFull) {
		t.Errorf("extract write error: got %v, want %v", err, errDiskFull)
	}
	if _, err := Generate(cfg, nil, &failWriter{n: 100}, nil); !errors.Is(err, errDiskFull) {
		t.Errorf("hierarchy write error: got %v, want %v", err, errDiskFull)
	}
}

func TestWriteFiles(t *testing.T) {
	dir := t.TempDir()
	ep, cp, op := filepath.Join(dir, "e.csv"), filepath.Join(dir, "c.csv"), filepath.Join(dir, "o.csv")
	cfg := small(9)
	sum, err := WriteFiles(cfg, ep, cp, op)
	if err != nil {
		t.Fatal(err)
	}
	ex, cc, oc, want := generate(t, cfg)
	for _, f := range []struct {
		path string
		want []byte
	}{{ep, ex}, {cp, cc}, {op, oc}} {
		got, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, f.want) {
			t.Errorf("%s differs from Generate's output", filepath.Base(f.path))
		}
	}
	if *sum != *want {
		t.Errorf("summary %+v, want %+v", *sum, *want)
	}
	// A missing directory fails and leaves nothing behind.
	if _, err := WriteFiles(cfg, filepath.Join(dir, "no", "e.csv"), cp, op); err == nil {
		t.Error("WriteFiles into a missing directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("directory holds %d entries after a failed run, want the 3 files", len(entries))
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cfg := small(1)
	cfg.Patients = 3 * ProgressEvery
	calls := 0
	cfg.Progress = func(n int) {
		calls++
		cancel()
	}
	dir := t.TempDir()
	_, err := WriteFilesContext(ctx, cfg, filepath.Join(dir, "e"), filepath.Join(dir, "c"), filepath.Join(dir, "o"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if calls != 1 {
		t.Errorf("progress called %d times after cancel, want 1", calls)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a cancelled run left %d files", len(entries))
	}
}
