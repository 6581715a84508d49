package corpus

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// seqStrings renders each sequence as its visits, tokens joined by spaces
// and visits by " | ".
func seqStrings(c *Corpus) []string {
	var out []string
	for s := 0; s < c.NumSeqs(); s++ {
		var vs []string
		for v := c.FirstVisit(s); v < c.FirstVisit(s+1); v++ {
			var ws []string
			for _, t := range c.Visit(int(v)).All() {
				ws = append(ws, c.Vocab.Words[t])
			}
			vs = append(vs, strings.Join(ws, " "))
		}
		out = append(out, strings.Join(vs, " | "))
	}
	return out
}

func readString(t *testing.T, data string, opt ReadOptions) (*Corpus, *ReadReport) {
	t.Helper()
	c, rep, err := ReadExtract(context.Background(), strings.NewReader(data), "extract.csv", opt)
	if err != nil {
		t.Fatalf("ReadExtract: %v", err)
	}
	if err := c.check(); err != nil {
		t.Fatalf("corpus invariants: %v", err)
	}
	if rep.Rows != rep.Accepted+rep.Skipped {
		t.Errorf("Rows %d != Accepted %d + Skipped %d", rep.Rows, rep.Accepted, rep.Skipped)
	}
	return c, rep
}

func TestReadExtractGrouping(t *testing.T) {
	// Patient B is seen first; A's 2019 rows come after its 2020 rows in the
	// file; within a date the input order is kept.
	data := "patient_id,date,code,extra\n" +
		"B,2020-05-01,i10,x\n" +
		"A,2020-01-02,E11.9,x\n" +
		"A,2019-07-01,J45,x\n" +
		"A,2019-03-04,Z00.0,x\n" +
		"A,2019-03-04,E11.9,x\n" +
		"B,2020-01-01, r05 ,x\n" +
		"A,2019-07-01,E11.9,x\n"
	c, rep := readString(t, data, DefaultReadOptions())
	want := []string{
		"R05 | I10",            // B 2020
		"Z000 E119 | J45 E119", // A 2019
		"E119",                 // A 2020
	}
	if got := seqStrings(c); !reflect.DeepEqual(got, want) {
		t.Errorf("sequences = %q, want %q", got, want)
	}
	if !reflect.DeepEqual(c.Years, []int32{2020, 2019, 2020}) {
		t.Errorf("Years = %v", c.Years)
	}
	if !reflect.DeepEqual(c.Patients, []int32{0, 1, 1}) {
		t.Errorf("Patients = %v", c.Patients)
	}
	if !reflect.DeepEqual(rep.PatientIDs, []string{"B", "A"}) {
		t.Errorf("PatientIDs = %v", rep.PatientIDs)
	}
	// Vocabulary: count descending, ties by token ascending.
	if want := []string{"E119", "I10", "J45", "R05", "Z000"}; !reflect.DeepEqual(c.Vocab.Words, want) {
		t.Errorf("vocab = %v, want %v", c.Vocab.Words, want)
	}
	if want := []int64{3, 1, 1, 1, 1}; !reflect.DeepEqual(c.Vocab.Counts, want) {
		t.Errorf("counts = %v, want %v", c.Vocab.Counts, want)
	}
	if id, ok := c.Vocab.ID("J45"); !ok || id != 2 {
		t.Errorf("ID(J45) = %d, %v", id, ok)
	}
	wantRep := ReadReport{Rows: 7, Accepted: 7, SkippedByReason: map[string]int64{}, CodeSystem: "icd10cm", Patients: 2, PatientYears: 3, Tokens: 7, PatientIDs: []string{"B", "A"}}
	if !reflect.DeepEqual(*rep, wantRep) {
		t.Errorf("report = %+v, want %+v", *rep, wantRep)
	}
}

