package hierarchy

import (
	"bytes"
	"compress/gzip"
	"errors"
	"slices"
	"strings"
	"testing"
)

// v2020Wide is the DXCCSR layout before v2021.1: no default columns, values
// single-quoted, here with every field also double-quoted.
const v2020Wide = `"'ICD-10-CM CODE'","'ICD-10-CM CODE DESCRIPTION'","'CCSR CATEGORY 1'","'CCSR CATEGORY 1 DESCRIPTION'","'CCSR CATEGORY 2'","'CCSR CATEGORY 2 DESCRIPTION'","'CCSR CATEGORY 3'","'CCSR CATEGORY 3 DESCRIPTION'","'CCSR CATEGORY 4'","'CCSR CATEGORY 4 DESCRIPTION'","'CCSR CATEGORY 5'","'CCSR CATEGORY 5 DESCRIPTION'","'CCSR CATEGORY 6'","'CCSR CATEGORY 6 DESCRIPTION'"
"'A000'","'Cholera due to Vibrio cholerae 01, biovar cholerae'","'DIG001'","'Intestinal infection'","'INF003'","'Bacterial infections'","' '","' '","' '","' '","' '","' '","' '","' '"
"'I10'","'Essential (primary) hypertension'","'CIR007'","'Essential hypertension'","' '","' '","' '","' '","' '","' '","' '","' '","' '","' '"
`

const v2020Long = `ICD-10-CM CODE,ICD-10-CM CODE DESCRIPTION,CCSR CATEGORY,CCSR CATEGORY DESCRIPTION
A000,"Cholera due to Vibrio cholerae 01, biovar cholerae",DIG001,Intestinal infection
A000,"Cholera due to Vibrio cholerae 01, biovar cholerae",INF003,Bacterial infections
I10,Essential (primary) hypertension,CIR007,Essential hypertension
`

const v2023Long = `"Searchable list of ICD-10-CM diagnosis codes mapped to CCSR categories, including default assignment for principal or first-listed diagnosis, v2023.1",,,,,
ICD-10-CM Code,ICD-10-CM Code Description,CCSR Category,CCSR Category Description,Inpatient Default CCSR (Y/N/X),Outpatient Default CCSR (Y/N/X)
A000,"Cholera due to Vibrio cholerae 01, biovar cholerae",DIG001,Intestinal infection,Y,Y
A000,"Cholera due to Vibrio cholerae 01, biovar cholerae",INF003,Bacterial infections,N,N
B6013,Keratoconjunctivitis due to Acanthamoeba,EYE001,Cornea and external disease,X,Y
B6013,Keratoconjunctivitis due to Acanthamoeba,INF009,"Parasitic, other specified and unspecified infections",X,N
B950,"Streptococcus, group A, as the cause of diseases classified elsewhere",INF003,Bacterial infections,X,X
`

const hcupDataWide = `"I10_DX","I10DX_text","default_CCSR_IP","default_CCSR_OP","CCSR1","CCSR2","CCSR3","CCSR4","CCSR5","CCSR6"
"A000","Cholera due to Vibrio cholerae 01, biovar cholerae","DIG001","DIG001","DIG001","INF003",,,,
"A0101","Typhoid meningitis","NVS001","NVS001","INF003","NVS001",,,,
"B6013","Keratoconjunctivitis due to Acanthamoeba","XXX000","EYE001","EYE001","INF009",,,,
`

const plainMap = `category_description,code,extra,category
Intestinal infection,a00.0,x,DIG001
Bacterial infections,A00.0,x,INF003
Bacterial infections,A000,x,INF003
Essential hypertension,I10,x,CIR007
`

