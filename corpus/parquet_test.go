package corpus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/hiervec/hiervec/internal/ehrtest"
)

// TestParquetMatchesCSV writes the MIMIC-IV demo's diagnoses (ICD-9 rows
// and an icd_version column included) as a CSV extract and as Parquet
// files of every date encoding, id type, row-group and page layout, and
// checks that each Parquet read makes the CSV read's corpus and report.
func TestParquetMatchesCSV(t *testing.T) {
	rows := ehrtest.MIMIC(t)
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "mimic.csv")
	ehrtest.WriteCSV(t, csvPath, rows, true)
	want, wantRep, err := ReadExtractFile(context.Background(), csvPath, DefaultReadOptions())
	if err != nil {
		t.Fatal(err)
	}
	if wantRep.Accepted != 2313 || wantRep.SkippedByReason[ReasonICDVersion] != 2193 {
		t.Fatalf("CSV read: %+v", wantRep)
	}
	for _, p := range []ehrtest.Parquet{
		{Date: ehrtest.DateString},
		{Date: ehrtest.DateString, Dictionary: true, RowGroupRows: 1000, PageBytes: 2048},
		{Date: ehrtest.DateDate, IntPatient: true, RowGroupRows: 777},
		{Date: ehrtest.DateDate},
		{Date: ehrtest.DateMillis, PageBytes: 1024},
		{Date: ehrtest.DateMicros, IntPatient: true},
		{Date: ehrtest.DateNanosLocal, RowGroupRows: 4000},
		{Date: ehrtest.DateInt96},
	} {
		name := fmt.Sprintf("%+v", p)
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "mimic.parquet")
			ehrtest.WriteParquet(t, path, rows, p)
			if f, err := DetectFormat(path, DefaultReadOptions()); err != nil || f != FormatParquet {
				t.Fatalf("DetectFormat = %v, %v; want parquet", f, err)
			}
			got, gotRep, err := ReadFile(context.Background(), path, FormatAuto, DefaultReadOptions())
			if err != nil {
				t.Fatal(err)
			}
			sameRead(t, name, want, wantRep, got, gotRep)
		})
	}
	// Named columns, as -patient-col and friends name them.
	opt := DefaultReadOptions()
	opt.PatientCol, opt.DateCol, opt.CodeCol = "SUBJECT_ID", "admittime", "icd_code"
	path := filepath.Join(dir, "named.parquet")
	ehrtest.WriteParquet(t, path, rows, ehrtest.Parquet{Date: ehrtest.DateDate})
	got, gotRep, err := ReadParquetFile(context.Background(), path, opt)
	if err != nil {
		t.Fatal(err)
	}
	sameRead(t, "named columns", want, wantRep, got, gotRep)
}

// pqRow is a small extract row with nullable fields.
type pqRow struct {
	Patient *string `parquet:"patient_id,optional"`
	Date    *string `parquet:"date,optional"`
	Code    *string `parquet:"code,optional"`
}

func writeRows[T any](t *testing.T, rows []T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[T](f)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func ptr(s string) *string { return &s }

// TestParquetBadRows: nulls and bad values are the CSV reader's bad rows,
// counted with SkipBad and errors naming the row and column without the
// patient id otherwise.
func TestParquetBadRows(t *testing.T) {
	good := func(i int) pqRow {
		return pqRow{ptr(fmt.Sprintf("%s%d", hostileID, i%3)), ptr("2019-03-04"), ptr([]string{"E11.9", "I10", "J45.909"}[i%3])}
	}
	var rows []pqRow
	for i := 0; i < 30; i++ {
		rows = append(rows, good(i))
	}
	rows[3].Patient = nil                 // null patient
	rows[5].Date = ptr(hostileID)         // an id where the date should be
	rows[7].Date = nil                    // null date
	rows[9].Code = nil                    // null code
	rows[11].Code = ptr(hostileID + "42") // an id where the code should be
	rows[13].Patient = ptr("  ")          // blank patient
	path := writeRows(t, rows)

	opt := DefaultReadOptions()
	opt.SkipBad = true
	c, rep, err := ReadParquetFile(context.Background(), path, opt)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{ReasonEmptyPatient: 2, ReasonDate: 2, ReasonEmptyCode: 1, ReasonCodeSyntax: 1}
	for k, n := range want {
		if rep.SkippedByReason[k] != n {
			t.Errorf("skipped %s = %d, want %d (%v)", k, rep.SkippedByReason[k], n, rep.SkippedByReason)
		}
	}
	if rep.Rows != 30 || rep.Accepted != 24 || rep.Rows != rep.Accepted+rep.Skipped {
		t.Errorf("rows %d, accepted %d, skipped %d; want 30, 24, 6", rep.Rows, rep.Accepted, rep.Skipped)
	}
	noIdentifier(t, "skip-bad", nil, c)

	for _, tt := range []struct {
		name, want string
		row        int
	}{
		{"null patient", "row 4, column 1: patient id is empty", 3},
		{"id as date", "row 6, column 2: date a value of", 5},
	} {
		rs := append([]pqRow(nil), rows[:tt.row+1]...)
		for i := range rs[:tt.row] {
			rs[i] = good(i)
		}
		_, _, err := ReadParquetFile(context.Background(), writeRows(t, rs), DefaultReadOptions())
		var pe *ParseError
		if !errors.As(err, &pe) || !pe.Row || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want a row *ParseError with %q", tt.name, err, tt.want)
		}
		noIdentifier(t, tt.name, err, nil)
	}
}