func TestReadExtractDedupeMinCount(t *testing.T) {
	data := "person_id\tcondition_start_date\tcondition_source_value\n" +
		"1\t2019-01-01\tA00\n" +
		"1\t2019-01-01\tA00\n" +
		"1\t2019-02-01\tB00\n" +
		"1\t2019-03-01\tA00\n" +
		"2\t2019-01-01\tC00\n" +
		"2\t2019-01-02\tC00\n" +
		"3\t2019-01-01\tD00\n" +
		"3\t2020-01-01\tA00\n"
	tests := []struct {
		name   string
		dedupe bool
		min    int
		want   []string
		rep    ReadReport
	}{
		{"none", false, 1, []string{"A00 A00 | B00 | A00", "C00 | C00", "D00", "A00"},
			ReadReport{Patients: 3, PatientYears: 4, Tokens: 8}},
		{"dedupe", true, 1, []string{"A00 | B00", "C00", "D00", "A00"},
			ReadReport{Patients: 3, PatientYears: 4, Tokens: 5, DedupedTokens: 3}},
		{"min-count 2", false, 2, []string{"A00 A00 | A00", "C00 | C00", "A00"},
			ReadReport{Patients: 3, PatientYears: 3, Tokens: 6, DroppedMinCountTokens: 2, DroppedMinCountCodes: 2, EmptySequencesDropped: 1}},
		{"dedupe and min-count 2", true, 2, []string{"A00", "A00"},
			ReadReport{Patients: 2, PatientYears: 2, Tokens: 2, DedupedTokens: 3, DroppedMinCountTokens: 3, DroppedMinCountCodes: 3, EmptySequencesDropped: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := DefaultReadOptions()
			opt.Dedupe, opt.MinCount = tt.dedupe, tt.min
			c, rep := readString(t, data, opt)
			if got := seqStrings(c); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("sequences = %q, want %q", got, tt.want)
			}
			tt.rep.Rows, tt.rep.Accepted = 8, 8
			tt.rep.SkippedByReason = map[string]int64{}
			tt.rep.CodeSystem = "icd10cm"
			tt.rep.PatientIDs = []string{"1", "2", "3"}
			if !reflect.DeepEqual(*rep, tt.rep) {
				t.Errorf("report = %+v\nwant     %+v", *rep, tt.rep)
			}
			var n int64
			for _, k := range c.Vocab.Counts {
				n += k
			}
			if n != int64(c.Tokens.Len()) {
				t.Errorf("counts sum to %d, %d tokens", n, c.Tokens.Len())
			}
		})
	}
}

const secretID = "PAT-SECRET-98765"

func TestReadExtractErrors(t *testing.T) {
	hdr := "subject_id,admittime,icd_code\n"
	ok := secretID + ",2019-01-01,A00\n"
	tests := []struct {
		name   string
		data   string
		want   string // substring of the error
		reason string // skip reason with SkipBad
		line   int
		col    int
	}{
		{"bad date", hdr + ok + secretID + ",2019-13-45,A00\n",
			`corpus: extract.csv:3:2: date "2019-13-45": expected a date like 2019-03-04, 2019-03-04 14:38:00 or 03/04/2019`, ReasonDate, 3, 2},
		{"empty code", hdr + ok + ok + secretID + ",2019-01-01, \n",
			"corpus: extract.csv:4:3: code is empty", ReasonEmptyCode, 4, 3},
		{"missing field", hdr + secretID + ",2019-01-01\n",
			"corpus: extract.csv:2:3: code: missing field: the row has 2 fields, expected 3", ReasonMissingField, 2, 3},
		{"empty patient", hdr + ",2019-01-01,A00\n",
			"corpus: extract.csv:2:1: patient id is empty", ReasonEmptyPatient, 2, 1},
		{"bare quote", hdr + secretID + `,2019-01-01,A"00` + "\n",
			`corpus: extract.csv:2: bare " in non-quoted-field (at character 30); expected RFC 4180 quoting`, ReasonQuoting, 2, 0},
		{"quoted field over two lines then bad date", hdr + `"` + secretID + "\n" + `x",2019-02-30,A00` + "\n",
			"corpus: extract.csv:3:2: date", ReasonDate, 3, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadExtract(context.Background(), strings.NewReader(tt.data), "extract.csv", DefaultReadOptions())
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), secretID) || strings.Contains(err.Error(), "SECRET") {
				t.Errorf("error %q reveals the patient id", err)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError", err)
			}
			if pe.Line != tt.line || pe.Column != tt.col || pe.File != "extract.csv" {
				t.Errorf("ParseError at %s:%d:%d, want extract.csv:%d:%d", pe.File, pe.Line, pe.Column, tt.line, tt.col)
			}
			opt := DefaultReadOptions()
			opt.SkipBad = true
			_, rep := readString(t, tt.data+ok, opt)
			if rep.Skipped != 1 || rep.SkippedByReason[tt.reason] != 1 {
				t.Errorf("SkipBad report %+v, want 1 skipped for %s", rep, tt.reason)
			}
		})
	}
}