func TestReadMapLayouts(t *testing.T) {
	sample := readTestdata(t, "DXCCSR_v2022-1_sample.CSV")
	type want struct {
		code                string
		all                 []string
		first, defIP, defOP string
		codeDesc            string
	}
	tests := []struct {
		name, in, format string
		codes, cats      int
		policy           Policy
		hasIP, hasOP     bool
		stats            MapStats
		want             []want
		catDesc          map[string]string
	}{
		{
			name: "dxccsr v2022 sample", in: sample, format: FormatDXCCSR, codes: 8, cats: 11, policy: PolicyDefaultOP, hasIP: true, hasOP: true,
			stats: MapStats{Rows: 8, Pairs: 13, UnacceptableIP: 3, UnacceptableOP: 1},
			want: []want{
				{"A000", []string{"DIG001", "INF003"}, "DIG001", "DIG001", "DIG001", "Cholera due to Vibrio cholerae 01, biovar cholerae"},
				{"A0101", []string{"INF003", "NVS001"}, "INF003", "NVS001", "NVS001", "Typhoid meningitis"},
				// XXX000 inpatient default falls back to CCSR CATEGORY 1.
				{"B6013", []string{"EYE001", "INF009"}, "EYE001", "EYE001", "EYE001", "Keratoconjunctivitis due to Acanthamoeba"},
				{"B950", []string{"INF003"}, "INF003", "INF003", "INF003", "Streptococcus, group A, as the cause of diseases classified elsewhere"},
				{"E1122", []string{"END003", "END005", "GEN003"}, "END003", "END003", "END003", "Type 2 diabetes mellitus with diabetic chronic kidney disease"},
				{"Z3A01", []string{"PRG002"}, "PRG002", "PRG002", "PRG002", "Less than 8 weeks gestation of pregnancy"},
			},
			catDesc: map[string]string{"INF009": "Parasitic, other specified and unspecified infections", "END005": "Diabetes mellitus, Type 2", "XXX000": "Unacceptable principal diagnosis (inpatient data)"},
		},
		{
			name: "dxccsr v2020 no defaults", in: v2020Wide, format: FormatDXCCSR, codes: 2, cats: 3, policy: PolicyFirst,
			stats: MapStats{Rows: 2, Pairs: 3},
			want: []want{
				{"A000", []string{"DIG001", "INF003"}, "DIG001", "DIG001", "DIG001", "Cholera due to Vibrio cholerae 01, biovar cholerae"},
				{"I10", []string{"CIR007"}, "CIR007", "CIR007", "CIR007", "Essential (primary) hypertension"},
			},
			catDesc: map[string]string{"CIR007": "Essential hypertension"},
		},
		{
			name: "reference-long v2020", in: v2020Long, format: FormatReferenceLong, codes: 2, cats: 3, policy: PolicyFirst,
			stats: MapStats{Rows: 3, Pairs: 3},
			want: []want{
				{"A000", []string{"DIG001", "INF003"}, "DIG001", "DIG001", "DIG001", "Cholera due to Vibrio cholerae 01, biovar cholerae"},
			},
			catDesc: map[string]string{"INF003": "Bacterial infections"},
		},
		{
			name: "reference-long v2023 with title row", in: v2023Long, format: FormatReferenceLong, codes: 3, cats: 4, policy: PolicyDefaultOP, hasIP: true, hasOP: true,
			stats: MapStats{Rows: 5, Pairs: 5, UnacceptableIP: 2, UnacceptableOP: 1},
			want: []want{
				{"A000", []string{"DIG001", "INF003"}, "DIG001", "DIG001", "DIG001", "Cholera due to Vibrio cholerae 01, biovar cholerae"},
				{"B6013", []string{"EYE001", "INF009"}, "EYE001", "EYE001", "EYE001", "Keratoconjunctivitis due to Acanthamoeba"},
				{"B950", []string{"INF003"}, "INF003", "INF003", "INF003", "Streptococcus, group A, as the cause of diseases classified elsewhere"},
			},
			catDesc: map[string]string{"INF009": "Parasitic, other specified and unspecified infections"},
		},
		{
			name: "hcup.data wide", in: hcupDataWide, format: FormatHCUPDataWide, codes: 3, cats: 5, policy: PolicyDefaultOP, hasIP: true, hasOP: true,
			stats: MapStats{Rows: 3, Pairs: 6, UnacceptableIP: 1},
			want: []want{
				{"A0101", []string{"INF003", "NVS001"}, "INF003", "NVS001", "NVS001", "Typhoid meningitis"},
			},
		},
		{
			name: "plain, columns in any order, duplicates counted", in: plainMap, format: FormatPlain, codes: 2, cats: 3, policy: PolicyFirst,
			stats: MapStats{Rows: 4, Pairs: 3, Duplicates: 1},
			want: []want{
				{"A000", []string{"DIG001", "INF003"}, "DIG001", "DIG001", "DIG001", ""},
			},
			catDesc: map[string]string{"CIR007": "Essential hypertension"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ReadMap(strings.NewReader(tt.in), tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if m.Format() != tt.format || m.NumCodes() != tt.codes || m.NumCategories() != tt.cats || m.DefaultPolicy() != tt.policy {
				t.Errorf("format %s codes %d cats %d policy %v; want %s %d %d %v", m.Format(), m.NumCodes(), m.NumCategories(), m.DefaultPolicy(), tt.format, tt.codes, tt.cats, tt.policy)
			}
			if ip, op := m.HasDefaults(); ip != tt.hasIP || op != tt.hasOP {
				t.Errorf("HasDefaults = %v, %v; want %v, %v", ip, op, tt.hasIP, tt.hasOP)
			}
			if m.Stats() != tt.stats {
				t.Errorf("Stats = %+v; want %+v", m.Stats(), tt.stats)
			}
			if !slices.IsSorted(m.Codes()) || !slices.IsSorted(m.AllCategories()) || len(m.Codes()) != m.NumCodes() {
				t.Errorf("Codes/AllCategories not sorted or wrong length")
			}
			for _, w := range tt.want {
				if got := m.Categories(w.code, PolicyAll); !slices.Equal(got, w.all) {
					t.Errorf("%s all = %v; want %v", w.code, got, w.all)
				}
				for _, pc := range []struct {
					p    Policy
					want string
				}{{PolicyFirst, w.first}, {PolicyDefaultIP, w.defIP}, {PolicyDefaultOP, w.defOP}} {
					if got := m.Categories(w.code, pc.p); len(got) != 1 || got[0] != pc.want {
						t.Errorf("%s %v = %v; want [%s]", w.code, pc.p, got, pc.want)
					}
				}
				if got := m.CodeDescription(w.code); got != w.codeDesc {
					t.Errorf("%s description %q; want %q", w.code, got, w.codeDesc)
				}
			}
			for c, d := range tt.catDesc {
				if got := m.CategoryDescription(c); got != d {
					t.Errorf("category %s description %q; want %q", c, got, d)
				}
			}
			if got := m.Categories("ZZZ999", PolicyAll); got != nil {
				t.Errorf("unmapped code gave %v", got)
			}
			if _, ok := m.Category("ZZZ999"); ok {
				t.Errorf("Category of unmapped code reports ok")
			}
		})
	}
}

func TestReadMapDefaultsAsGiven(t *testing.T) {
	m, err := ReadMap(strings.NewReader(readTestdata(t, "DXCCSR_v2022-1_sample.CSV")), "sample")
	if err != nil {
		t.Fatal(err)
	}
	if ip, op := m.DefaultCategories("B950"); ip != "XXX000" || op != "XXX111" {
		t.Errorf("B950 defaults %q %q", ip, op)
	}
	if c, ok := m.Category("A0101"); !ok || c != "NVS001" {
		t.Errorf("Category(A0101) = %q, %v; want the OP default NVS001", c, ok)
	}
}

func TestReadMapGzip(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(v2020Long))
	zw.Close()
	m, err := ReadMap(&buf, "x.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	if m.NumCodes() != 2 || m.Format() != FormatReferenceLong {
		t.Fatalf("gzip map: %d codes, format %s", m.NumCodes(), m.Format())
	}
}

