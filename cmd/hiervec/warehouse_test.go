package main

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/hiervec/hiervec/internal/ehrtest"
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
