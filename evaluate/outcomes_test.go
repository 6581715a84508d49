package evaluate

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestReadOutcomes(t *testing.T) {
	in := "\xef\xbb\xbfPatient_ID, Year ,mortality,unplanned\n" +
		"P001,2019,0,1\n" +
		"P001,2020,1,0\n" +
		" P002 ,2019, 0 ,0\n"
	o, err := ReadOutcomesFrom(strings.NewReader(in), "o.csv")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(o.Names, ",") != "mortality,unplanned" || o.Len() != 3 {
		t.Fatalf("names %v, %d rows", o.Names, o.Len())
	}
	for _, tc := range []struct {
		id         string
		year       int32
		row        int
		ok         bool
		mort, unpl bool
	}{
		{"P001", 2019, 0, true, false, true},
		{"P001", 2020, 1, true, true, false},
		{"P002", 2019, 2, true, false, false},
		{"P002", 2020, 0, false, false, false},
	} {
		r, ok := o.Row(tc.id, tc.year)
		if ok != tc.ok || (ok && (r != tc.row || o.Values[0][r] != tc.mort || o.Values[1][r] != tc.unpl)) {
			t.Errorf("Row(%s, %d) = %d, %v", tc.id, tc.year, r, ok)
		}
	}
}

func TestReadOutcomesErrors(t *testing.T) {
	const secret = "MRN998877665544"
	for _, tc := range []struct {
		name       string
		in         string
		line, col  int
		sentinel   error
		msgContain string
	}{
		{"empty", "", 1, 0, ErrBadHeader, "empty file"},
		{"no outcome column", "patient_id,year\n", 1, 0, ErrBadHeader, "at least one outcome"},
		{"wrong first column", "id,year,death\n", 1, 1, ErrBadHeader, `want "patient_id"`},
		{"wrong second column", "patient_id,date,death\n", 1, 2, ErrBadHeader, `want "year"`},
		{"no header", secret + ",2019,1\n", 1, 1, ErrBadHeader, "header line missing"},
		{"unnamed outcome", "patient_id,year,death,\n", 1, 4, ErrBadHeader, "no name"},
		{"repeated outcome", "patient_id,year,death,death\n", 1, 4, ErrBadHeader, "repeats column 3"},
		{"bad value", "patient_id,year,death\n" + secret + ",2019,1\n" + secret + ",2020,yes\n", 3, 3, ErrBadValue, `outcome "death" is a value of 3 characters: letters; want 0 or 1`},
		{"bad year", "patient_id,year,death\n" + secret + ",20x9,1\n", 2, 2, ErrBadValue, "year is a value of 4 characters: letters and digits; want a positive integer"},
		// Shifted rows put the identifier where a year or an outcome belongs.
		{"id as year", "patient_id,year,death\n2019," + secret + ",1\n", 2, 2, ErrBadValue, "year is a value of 15 characters: letters and digits"},
		{"digit id as year", "patient_id,year,death\nA,998877665544,1\n", 2, 2, ErrBadValue, "year is a value of 12 characters: digits"},
		{"id as outcome", "patient_id,year,death\n2019,2019," + secret + "\n", 2, 3, ErrBadValue, "is a value of 15 characters"},
		{"odd outcome name", "patient_id,year,MRN 998877665544,MRN 998877665544\n", 1, 4, ErrBadHeader, "outcome a value of 16 characters: letters, digits and spaces repeats column 3"},
		{"empty id", "patient_id,year,death\n ,2019,1\n", 2, 1, ErrBadValue, "empty patient id"},
		{"duplicate", "patient_id,year,death\n" + secret + ",2019,1\nB,2019,0\n" + secret + ",2019,0\n", 4, 0, ErrDuplicateRow, "line 2"},
		{"short row", "patient_id,year,death\n" + secret + ",2019\n", 2, 0, ErrBadValue, "wrong number of fields"},
		{"bad quote", "patient_id,year,death\n\"" + secret + ",2019,1\n", 2, 0, ErrBadValue, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadOutcomesFrom(strings.NewReader(tc.in), "o.csv")
			var pe *OutcomeParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *OutcomeParseError", err)
			}
			if pe.File != "o.csv" || pe.Line != tc.line || pe.Column != tc.col {
				t.Errorf("at %s:%d:%d, want o.csv:%d:%d (%v)", pe.File, pe.Line, pe.Column, tc.line, tc.col, err)
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("err = %v, want %v", err, tc.sentinel)
			}
			if !strings.Contains(err.Error(), tc.msgContain) {
				t.Errorf("err = %q, want it to say %q", err, tc.msgContain)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "998877") {
				t.Errorf("err = %q leaks a patient id", err)
			}
		})
	}
}

func TestReadOutcomesFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "outcomes.csv")
	if err := os.WriteFile(p, []byte("patient_id,year,death\nA,2019,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err := ReadOutcomes(p)
	if err != nil || o.Len() != 1 {
		t.Fatalf("ReadOutcomes = %v, %v", o, err)
	}
	if _, err := ReadOutcomes(filepath.Join(t.TempDir(), "missing.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v", err)
	}
}

// longDigits finds realistic record numbers: 12+ digits cannot come from
// the reader's own text (line and column numbers stay far smaller).
var longDigits = regexp.MustCompile(`[0-9]{12,}`)

func FuzzReadOutcomes(f *testing.F) {
	f.Add("patient_id,year,death,readmit\n123456789012,2019,0,1\n123456789013,2020,1,0\n")
	f.Add("patient_id,year,death\n123456789012,2019,1\n123456789012,2019,0\n")
	f.Add("patient_id,year,death\n\"123456789012\",20x9,1\n")
	f.Add("\xef\xbb\xbfpatient_id,year,a,b,c\n1,1,0,0,0\n")
	f.Add("123456789012,2019,1\n")
	f.Add("PK\x03\x04123456789012,2019,1\n") // a workbook
	f.Fuzz(func(t *testing.T, in string) {
		o, err := ReadOutcomesFrom(strings.NewReader(in), "fuzz.csv")
		if err != nil {
			var pe *OutcomeParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not an *OutcomeParseError", err)
			}
			if pe.Line < 1 {
				t.Fatalf("error at line %d", pe.Line)
			}
			// No patient id may leak: no long digit run of the message may
			// come from a data line (header names, such as an outcome's,
			// may be quoted: they are column names, not identifiers).
			var header string // the header fields, raw and as %q quotes them
			if rec, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(in, "\xef\xbb\xbf"))).Read(); err == nil {
				for _, f := range rec {
					header += f + "\x00" + fmt.Sprintf("%q", strings.TrimSpace(f)) + "\x00"
				}
			}
			for _, m := range longDigits.FindAllString(err.Error(), -1) {
				if strings.Contains(in, m) && !strings.Contains(header, m) {
					t.Fatalf("error %q echoes input %q", err, m)
				}
			}
			return
		}
		for k := range o.Names {
			if len(o.Values[k]) != o.Len() {
				t.Fatalf("outcome %d has %d values for %d rows", k, len(o.Values[k]), o.Len())
			}
		}
		for r := range o.Len() {
			if got, ok := o.Row(o.id(r), o.Years[r]); !ok || got != r {
				t.Fatalf("row %d not found by its key", r)
			}
		}
	})
}

// TestOutcomesHashCollisions narrows the (id, year) hash to two bits, so
// that almost every row collides with an earlier one, and checks that every
// row is still found by its key, that absent keys are not, and that a
// duplicate is still refused naming both lines.
func TestOutcomesHashCollisions(t *testing.T) {
	defer func(m uint64) { hashMask = m }(hashMask)
	hashMask = 3
	var b strings.Builder
	b.WriteString("patient_id,year,death\n")
	for i := range 200 {
		fmt.Fprintf(&b, "p%d,%d,%d\n", i%50, 2019+i/50, i%2)
	}
	o, err := ReadOutcomesFrom(strings.NewReader(b.String()), "o.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(o.collide) < 190 {
		t.Fatalf("%d rows in the collision map: the test does not exercise it", len(o.collide))
	}
	for r := range o.Len() {
		if got, ok := o.Row(fmt.Sprintf("p%d", r%50), int32(2019+r/50)); !ok || got != r {
			t.Fatalf("row %d: Row = %d, %v", r, got, ok)
		}
	}
	for _, k := range []struct {
		id   string
		year int32
	}{{"p50", 2019}, {"p1", 2023}, {"p", 2019}} {
		if r, ok := o.Row(k.id, k.year); ok {
			t.Errorf("absent key %v found at row %d", k, r)
		}
	}
	b.WriteString("p7,2021,1\n") // row 107's key (line 109) again, on line 202
	_, err = ReadOutcomesFrom(strings.NewReader(b.String()), "o.csv")
	if !errors.Is(err, ErrDuplicateRow) || !strings.Contains(err.Error(), "o.csv:202:") || !strings.Contains(err.Error(), "line 109") {
		t.Errorf("duplicate: err = %v", err)
	}
}
