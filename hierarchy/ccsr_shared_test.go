package hierarchy

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/internal/shareddata"
)

// The counts below are those of /work/shared/data/README.md ("CCSR
// statistics"), computed there independently of this package.
var sharedMaps = []struct {
	file              string
	format            string
	rows, codes, cats int
	multi             int
	perCode           map[int]int // categories per code -> number of codes
	unaccIP, unaccOP  int         // -1: not checked
	policy            Policy
}{
	{"ccsr/DXCCSR-Reference-File-v2020-1.DXCCSR_Mapping.csv.gz", FormatReferenceLong, 82738, 72715, 538, 7697,
		map[int]int{1: 65018, 2: 5775, 3: 1539, 4: 362, 5: 21}, 0, 0, PolicyFirst},
	{"ccsr/hcup.data_CCSR_DX_mapping_v2022-1.csv.gz", FormatHCUPDataWide, 73370, 73370, 540, 7968,
		map[int]int{1: 65402, 2: 5951, 3: 1613, 4: 375, 5: 28, 6: 1}, 9987, 8354, PolicyDefaultOP},
	{"ccsr/DXCCSR-Reference-File-v2023-1.DX_to_CCSR_Mapping.csv.gz", FormatReferenceLong, 86288, 74549, 543, 8751,
		map[int]int{1: 65798, 2: 6416, 3: 1728, 4: 563, 5: 42, 6: 2}, -1, -1, PolicyDefaultOP},
}

func TestSharedCCSRMaps(t *testing.T) {
	for _, sm := range sharedMaps {
		t.Run(sm.file, func(t *testing.T) {
			m, err := ReadMapFile(shareddata.Path(t, sm.file))
			if err != nil {
				t.Fatal(err)
			}
			st := m.Stats()
			if m.Format() != sm.format || st.Rows != sm.rows || m.NumCodes() != sm.codes || m.NumCategories() != sm.cats || m.DefaultPolicy() != sm.policy {
				t.Errorf("format %s rows %d codes %d categories %d policy %v; want %s %d %d %d %v",
					m.Format(), st.Rows, m.NumCodes(), m.NumCategories(), m.DefaultPolicy(), sm.format, sm.rows, sm.codes, sm.cats, sm.policy)
			}
			dist := map[int]int{}
			multi := 0
			for _, c := range m.Codes() {
				n := len(m.Categories(c, PolicyAll))
				dist[n]++
				if n > 1 {
					multi++
				}
				for _, p := range []Policy{PolicyFirst, PolicyDefaultIP, PolicyDefaultOP} {
					if got := m.Categories(c, p); len(got) != 1 || unacceptable(got[0]) {
						t.Fatalf("%s under %v: %v; want one real category", c, p, got)
					}
				}
			}
			if multi != sm.multi || fmt.Sprint(dist) != fmt.Sprint(sm.perCode) {
				t.Errorf("multi %d, per-code distribution %v; want %d, %v", multi, dist, sm.multi, sm.perCode)
			}
			if st.Duplicates != 0 || st.NoCategory != 0 {
				t.Errorf("duplicates %d, rows without category %d; want 0, 0", st.Duplicates, st.NoCategory)
			}
			if sm.unaccIP >= 0 && (st.UnacceptableIP != sm.unaccIP || st.UnacceptableOP != sm.unaccOP) {
				t.Errorf("XXX000 codes %d, XXX111 codes %d; want %d, %d", st.UnacceptableIP, st.UnacceptableOP, sm.unaccIP, sm.unaccOP)
			}
			if m.CategoryDescription("CIR007") == "" && m.Format() != FormatHCUPDataWide {
				t.Errorf("no description for CIR007")
			}
			assertRoundTrip(t, m)
		})
	}
}

