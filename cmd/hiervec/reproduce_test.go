package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReproduceThenEvaluateAgree runs the main job at a tiny size and
// checks that "hiervec evaluate" on its embeddings.json gives the numbers
// of its report.json, as the README promises.
func TestReproduceThenEvaluateAgree(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runCLI(t, "reproduce", "-out", dir, "-patients", "300", "-dims", "4,8", "-epochs", "1",
		"-window", "10", "-threads", "1", "-k", "5,10", "-quiet")
	if code != 0 {
		t.Fatalf("reproduce exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "| SG | 8 |") || !strings.Contains(stdout, "trained 12 runs") {
		t.Errorf("stdout lacks the table or the run count:\n%s", stdout)
	}
	report, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	code, evalOut, stderr := runCLI(t, "evaluate", "-embeddings", filepath.Join(dir, "embeddings.json"),
		"-ccsr", filepath.Join(dir, "ccsr.csv"), "-k", "5,10", "-seed", "1", "-threads", "1", "-json", "-quiet",
		"-outcomes", filepath.Join(dir, "outcomes.csv"), "-input", filepath.Join(dir, "extract.csv"))
	if code != 0 {
		t.Fatalf("evaluate exit %d: %s", code, stderr)
	}
	var rj struct {
		Runs []struct{ Sets json.RawMessage }
	}
	if err := json.Unmarshal(report, &rj); err != nil || len(rj.Runs) != 1 {
		t.Fatalf("report.json: %v, %d runs", err, len(rj.Runs))
	}
	if !sameJSON(t, []byte(evalOut), rj.Runs[0].Sets) {
		t.Fatalf("evaluate and report.json differ:\nevaluate:\n%.600s\nreport.json:\n%.600s", evalOut, rj.Runs[0].Sets)
	}

	// Same arguments again: everything is resumed, nothing retrained.
	code, stdout, stderr = runCLI(t, "reproduce", "-out", dir, "-patients", "300", "-dims", "4,8", "-epochs", "1",
		"-window", "10", "-threads", "1", "-k", "5,10", "-quiet")
	if code != 0 || !strings.Contains(stdout, "trained 0 runs (12 resumed)") {
		t.Fatalf("second run exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestReproduceUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{}, "-out is required"},
		{[]string{"-out", t.TempDir(), "-dims", "ten"}, "not an integer"},
		{[]string{"-out", t.TempDir(), "-models", "glove"}, "glove"},
		{[]string{"-out", t.TempDir(), "-input", "x.csv"}, "CCSR"},
	} {
		code, _, stderr := runCLI(t, append([]string{"reproduce", "-quiet"}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.msg)
		}
	}
}
