package corpus

import (
	"bufio"
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/internal/shareddata"
)

func TestICD10CMSyntax(t *testing.T) {
	huge := strings.Repeat("E", 10<<20)
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"E11.9", true},
		{"e119", true},
		{"E119", true},
		{" E11.9 ", true},
		{"\tE11.9\r\n", true}, // surrounding white space is trimmed
		{"A00", true},
		{"C4A.0", true},      // a letter third
		{"S72.001A", true},   // 7 characters
		{"T84.V400", true},   // letters after the third (the synthetic hierarchy's codes)
		{"C67.S36", true},    //
		{"U07.1", true},      // COVID-19
		{"z99.89", true},     // lower case
		{"E1", false},        // too short
		{"E", false},         //
		{"E11.99999", false}, // 8 characters without the dot
		{"E1199999", false},  //
		{"11E.9", false},     // starts with a digit
		{"EE1.9", false},     // second is not a digit
		{"E11.9.1", false},   // two dots
		{"E1.19", false},     // dot after the second
		{"E119.", false},     // dot after the fourth
		{"E11.", false},      // nothing after the dot
		{".E119", false},     //
		{"E11 9", false},     // inner space
		{"E11\n9", false},    // inner newline
		{"E11-9", false},     //
		{"E11\x009", false},  //
		{"É11.9", false},     // not ASCII
		{"E11\xff", false},   // invalid UTF-8
		{"\xff\xfe", false},  //
		{"", false},          //
		{"   ", false},       //
		{".", false},         //
		{huge, false},        // a 10 MB value
		{"Q004211", true},    // an MRN shaped like a code: only a code list can tell
		{"PAT-SECRET-98765", false},
		{"2019-01-01", false},
		{"123456789", false},
		{"CIR007", false}, // a CCSR category is not a code
		{"patient_id", false},
	} {
		if got := ICD10CM.Valid(c.in); got != c.want {
			t.Errorf("ICD10CM.Valid(%.20q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestICD9CMSyntax(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"250.00", true},
		{"25000", true},
		{"401.9", true},
		{"4019", true},
		{"038", true},
		{"V70.0", true},
		{"v707", true},
		{"V10", true},
		{"E880.9", true},
		{"E8791", true},
		{"E880", true},
		{"E88", false},     // E codes have three digits
		{"E88.09", false},  // E code dot after the fourth
		{"E8809.1", false}, //
		{"25", false},
		{"250000", false},
		{"2500.0", false}, // dot after the fourth
		{"250.", false},
		{"V7", false},
		{"V70.00.1", false},
		{"A00", false}, // ICD-10-CM
		{"E11.9", false},
		{"V7A", false},
		{"", false},
	} {
		if got := ICD9CM.Valid(c.in); got != c.want {
			t.Errorf("ICD9CM.Valid(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestParseCodeSystem(t *testing.T) {
	for _, c := range []struct {
		in   string
		want *CodeSystem
	}{{"icd10cm", ICD10CM}, {"ICD10CM", ICD10CM}, {"", ICD10CM}, {" icd9cm ", ICD9CM}} {
		got, err := ParseCodeSystem(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseCodeSystem(%q) = %v, %v", c.in, got, err)
		}
	}
	re, err := ParseCodeSystem("regex:[A-Z]{3}[0-9]{2}")
	if err != nil {
		t.Fatal(err)
	}
	if re.String() != "regex:[A-Z]{3}[0-9]{2}" || re.Name() != "pattern [A-Z]{3}[0-9]{2}" {
		t.Errorf("String %q, Name %q", re.String(), re.Name())
	}
	if back, err := ParseCodeSystem(re.String()); err != nil || back.String() != re.String() {
		t.Errorf("round trip: %v, %v", back, err)
	}
	for in, want := range map[string]bool{
		"ABC12": true, "abc12": true, "AB.C12": true, // normalised first: upper case, the dot removed
		"ABC123": false, "XABC12": false, // anchored
		"ABC 12": false, "A.B.C12": false,
	} {
		if got := re.Valid(in); got != want {
			t.Errorf("%s.Valid(%q) = %v, want %v", re, in, got, want)
		}
	}
	// Whatever the pattern, a code is short printable ASCII.
	any, _ := ParseCodeSystem("regex:.*")
	for in, want := range map[string]bool{"X": true, strings.Repeat("X", MaxCodeLen): true, strings.Repeat("X", MaxCodeLen+1): false, "A B": false, "A\x01": false, "Ä": false} {
		if got := any.Valid(in); got != want {
			t.Errorf("regex:.* Valid(%.40q) = %v, want %v", in, got, want)
		}
	}
	for _, bad := range []string{"icd11", "regex:", "regex:[", "snomed"} {
		if _, err := ParseCodeSystem(bad); err == nil {
			t.Errorf("ParseCodeSystem(%q): no error", bad)
		}
	}
}

// TestRealCodesPass: every code of the FY2021 ICD-10-CM code set, and every
// ICD-9-CM and ICD-10-CM code of MIMIC-IV's diagnosis dictionary, passes
// its system's syntax, dotless as published and with the dot where it is
// written; none passes the other system's unless shapes coincide.
func TestRealCodesPass(t *testing.T) {
	zr := shareddata.Open(t, "icd10cm/icd10cm_codes_2021.txt.gz")
	n := 0
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		code, _, _ := strings.Cut(sc.Text(), " ")
		dotted := code
		if len(code) > 3 {
			dotted = code[:3] + "." + code[3:]
		}
		if !ICD10CM.Valid(code) || !ICD10CM.Valid(dotted) || !ICD10CM.Valid(strings.ToLower(dotted)) {
			t.Errorf("ICD-10-CM code %s (%s) fails the syntax", code, dotted)
		}
		n++
	}
	if n != 72621 {
		t.Errorf("%d codes read, want 72,621", n)
	}

	zg := shareddata.Open(t, "mimic-iv-demo-2.2/hosp/d_icd_diagnoses.csv.gz")
	recs, err := csv.NewReader(zg).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, r := range recs[1:] {
		code, version := r[0], r[1]
		sys := ICD10CM
		if version == "9" {
			sys = ICD9CM
		}
		dot := 3
		if strings.HasPrefix(code, "E") && version == "9" {
			dot = 4
		}
		dotted := code
		if len(code) > dot {
			dotted = code[:dot] + "." + code[dot:]
		}
		if !sys.Valid(code) || !sys.Valid(dotted) {
			t.Errorf("ICD-%s code %s (%s) fails the syntax", version, code, dotted)
		}
		count[version]++
	}
	if count["9"] < 10000 || count["10"] < 50000 {
		t.Errorf("dictionary counts %v: too few codes read", count)
	}
}

func TestCodeGate(t *testing.T) {
	run := func(bad func(i int) bool, n int) (stoppedAt int, endFails bool) {
		var g codeGate
		for i := 1; i <= n; i++ {
			if g.syntax(bad(i)) {
				return i, true
			}
		}
		return 0, g.syntaxFails()
	}
	for _, c := range []struct {
		name    string
		bad     func(i int) bool
		n       int
		stop    int
		endFail bool
	}{
		{"all bad", func(int) bool { return true }, 100000, codeCheckFirst, true},
		{"all good", func(int) bool { return false }, 100000, 0, false},
		{"first 19 bad", func(i int) bool { return i < 20 }, 100000, 0, false},
		{"one good among the first 20", func(i int) bool { return i != 7 }, 100000, 1000, true}, // over 5% at 1,000
		{"5% exactly", func(i int) bool { return i%20 == 0 }, 100000, 0, false},
		{"a burst after 1,000", func(i int) bool { return i > 2000 && i <= 2200 }, 100000, 2106, true},
		{"late surge", func(i int) bool { return i > 90000 }, 100000, 94737, true},
		{"small file all bad", func(int) bool { return true }, 5, 0, true},
		{"small file one bad", func(i int) bool { return i == 3 }, 10, 0, false},
		{"30 rows, two bad", func(i int) bool { return i == 3 || i == 25 }, 30, 0, true},
	} {
		stop, end := run(c.bad, c.n)
		if stop != c.stop || end != c.endFail {
			t.Errorf("%s: stopped at %d (fails %v), want %d (fails %v)", c.name, stop, end, c.stop, c.endFail)
		}
	}

	var g codeGate
	for i := 1; i <= codeCheckFirst; i++ {
		if stop := g.list(true); stop != (i == codeCheckFirst) {
			t.Fatalf("list check at %d: stop %v", i, stop)
		}
	}
	g = codeGate{}
	for i := 0; i < 100; i++ {
		g.list(i%2 == 0) // half absent: not more than half
	}
	if g.listFails() {
		t.Error("half absent refused")
	}
	g.list(true)
	if !g.listFails() {
		t.Error("more than half absent accepted")
	}
}

func TestReadCodeList(t *testing.T) {
	l, err := ReadCodeList(context.Background(), strings.NewReader("ICD-10-CM CODE,DESC\n'A000',Cholera\n\nE11.9 Diabetes\n\"I10\"\tHypertension\n"), "list.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != 3 || !l.Has("A000") || !l.Has("E119") || !l.Has("I10") || l.Has("E11.9") {
		t.Errorf("list of %d: A000 %v E119 %v I10 %v", l.Len(), l.Has("A000"), l.Has("E119"), l.Has("I10"))
	}
	_, err = ReadCodeList(context.Background(), strings.NewReader("code\nE119\n"+secretID+"\n"), "list.txt", nil)
	if err == nil || !strings.Contains(err.Error(), "list.txt:3:1: a value of 16 characters") || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("err = %v", err)
	}
	if _, err := ReadCodeList(context.Background(), strings.NewReader("code\n"), "empty.txt", nil); err == nil {
		t.Error("an empty list: no error")
	}
	p := shareddata.Path(t, "icd10cm/icd10cm_codes_2021.txt.gz")
	full, err := ReadCodeListFile(context.Background(), p, ICD10CM)
	if err != nil {
		t.Fatal(err)
	}
	if full.Len() != 72621 || !full.Has("S72001A") {
		t.Errorf("CMS list: %d codes", full.Len())
	}
	// A CCSR map of an earlier year as the list: it lacks few codes of a
	// later year (the package doc's argument for the 50% share).
	ccsr, err := ReadCodeListFile(context.Background(), shareddata.Path(t, "ccsr/DXCCSR-Reference-File-v2020-1.DXCCSR_Mapping.csv.gz"), nil)
	if err != nil {
		t.Fatal(err)
	}
	absent := 0
	for c := range full.codes {
		if !ccsr.Has(c) {
			absent++
		}
	}
	if ccsr.Len() != 72715 || absent != 496 {
		t.Errorf("CCSR v2020.1 list: %d codes, %d FY2021 codes absent; want 72,715 and 496", ccsr.Len(), absent)
	}
}