// TestSharedV2022BodySystems checks the number of categories and of codes
// per body system of v2022.1 against the README's table.
func TestSharedV2022BodySystems(t *testing.T) {
	m, err := ReadMapFile(shareddata.Path(t, "ccsr/hcup.data_CCSR_DX_mapping_v2022-1.csv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int{ // prefix: categories, codes with >= 1 category in it
		"BLD": {10, 305}, "CIR": {39, 1711}, "DIG": {25, 1009}, "EAR": {6, 668}, "END": {17, 1049}, "EXT": {30, 8529},
		"EYE": {12, 3010}, "FAC": {25, 1177}, "GEN": {26, 863}, "INF": {12, 1311}, "INJ": {76, 41480}, "MAL": {10, 859},
		"MBD": {32, 2190}, "MUS": {38, 6636}, "NEO": {74, 1748}, "NVS": {22, 947}, "PNL": {15, 519}, "PRG": {30, 2380},
		"RSP": {17, 435}, "SKN": {7, 919}, "SYM": {17, 702},
	}
	got := map[string][2]int{}
	for _, c := range m.AllCategories() {
		g := got[c[:3]]
		g[0]++
		got[c[:3]] = g
	}
	for _, code := range m.Codes() {
		seen := map[string]bool{}
		for _, c := range m.Categories(code, PolicyAll) {
			if !seen[c[:3]] {
				seen[c[:3]] = true
				g := got[c[:3]]
				g[1]++
				got[c[:3]] = g
			}
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("body systems\n got %v\nwant %v", got, want)
	}
}

// TestSharedDXCCSRFromV2022 converts every row of the v2022.1 wide file into
// HCUP's raw DXCCSR layout (single-quoted values, ' ' blanks, 18 columns,
// descriptions from the category list, CRLF) and checks that the dxccsr
// reader gives the same map as the hcup.data reader.
func TestSharedDXCCSRFromV2022(t *testing.T) {
	wide := shareddata.Path(t, "ccsr/hcup.data_CCSR_DX_mapping_v2022-1.csv.gz")
	catFile := shareddata.Path(t, "ccsr/hcup.data_CCSR_DX_categories_v2022-1.csv")
	want, err := ReadMapFile(wide)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := want.LoadCategoryDescriptions(catFile); err != nil || n != 544 {
		t.Fatalf("LoadCategoryDescriptions: %d, %v; want 544 descriptions", n, err)
	}
	rows := readCSVGz(t, "ccsr/hcup.data_CCSR_DX_mapping_v2022-1.csv.gz")
	var b strings.Builder
	q := func(s string) string {
		v := "'" + s + "'"
		if strings.ContainsAny(v, `,"`) {
			return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
		}
		return v
	}
	hdr := []string{"ICD-10-CM CODE", "ICD-10-CM CODE DESCRIPTION", "Default CCSR CATEGORY IP", "Default CCSR CATEGORY DESCRIPTION IP", "Default CCSR CATEGORY OP", "Default CCSR CATEGORY DESCRIPTION OP"}
	for n := 1; n <= 6; n++ {
		hdr = append(hdr, fmt.Sprintf("CCSR CATEGORY %d", n), fmt.Sprintf("CCSR CATEGORY %d DESCRIPTION", n))
	}
	writeRow := func(f []string) {
		for i, s := range f {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(q(s))
		}
		b.WriteString("\r\n")
	}
	writeRow(hdr)
	blank := func(s string) string {
		if s == "" {
			return " "
		}
		return s
	}
	for _, r := range rows[1:] {
		f := []string{r[0], r[1], r[2], want.CategoryDescription(r[2]), r[3], want.CategoryDescription(r[3])}
		for _, c := range r[4:10] {
			f = append(f, blank(c), blank(want.CategoryDescription(c)))
		}
		writeRow(f)
	}
	got, err := ReadMap(strings.NewReader(b.String()), "DXCCSR_v2022-1.CSV")
	if err != nil {
		t.Fatal(err)
	}
	if got.Format() != FormatDXCCSR || got.NumCodes() != want.NumCodes() || got.NumCategories() != want.NumCategories() || got.Stats() != want.Stats() {
		t.Fatalf("dxccsr %s %d codes %d categories %+v; want %d %d %+v", got.Format(), got.NumCodes(), got.NumCategories(), got.Stats(), want.NumCodes(), want.NumCategories(), want.Stats())
	}
	for _, c := range want.Codes() {
		for _, p := range []Policy{PolicyAll, PolicyFirst, PolicyDefaultIP, PolicyDefaultOP} {
			if g, w := got.Categories(c, p), want.Categories(c, p); fmt.Sprint(g) != fmt.Sprint(w) {
				t.Fatalf("%s %v: %v; want %v", c, p, g, w)
			}
		}
		gi, gop := got.DefaultCategories(c)
		wi, wop := want.DefaultCategories(c)
		if gi != wi || gop != wop || got.CodeDescription(c) != want.CodeDescription(c) {
			t.Fatalf("%s: defaults %s/%s desc %q; want %s/%s %q", c, gi, gop, got.CodeDescription(c), wi, wop, want.CodeDescription(c))
		}
	}
	if d := got.CategoryDescription("END005"); d != "Diabetes mellitus, Type 2" {
		t.Errorf("END005 description %q", d)
	}
}

func TestSharedCategoryDescriptions(t *testing.T) {
	for _, tc := range []struct {
		file string
		n    int
	}{
		{"ccsr/DXCCSR-Reference-File-v2020-1.CCSR_Categories.csv", 538},
		{"ccsr/DXCCSR-Reference-File-v2023-1.CCSR_Categories.csv", 547},
		{"ccsr/hcup.data_CCSR_DX_categories_v2022-1.csv", 544},
	} {
		t.Run(tc.file, func(t *testing.T) {
			m, err := ReadMap(strings.NewReader(plainMap), "plain")
			if err != nil {
				t.Fatal(err)
			}
			n, err := m.LoadCategoryDescriptions(shareddata.Path(t, tc.file))
			if err != nil || n != tc.n {
				t.Fatalf("LoadCategoryDescriptions = %d, %v; want %d", n, err, tc.n)
			}
			if d := m.CategoryDescription("CIR007"); d != "Essential hypertension" {
				t.Errorf("CIR007 = %q", d)
			}
		})
	}
}

// TestSharedCodeSets checks the README's containment facts: every FY2021
// billable code is in v2022.1 and v2023.1, and v2020.1 lacks 496 of them.
func TestSharedCodeSets(t *testing.T) {
	codes := readFY2021Codes(t)
	for _, tc := range []struct {
		file    string
		missing int
	}{
		{"ccsr/DXCCSR-Reference-File-v2020-1.DXCCSR_Mapping.csv.gz", 496},
		{"ccsr/hcup.data_CCSR_DX_mapping_v2022-1.csv.gz", 0},
		{"ccsr/DXCCSR-Reference-File-v2023-1.DX_to_CCSR_Mapping.csv.gz", 0},
	} {
		t.Run(tc.file, func(t *testing.T) {
			m, err := ReadMapFile(shareddata.Path(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			missing := 0
			for _, c := range codes {
				if _, ok := m.Category(c); !ok {
					missing++
				}
			}
			if missing != tc.missing {
				t.Errorf("%d FY2021 codes unmapped; want %d", missing, tc.missing)
			}
		})
	}
}

// readFY2021Codes returns the 72,621 codes of icd10cm_codes_2021.txt.gz.
func readFY2021Codes(t testing.TB) []string {
	t.Helper()
	zr := shareddata.Open(t, "icd10cm/icd10cm_codes_2021.txt.gz")
	var codes []string
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		if fs := strings.Fields(sc.Text()); len(fs) > 0 {
			codes = append(codes, fs[0])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(codes) != 72621 {
		t.Fatalf("read %d FY2021 codes; want 72621", len(codes))
	}
	return codes
}

// readCSVGz reads a gzipped CSV file of the shared data folder whole.
func readCSVGz(t testing.TB, rel string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(shareddata.Open(t, rel)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestReadMapWorkbook: HCUP's reference file as shipped, an Excel workbook,
// is refused in one line that says to save the sheet as CSV.
func TestReadMapWorkbook(t *testing.T) {
	p := shareddata.Path(t, "ccsr/DXCCSR-Reference-File-v2023-1.xlsx")
	_, err := ReadMapFile(p)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 1 {
		t.Fatalf("err = %v (%T), want a *ParseError at line 1", err, err)
	}
	if !errors.Is(err, ErrWorkbook) || !strings.Contains(err.Error(), "DX_to_CCSR_Mapping") || strings.Contains(err.Error(), "\n") {
		t.Errorf("err = %q, want one line naming the sheet to save as CSV (ErrWorkbook)", err)
	}
}