func TestReadMapErrors(t *testing.T) {
	tests := []struct {
		name, in   string
		sentinel   error
		line, col  int
		msgContain string
	}{
		{"empty", "", ErrNoHeader, 1, 0, "empty input"},
		{"unknown header", "foo,bar\nA000,DIG001\n", ErrUnknownLayout, 1, 0, "plain           code,category"},
		{"field count", "code,category\nA000,DIG001,extra\n", ErrFieldCount, 2, 13, "got 3, want 2"},
		{"empty code", "code,category\n' ',DIG001\n", ErrBadCode, 2, 1, "want an ICD-10-CM code"},
		{"bad code", "code,category\nA0-00,DIG001\n", ErrBadCode, 2, 1, "letters and digits"},
		{"empty category long", "code,category\nA000,\n", ErrBadCategory, 2, 6, "want a category"},
		{"category with space", "code,category\nA000,DIG 001\n", ErrBadCategory, 2, 6, "white space"},
		{"bad flag", v2023Long[strings.IndexByte(v2023Long, '\n')+1:] + "I10,x,CIR007,y,Q,Y\n", ErrBadFlag, 7, 16, "want Y"},
		{"two inpatient defaults", "ICD-10-CM Code,CCSR Category,Inpatient Default CCSR (Y/N/X)\nA000,DIG001,Y\nA000,INF003,Y\n", ErrConflictingDefault, 3, 13, "inpatient default INF003 after DIG001"},
		{"wide conflicting default", hcupDataWide + `"A000","x","INF003","DIG001","DIG001",,,,,` + "\n", ErrConflictingDefault, 5, 12, "inpatient"},
		{"bare quote", "code,category\nA000,\"DIG001\n", nil, 2, 0, "extraneous or missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadMap(strings.NewReader(tt.in), "map.csv")
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T); want *ParseError", err, err)
			}
			if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
				t.Errorf("error %v does not wrap %v", err, tt.sentinel)
			}
			if pe.File != "map.csv" || pe.Line != tt.line || (tt.col != 0 && pe.Column != tt.col) {
				t.Errorf("at %s:%d:%d; want map.csv:%d:%d (%v)", pe.File, pe.Line, pe.Column, tt.line, tt.col, err)
			}
			if !strings.Contains(err.Error(), tt.msgContain) || !strings.HasPrefix(err.Error(), "hierarchy: map.csv:") {
				t.Errorf("message %q lacks %q or the hierarchy: file prefix", err, tt.msgContain)
			}
		})
	}
}

