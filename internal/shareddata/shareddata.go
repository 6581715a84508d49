// Package shareddata locates the public reference files (HCUP CCSR maps, the
// ICD-10-CM code list, the MIMIC-IV demo) that tests and benchmarks read from
// the shared/data folder beside the repository. The files are never copied
// into the repository; tests that need one skip, naming it, when it is absent.
//
// The folder is $HIERVEC_SHARED_DATA when set, otherwise ../shared/data
// relative to the module root (the folder holding go.mod).
package shareddata

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Dir returns the shared data folder, or "" when it cannot be found.
func Dir() string {
	if d := os.Getenv("HIERVEC_SHARED_DATA"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(dir), "shared", "data")
		}
		if filepath.Dir(dir) == dir {
			return ""
		}
	}
}

// Path returns the path of rel (e.g. "ccsr/hcup.data_CCSR_DX_mapping_v2022-1.csv.gz")
// inside the shared data folder, or skips the test, naming the file, when it
// is absent.
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	dir := Dir()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if dir == "" {
		p = filepath.Join("..", "shared", "data", filepath.FromSlash(rel))
	}
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared data file %s is absent (%v); skipping", p, err)
	}
	return p
}

// Open opens rel in the shared data folder, decompressed when its name ends
// in .gz, and closes it when the test ends; it skips the test, naming the
// file, when the file is absent.
func Open(tb testing.TB, rel string) io.Reader {
	tb.Helper()
	f, err := os.Open(Path(tb, rel))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	if !strings.HasSuffix(rel, ".gz") {
		return f
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatalf("%s: %v", rel, err)
	}
	return zr
}