func TestReadExtractSkipBadAccounting(t *testing.T) {
	data := "patient,date,code,icd_version\n" +
		"p1,2019-01-01,A00,10\n" +
		"p1,2019-01-01,4139,9\n" + // ICD-9: skipped, counted
		"p1,not a date,A00,10\n" +
		"p2,2019-01-01,,10\n" +
		"p2,2019-01-01\n" +
		",2019-01-01,B00,10\n" +
		"p2,2019-01-02,B00,10\n" +
		"p3,2019-01-01,V707, 9\n"
	opt := DefaultReadOptions()
	opt.SkipBad = true
	c, rep := readString(t, data, opt)
	want := map[string]int64{ReasonICDVersion: 2, ReasonDate: 1, ReasonEmptyCode: 1, ReasonMissingField: 1, ReasonEmptyPatient: 1}
	if !reflect.DeepEqual(rep.SkippedByReason, want) {
		t.Errorf("SkippedByReason = %v, want %v", rep.SkippedByReason, want)
	}
	if rep.Rows != 8 || rep.Accepted != 2 || rep.Skipped != 6 {
		t.Errorf("rows %d accepted %d skipped %d, want 8 2 6", rep.Rows, rep.Accepted, rep.Skipped)
	}
	if got := seqStrings(c); !reflect.DeepEqual(got, []string{"A00", "B00"}) {
		t.Errorf("sequences = %q", got)
	}
	// Without SkipBad the ICD-9 rows are still only skipped; the first bad
	// date stops the read.
	_, _, err := ReadExtract(context.Background(), strings.NewReader(data), "x.csv", DefaultReadOptions())
	if err == nil || !strings.Contains(err.Error(), "x.csv:4:2: date") {
		t.Errorf("err = %v", err)
	}
}