// TestParquetRefusals: what the reader refuses, and that it says why
// without quoting the data.
func TestParquetRefusals(t *testing.T) {
	type codeInt struct {
		Patient string `parquet:"patient_id"`
		Date    string `parquet:"date"`
		Code    int64  `parquet:"code"`
	}
	type dateInt struct {
		Patient string `parquet:"patient_id"`
		Date    int64  `parquet:"date"`
		Code    string `parquet:"code"`
	}
	type repeated struct {
		Patient string   `parquet:"patient_id"`
		Date    string   `parquet:"date"`
		Code    []string `parquet:"code"`
	}
	type noCode struct {
		Patient string `parquet:"patient_id"`
		Date    string `parquet:"date"`
		Other   string `parquet:"other"`
	}
	type ids struct {
		Patient string `parquet:"patient_id"`
		Date    string `parquet:"date"`
		Code    string `parquet:"code"`
	}
	var idRows []ids
	for i := 0; i < 40; i++ {
		idRows = append(idRows, ids{"p", "2019-01-01", fmt.Sprintf("%s-%d", hostileID, i)})
	}
	good := writeRows(t, []ids{{hostileID, "2019-01-01", "E11.9"}})
	b, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(t.TempDir(), "t.parquet")
	if err := os.WriteFile(truncated, b[:len(b)-3], 0o644); err != nil {
		t.Fatal(err)
	}
	notParquet := filepath.Join(t.TempDir(), "x.csv")
	if err := os.WriteFile(notParquet, []byte("patient_id,date,code\n"+hostileID+",2019-01-01,E11.9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, path, want string
		is               error
	}{
		{"integer codes", writeRows(t, []codeInt{{hostileID, "2019-01-01", 42}}), `column 3 "code" (the code column) is of Parquet type INT64 (INT(64,true)); expected a string column`, nil},
		{"undated integer", writeRows(t, []dateInt{{hostileID, 20190101, "E11.9"}}), `(the date column) is of Parquet type INT64 (INT(64,true)); expected a DATE, a TIMESTAMP or a string column`, nil},
		{"repeated codes", writeRows(t, []repeated{{hostileID, "2019-01-01", []string{"E11.9"}}}), "nested or repeated", nil},
		{"no code column", writeRows(t, []noCode{{hostileID, "2019-01-01", "E11.9"}}), "no code column found", nil},
		{"ids as codes", writeRows(t, idRows), "does not look like a column of ICD-10-CM codes", ErrCodeColumn},
		{"truncated", truncated, "truncated", nil},
		{"not parquet", notParquet, "not a Parquet file", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadParquetFile(context.Background(), tt.path, DefaultReadOptions())
			if err == nil || !strings.Contains(err.Error(), tt.want) || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
			noIdentifier(t, tt.name, err, nil)
		})
	}
}

// TestParquetStops: a done context stops the read.
func TestParquetStops(t *testing.T) {
	rows := ehrtest.MIMIC(t)
	path := filepath.Join(t.TempDir(), "m.parquet")
	ehrtest.WriteParquet(t, path, rows, ehrtest.Parquet{Date: ehrtest.DateDate})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := ReadParquetFile(ctx, path, DefaultReadOptions())
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "reading stopped at row 1") {
		t.Errorf("error %v, want one wrapping context.Canceled at row 1", err)
	}
}

// TestCivilFromDays checks the day arithmetic against the calendar on
// both sides of the epoch and across leap days.
func TestCivilFromDays(t *testing.T) {
	for _, tt := range []struct {
		days    int64
		y, m, d int64
	}{
		{0, 1970, 1, 1}, {-1, 1969, 12, 31}, {59, 1970, 3, 1}, {11016, 2000, 2, 29}, {11017, 2000, 3, 1},
		{-719162, 1, 1, 1}, {2932896, 9999, 12, 31}, {51134, 2110, 1, 1},
	} {
		if y, m, d := civilFromDays(tt.days); y != tt.y || m != tt.m || d != tt.d {
			t.Errorf("civilFromDays(%d) = %d-%d-%d, want %d-%d-%d", tt.days, y, m, d, tt.y, tt.m, tt.d)
		}
	}
}

// FuzzReadParquet feeds the Parquet reader damaged files whose patient
// fields hold the sentinel: it must return a corpus or an error, never
// panic, and never put the sentinel in an error or a token.
func FuzzReadParquet(f *testing.F) {
	type row struct {
		Patient string `parquet:"patient_id"`
		Date    int32  `parquet:"date,date"`
		Code    string `parquet:"code,dict"`
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[row](&buf)
	if _, err := w.Write([]row{{fuzzSentinel, 18000, "E11.9"}, {fuzzSentinel, 18001, fuzzSentinel}, {"p2", 18002, "I10"}}); err != nil {
		f.Fatal(err)
	}
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes(), false)
	f.Add(buf.Bytes(), true)
	f.Fuzz(func(t *testing.T, data []byte, skipBad bool) {
		opt := DefaultReadOptions()
		opt.SkipBad = skipBad
		c, rep, err := ReadParquet(context.Background(), bytes.NewReader(data), int64(len(data)), "f.parquet", opt)
		assertNoSentinel(t, err, c)
		if err == nil && rep.Rows != rep.Accepted+rep.Skipped {
			t.Fatalf("rows %d != accepted %d + skipped %d", rep.Rows, rep.Accepted, rep.Skipped)
		}
	})
}
