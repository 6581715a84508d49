package main

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/internal/ehrtest"
	"github.com/hiervec/hiervec/internal/pgtest"
)

// sameInspect fails unless two inspect -json outputs agree on everything
// but the input's name and format.
func sameInspect(t *testing.T, what string, want, got map[string]any) {
	t.Helper()
	for _, m := range []map[string]any{want, got} {
		delete(m, "input")
		delete(m, "format")
		delete(m, "sources")
	}
	if !reflect.DeepEqual(want, got) {
		t.Errorf("%s: inspect -json\n%v\nthe CSV's\n%v", what, got, want)
	}
}

// TestInspectParquetMatchesCSV: inspect gives the same figures for the
// MIMIC-IV demo's diagnoses as a CSV extract and as a Parquet file.
func TestInspectParquetMatchesCSV(t *testing.T) {
	rows := ehrtest.MIMIC(t)
	dir := t.TempDir()
	csvPath, pqPath := filepath.Join(dir, "mimic.csv"), filepath.Join(dir, "mimic.parquet")
	ehrtest.WriteCSV(t, csvPath, rows, true)
	ehrtest.WriteParquet(t, pqPath, rows, ehrtest.Parquet{Date: ehrtest.DateDate, IntPatient: true, RowGroupRows: 1000})
	want := runInspectJSON(t, "-input", csvPath)
	got := runInspectJSON(t, "-input", pqPath)
	if got["format"] != "parquet" || got["rows"] != 4506.0 || got["accepted_rows"] != 2313.0 {
		t.Errorf("parquet: format %v, rows %v, accepted %v; want parquet, 4506, 2313", got["format"], got["rows"], got["accepted_rows"])
	}
	sameInspect(t, "parquet", want, got)
}

// TestDatabaseInput: inspect on an OMOP CDM database built from the
// MIMIC-IV demo gives the figures it gives on the equivalent CSV extract;
// train reads the database too; neither prints the password or a patient
// id, whatever the rows hold.
func TestDatabaseInput(t *testing.T) {
	srv := pgtest.Start(t)
	rows := ehrtest.MIMIC(t)
	sample := pgtest.OMOPSample(t, rows)
	conn := srv.CreateDB(t, "omop")
	pgtest.LoadOMOP(t, conn, "cdm", "cdm", sample)
	csvPath := filepath.Join(t.TempDir(), "omop.csv")
	ehrtest.WriteCSV(t, csvPath, sample.Rows, true)
	url := srv.URL("omop")

	want := runInspectJSON(t, "-input", csvPath)
	got := runInspectJSON(t, "-input", url)
	if got["format"] != "database" || strings.Contains(fmt.Sprint(got["input"]), srv.Password) || got["accepted_rows"] != 2313.0 {
		t.Errorf("format %v, input %v, accepted %v; want database, no password, 2313", got["format"], got["input"], got["accepted_rows"])
	}
	if src, _ := got["sources"].([]any); len(src) != 4 {
		t.Errorf("sources: %v, want the 4 tables", got["sources"])
	}
	sameInspect(t, "database", want, got)

	// Hostile rows: a person whose source values are ids and text.
	pgtest.Exec(t, conn, fmt.Sprintf(`INSERT INTO cdm.condition_occurrence (condition_occurrence_id, person_id, condition_concept_id,
		condition_start_date, condition_type_concept_id, condition_source_value, condition_source_concept_id) VALUES
		(900001, 424242, 0, '2150-01-01', 32817, '%[1]s', 0), (900002, 424242, 0, '2150-01-02', 32817, 'history of %[1]s', NULL)`, inspectSecret))
	out := filepath.Join(t.TempDir(), "v.txt")
	for _, args := range [][]string{
		{"inspect", "-input", url},
		{"train", "-input", url, "-dim", "8", "-epochs", "1", "-threads", "1", "-min-patients", "1", "-out", out},
		{"inspect", "-input", url, "-query", "SELECT person_id, condition_start_date, condition_source_value FROM cdm.condition_occurrence WHERE coalesce(condition_source_concept_id, 0) < 2000000"},
		{"inspect", "-input", strings.Replace(url, srv.Password, srv.Password+"0", 1)},
		{"inspect", "-input", url, "-omop-schema", "nosuch"},
	} {
		code, stdout, stderr := runCLI(t, args...)
		for _, secret := range []string{srv.Password, inspectSecret, "424242"} {
			if strings.Contains(stdout+stderr, secret) {
				t.Errorf("%v printed %q:\n%s%s", abbreviateArgs(args), secret, stdout, stderr)
			}
		}
		wantCode := 0
		if strings.Contains(strings.Join(args, " "), "nosuch") || strings.Contains(strings.Join(args, " "), srv.Password+"0") {
			wantCode = 1
		}
		if code != wantCode {
			t.Errorf("%v: exit %d, want %d\n%s", abbreviateArgs(args), code, wantCode, stderr)
		}
	}
	if b, err := os.ReadFile(out); err != nil || strings.Contains(string(b), inspectSecret) {
		t.Errorf("train's output: %v", err)
	}

	// Database flags need a database, and -query excludes the schemas;
	// reproduce refuses a database.
	for _, args := range [][]string{
		{"inspect", "-input", csvPath, "-query", "SELECT 1"},
		{"inspect", "-input", csvPath, "-omop-schema", "cdm"},
		{"inspect", "-input", url, "-query", "SELECT 1", "-vocab-schema", "v"},
		{"reproduce", "-input", url, "-ccsr", csvPath, "-out", t.TempDir()},
		{"inspect", "-input", url, "-input-format", "extract"},
		{"inspect", "-input", csvPath, "-input-format", "database"},
		{"train", "-input", url, "-code-col", "condition_source_value", "-out", filepath.Join(t.TempDir(), "x.txt")},
	} {
		if code, _, stderr := runCLI(t, args...); code != 2 || strings.Contains(stderr, srv.Password) {
			t.Errorf("%v: exit %d, want 2\n%s", abbreviateArgs(args), code, stderr)
		}
	}
}

// abbreviateArgs shows a command line in a message, URLs without their
// password.
func abbreviateArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = corpus.InputName(a)
	}
	return out
}