func TestReadExtractColumns(t *testing.T) {
	tests := []struct {
		name    string
		header  string
		opt     ReadOptions
		wantErr string // "" when the header must be accepted
	}{
		{"common names", "PATIENT_ID,Service_Date,ICD10\n", ReadOptions{}, ""},
		{"mimic", "subject_id,hadm_id,admittime,icd_code,icd_version\n", ReadOptions{}, ""},
		{"chosen", "pid,when,what\n", ReadOptions{PatientCol: "PID", DateCol: "when", CodeCol: "what"}, ""},
		{"chosen overrides ambiguity", "patient,patient_id,date,code\n", ReadOptions{PatientCol: "patient_id"}, ""},
		{"missing", "pid,date,code\n", ReadOptions{}, `extract.csv: header line: no patient column found (looked for patient_id`},
		{"missing names the flag", "pid,date,code\n", ReadOptions{}, `name it with -patient-col NAME (PatientCol)`},
		{"missing lists header", "pid,date,code\n", ReadOptions{}, `the header's columns are 1 "pid", 2 "date", 3 "code"`},
		{"ambiguous", "patient,patient_id,date,code\n", ReadOptions{}, `the patient column is ambiguous: columns 1 "patient" and 2 "patient_id" both match; choose one with -patient-col NAME`},
		{"chosen absent", "patient,date,code\n", ReadOptions{CodeCol: "dx9"}, `no code column named "dx9"`},
		{"empty file", "", ReadOptions{}, "empty file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := DefaultReadOptions()
			opt.PatientCol, opt.DateCol, opt.CodeCol = tt.opt.PatientCol, tt.opt.DateCol, tt.opt.CodeCol
			_, _, err := ReadExtract(context.Background(), strings.NewReader(tt.header), "extract.csv", opt)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("error %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestReadExtractEncodings(t *testing.T) {
	want := []string{"A000 | B01", "C02"}
	plain := "patient_id,date,code\n1,2019-01-01,A00.0\n1,2019-01-05,B01\n2,2019-01-01,C02\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(plain))
	zw.Close()
	tests := []struct{ name, data string }{
		{"plain", plain},
		{"bom", "\ufeff" + plain},
		{"crlf", strings.ReplaceAll(plain, "\n", "\r\n")},
		{"tsv", strings.ReplaceAll(plain, ",", "\t")},
		{"quoted", "\"patient_id\",\"date\",\"code\"\n\"1\",\"2019-01-01\",\"A00.0\"\n\"1\",\"2019-01-05\",\"B01\"\n\"2\",\"2019-01-01\",\"C02\"\n"},
		{"no final newline", strings.TrimSuffix(plain, "\n")},
		{"gzip", gz.String()},
		{"bom crlf tsv", "\ufeff" + strings.ReplaceAll(strings.ReplaceAll(plain, ",", "\t"), "\n", "\r\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := readString(t, tt.data, DefaultReadOptions())
			if got := seqStrings(c); !reflect.DeepEqual(got, want) {
				t.Errorf("sequences = %q, want %q", got, want)
			}
		})
	}
	t.Run("gzip file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "extract.csv.gz")
		if err := os.WriteFile(p, gz.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		c, _, err := ReadExtractFile(context.Background(), p, DefaultReadOptions())
		if err != nil {
			t.Fatal(err)
		}
		if got := seqStrings(c); !reflect.DeepEqual(got, want) {
			t.Errorf("sequences = %q, want %q", got, want)
		}
	})
}

func TestReadOptionsValidate(t *testing.T) {
	if err := DefaultReadOptions().Validate(); err != nil {
		t.Fatalf("default options invalid: %v", err)
	}
	err := ReadOptions{MinCount: 0, PatientCol: "x", CodeCol: "X"}.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"MinCount is 0", `PatientCol and CodeCol both name column "X"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	for in, want := range map[string]string{"e11.9 ": "E119", "A00.0": "A000", " z00 ": "Z00", "": "", "S72.001A": "S72001A"} {
		if got := NormalizeCode(in); got != want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAppendCodeAgrees(t *testing.T) {
	for _, c := range []struct {
		in    string
		ok    bool
		dotAt int
	}{
		{"e11.9 ", true, 3}, {"A00.0", true, 3}, {" z00 ", true, -1}, {"S72.001A", true, 3}, {"\tj45.909\r", true, 3},
		{"", false, -1}, {"\u00a0e11.9", false, -1}, {"ä11.9", false, -1}, {"..", false, -1}, {" . ", false, -1}, {"E 1", false, -1},
	} {
		got, dot, ok := appendCode([]byte("x"), c.in)
		if ok != c.ok || ok && (string(got) != "x"+NormalizeCode(c.in) || dot != c.dotAt) {
			t.Errorf("appendCode(%q) = %q, %d, %v; want NormalizeCode %q, %d, %v", c.in, got, dot, ok, NormalizeCode(c.in), c.dotAt, c.ok)
		}
	}
}

// TestReadExtractManyChunks reads an extract of several row chunks, in
// random patient and date order, with more distinct codes than 2-byte ids
// can number arriving half-way (so some chunks hold 2-byte and later ones
// 4-byte ids), and compares every sequence with a grouping done here the
// plain way: per patient and year, rows stably sorted by date, a visit per
// date.
func TestReadExtractManyChunks(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const nRows = 3<<rowChunkBits + 123
	type row struct {
		patient, date int
		code          string
	}
	rows := make([]row, nRows)
	var b strings.Builder
	b.WriteString("patient_id,date,code\n")
	for i := range rows {
		r := row{patient: rng.IntN(5000), date: 20190000 + rng.IntN(2)*10000 + (1+rng.IntN(12))*100 + 1 + rng.IntN(28)}
		if i < nRows/2 {
			r.code = fmt.Sprintf("A%03d", rng.IntN(300))
		} else {
			r.code = fmt.Sprintf("B%06d", i) // a new code on every row: past 65,536 distinct
		}
		rows[i] = r
		fmt.Fprintf(&b, "p%d,%d-%02d-%02d,%s\n", r.patient, r.date/10000, r.date/100%100, r.date%100, r.code)
	}
	c, rep := readString(t, b.String(), DefaultReadOptions())
	if rep.Accepted != nRows || c.Tokens.Len() != nRows || !c.Tokens.IsWide() {
		t.Fatalf("accepted %d, tokens %d (wide %v), want %d rows, wide", rep.Accepted, c.Tokens.Len(), c.Tokens.IsWide(), nRows)
	}

	// The plain grouping: patient-years in order of the patient's first row,
	// then year; rows stably sorted by date within one.
	firstSeen := map[int]int{}
	for _, r := range rows {
		if _, ok := firstSeen[r.patient]; !ok {
			firstSeen[r.patient] = len(firstSeen)
		}
	}
	type pyKey struct{ order, year int }
	groups := map[pyKey][]row{}
	for _, r := range rows {
		k := pyKey{firstSeen[r.patient], r.date / 10000}
		groups[k] = append(groups[k], r)
	}
	keys := make([]pyKey, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y pyKey) int { return cmp.Or(x.order-y.order, x.year-y.year) })
	var want []string
	for _, k := range keys {
		g := groups[k]
		slices.SortStableFunc(g, func(x, y row) int { return x.date - y.date })
		var vs []string
		var ws []string
		for i, r := range g {
			if i > 0 && r.date != g[i-1].date {
				vs, ws = append(vs, strings.Join(ws, " ")), nil
			}
			ws = append(ws, r.code)
		}
		want = append(want, strings.Join(append(vs, strings.Join(ws, " ")), " | "))
	}
	got := seqStrings(c)
	if len(got) != len(want) {
		t.Fatalf("%d sequences, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("sequence %d:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
}
