package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/benchmarks"
)

// buildHiervec builds this command into a temporary directory: bench runs
// hiervec as a subprocess, and the test binary is not hiervec.
func buildHiervec(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the hiervec binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "hiervec")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func TestBenchEndToEnd(t *testing.T) {
	bin := buildHiervec(t)
	work := t.TempDir()
	md := filepath.Join(t.TempDir(), "RESULTS.md")
	args := []string{"bench", "-patients", "300", "-models", "sg", "-dims", "10", "-threads", "1", "-epochs", "1",
		"-workdir", work, "-hiervec", bin, "-json", "-out", md, "-quiet"}
	var out, errb bytes.Buffer
	if code := run(context.Background(), args, &out, &errb); code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, errb.String())
	}
	var res benchmarks.Results
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("output is not the JSON results: %v\n%s", err, out.String())
	}
	if len(res.Rows) != 1 {
		t.Fatalf("%d rows, want 1 (hiervec, sg, dim 10, 1 thread): %+v", len(res.Rows), res.Rows)
	}
	r := res.Rows[0]
	if r.Tool != "hiervec" || r.Model != "sg" || r.Dim != 10 || r.Threads != 1 {
		t.Errorf("row %+v, want hiervec sg dim 10 threads 1", r)
	}
	for name, v := range map[string]float64{"wall": r.Wall, "tokens/s": r.TokensPerSec, "pairs/s": r.PairsPerSec, "peak RSS": r.PeakRSSMiB} {
		if !(v > 0) {
			t.Errorf("%s = %v, want > 0", name, v)
		}
	}
	if res.Corpus.Patients != 300 || res.Corpus.Tokens <= 0 || res.Corpus.PairsPerEpoch < float64(res.Corpus.Tokens) {
		t.Errorf("corpus %+v: want 300 patients, tokens > 0 and more pairs than tokens at window 100", res.Corpus)
	}
	if got, want := r.TokensPerSec*r.Wall, float64(res.Corpus.Tokens); got < want*0.999 || got > want*1.001 {
		t.Errorf("tokens/s x wall = %v, want the corpus's %v tokens x 1 epoch", got, want)
	}
	if _, err := os.Stat(filepath.Join(work, "sequences.txt")); err != nil {
		t.Errorf("the shared sequence file is missing: %v", err)
	}
	table, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(table), "| SG | 10 | 1 | hiervec |") {
		t.Errorf("-out table lacks the hiervec row:\n%s", table)
	}

	// A second run reuses the corpus and prints the Markdown table.
	out.Reset()
	errb.Reset()
	args = []string{"bench", "-patients", "300", "-models", "cbow", "-dims", "10", "-threads", "1", "-epochs", "1",
		"-workdir", work, "-hiervec", bin}
	if code := run(context.Background(), args, &out, &errb); code != 0 {
		t.Fatalf("second run: exit %d, stderr:\n%s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "reusing the corpus") {
		t.Errorf("second run did not reuse the corpus; stderr:\n%s", errb.String())
	}
	if !strings.Contains(out.String(), "| CBOW | 10 | 1 | hiervec |") {
		t.Errorf("table lacks the CBOW row:\n%s", out.String())
	}
}

func TestBenchUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad dims", []string{"-dims", "10,x"}, `"x" is not an integer`},
		{"bad model", []string{"-models", "glove"}, `model "glove"`},
		{"zero epochs", []string{"-epochs", "0"}, "Epochs"},
		{"extra argument", []string{"extra"}, "unexpected arguments"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), append([]string{"bench", "-workdir", t.TempDir()}, tc.args...), &out, &errb)
			if code != 2 {
				t.Errorf("exit %d, want 2 (usage)", code)
			}
			if !strings.Contains(errb.String(), tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, errb.String())
			}
		})
	}
}