func TestReadMapWideRowWithoutCategory(t *testing.T) {
	in := hcupDataWide + `"R69","Illness, unspecified","","",,,,,,` + "\n"
	m, err := ReadMap(strings.NewReader(in), "wide")
	if err != nil {
		t.Fatal(err)
	}
	if m.Stats().NoCategory != 1 || m.NumCodes() != 3 || m.Categories("R69", PolicyAll) != nil {
		t.Errorf("NoCategory %d, codes %d; want the blank row counted and its code unmapped", m.Stats().NoCategory, m.NumCodes())
	}
}

func TestWritePlainRoundTrip(t *testing.T) {
	for _, tc := range []struct{ name, in string }{
		{"dxccsr", readTestdata(t, "DXCCSR_v2022-1_sample.CSV")},
		{"long", v2023Long},
		{"plain", plainMap},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ReadMap(strings.NewReader(tc.in), tc.name)
			if err != nil {
				t.Fatal(err)
			}
			assertRoundTrip(t, m)
		})
	}
}

// assertRoundTrip writes m in the plain layout, reads it back and checks
// that codes, categories and descriptions are unchanged.
func assertRoundTrip(t testing.TB, m *Map) {
	t.Helper()
	var buf bytes.Buffer
	if err := WritePlain(&buf, m); err != nil {
		t.Fatal(err)
	}
	back, err := ReadMap(&buf, "plain")
	if err != nil {
		t.Fatalf("reading WritePlain output: %v", err)
	}
	if back.Format() != FormatPlain || !slices.Equal(back.Codes(), m.Codes()) || !slices.Equal(back.AllCategories(), m.AllCategories()) {
		t.Fatalf("round trip: %d codes %d categories; want %d %d", back.NumCodes(), back.NumCategories(), m.NumCodes(), m.NumCategories())
	}
	for _, c := range m.Codes() {
		if !slices.Equal(back.Categories(c, PolicyAll), m.Categories(c, PolicyAll)) || back.CodeDescription(c) != m.CodeDescription(c) {
			t.Fatalf("round trip %s: %v %q; want %v %q", c, back.Categories(c, PolicyAll), back.CodeDescription(c), m.Categories(c, PolicyAll), m.CodeDescription(c))
		}
	}
	for _, c := range m.AllCategories() {
		if back.CategoryDescription(c) != m.CategoryDescription(c) {
			t.Fatalf("round trip category %s: %q; want %q", c, back.CategoryDescription(c), m.CategoryDescription(c))
		}
	}
}

func TestCategoriesSliceIsCapped(t *testing.T) {
	m, err := ReadMap(strings.NewReader(v2020Long), "long")
	if err != nil {
		t.Fatal(err)
	}
	first := m.Categories("A000", PolicyFirst)
	_ = append(first, "MUTATED")
	if got := m.Categories("A000", PolicyAll); !slices.Equal(got, []string{"DIG001", "INF003"}) {
		t.Fatalf("appending to a returned slice changed the map: %v", got)
	}
}

func TestParsePolicy(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Policy
	}{{"default-op", PolicyDefaultOP}, {" Default-IP ", PolicyDefaultIP}, {"first", PolicyFirst}, {"ALL", PolicyAll}} {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParsePolicy(tt.in)
			if err != nil || p != tt.want {
				t.Fatalf("ParsePolicy(%q) = %v, %v", tt.in, p, err)
			}
			if back, _ := ParsePolicy(p.String()); back != p {
				t.Fatalf("String round trip %v -> %v", p, back)
			}
		})
	}
	if _, err := ParsePolicy("default"); !errors.Is(err, ErrUnknownPolicy) || !strings.Contains(err.Error(), "default-op, default-ip, first, all") {
		t.Fatalf("ParsePolicy(default) error %v", err)
	}
	if s := Policy(9).String(); s != "Policy(9)" {
		t.Fatalf("Policy(9).String() = %q", s)
	}
}
