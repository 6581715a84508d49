package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/trainer"
)

const inspectSecret = "PATIENT-SECRET-4242"

// inspectExtract writes a small extract: 3 patients, 4 patient-years, one
// ICD-9 row, one bad date.
func inspectExtract(t *testing.T) string {
	t.Helper()
	data := "patient_id,date,code,icd_version\n" +
		inspectSecret + ",2019-01-01,E11.9,10\n" +
		inspectSecret + ",2019-01-01,I10,10\n" +
		inspectSecret + ",2019-06-01,E11.9,10\n" +
		inspectSecret + ",2020-01-01,Z99.9,10\n" +
		"p2,2019-02-02,I10,10\n" +
		"p2,2019-02-02,4019,9\n" +
		"p3,2019-13-01,I10,10\n" +
		"p3,2019-03-03,Z99A,10\n"
	p := filepath.Join(t.TempDir(), "extract.csv")
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runInspectJSON(t *testing.T, args ...string) map[string]any {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(context.Background(), append([]string{"inspect", "-json"}, args...), &out, &errb); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errb.String())
	}
	if strings.Contains(out.String(), inspectSecret) || strings.Contains(errb.String(), inspectSecret) {
		t.Fatal("inspect printed a patient id")
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, out.String())
	}
	return m
}

func TestInspectJSON(t *testing.T) {
	ex := inspectExtract(t)
	ccsr := filepath.Join(t.TempDir(), "map.csv")
	if err := os.WriteFile(ccsr, []byte("code,category\nE119,END002\nI10,CIR007\nI10,CIR008\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want map[string]float64
	}{
		{"extract", []string{"-input", ex, "-skip-bad"}, map[string]float64{
			"rows": 8, "accepted_rows": 6, "skipped_rows": 2, "patients": 3, "patient_years": 4,
			"tokens": 6, "vocabulary": 4, "visits": 5,
		}},
		{"dedupe and min-count", []string{"-input", ex, "-skip-bad", "-dedupe", "-min-count", "2", "-dim", "10"}, map[string]float64{
			"rows": 8, "skipped_rows": 2, "patients": 2, "patient_years": 2, "tokens": 2, "vocabulary": 1,
			"deduped_tokens": 1, "dropped_min_count_codes": 3, "dropped_min_count_tokens": 3, "empty_sequences_dropped": 2,
		}},
		{"with ccsr", []string{"-input", ex, "-skip-bad", "-ccsr", ccsr}, map[string]float64{
			"tokens": 6, "vocabulary": 4, "ccsr_codes": 2, "ccsr_categories": 3, "unmapped_codes": 2, "unmapped_tokens": 2,
		}},
		{"ccsr alone", []string{"-ccsr", ccsr, "-policy", "all"}, map[string]float64{
			"ccsr_codes": 2, "ccsr_categories": 3,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := runInspectJSON(t, tt.args...)
			for k, want := range tt.want {
				if got, ok := m[k].(float64); !ok || got != want {
					t.Errorf("%s = %v, want %v", k, m[k], want)
				}
			}
		})
	}

	m := runInspectJSON(t, "-input", ex, "-skip-bad", "-dim", "10", "-model", "cbow", "-threads", "1")
	reasons, _ := m["skipped_by_reason"].(map[string]any)
	if reasons["icd_version"] != 1.0 || reasons["date"] != 1.0 {
		t.Errorf("skipped_by_reason = %v, want icd_version 1, date 1", m["skipped_by_reason"])
	}
	mem, _ := m["training_memory"].(map[string]any)
	// 2 matrices x 4 words x 10 dims x 4 bytes; 6 tokens x 2 bytes (a vocabulary
	// of fewer than 65,536 words) + 8 bytes x (2 x 5 sequence offsets + 6 visit offsets).
	if mem["model_bytes"] != 320.0 || mem["corpus_bytes"] != float64(6*2+8*(2*5+6)) || mem["staging_bytes"] != 0.0 ||
		mem["total_bytes"] != float64(320+6*2+8*(2*5+6)) || mem["model"] != "cbow" || mem["threads"] != 1.0 {
		t.Errorf("training_memory = %v", mem)
	}
	// A sequence file: one visit per sequence, one array of offsets.
	seqs := filepath.Join(t.TempDir(), "seqs.txt")
	if err := os.WriteFile(seqs, []byte("A00 B00\nB00\nC00 A00 B00\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mem, _ = runInspectJSON(t, "-input", seqs, "-input-format", "sequences", "-dim", "10", "-model", "cbow", "-threads", "1")["training_memory"].(map[string]any)
	if mem["model_bytes"] != float64(2*3*10*4) || mem["corpus_bytes"] != float64(6*2+8*4) {
		t.Errorf("sequence file: training_memory = %v, want model %d, corpus %d", mem, 2*3*10*4, 6*2+8*4)
	}
	// Skip-Gram on three threads: its padded rows and two threads' copies of
	// the staged rows, as the trainer allocates them.
	mem, _ = runInspectJSON(t, "-input", seqs, "-input-format", "sequences", "-dim", "10", "-model", "sg", "-threads", "3")["training_memory"].(map[string]any)
	cfg := trainer.DefaultConfig(trainer.SkipGram)
	cfg.Dim, cfg.Workers = 10, 3
	want := trainer.EstimateMemory([]int64{3, 2, 1}, cfg) // B00 A00 C00
	if want.Staging == 0 || mem["model_bytes"] != float64(want.Model) || mem["staging_bytes"] != float64(want.Staging) ||
		mem["total_bytes"] != float64(want.Model+want.Staging+6*2+8*4) {
		t.Errorf("sequence file, sg, 3 threads: training_memory = %v, want model %d, staging %d", mem, want.Model, want.Staging)
	}
	lengths, _ := m["sequence_length"].(map[string]any)
	if lengths["max"] != 3.0 || lengths["median"] != 1.0 || lengths["mean"] != 1.5 {
		t.Errorf("sequence_length = %v, want median 1, mean 1.5, max 3", lengths)
	}

	m = runInspectJSON(t, "-input", ex, "-skip-bad", "-ccsr", ccsr, "-min-patients", "1")
	// Both unmapped codes occur once: ties are listed by code.
	top, _ := json.Marshal(m["top_unmapped"])
	if want := `[{"code":"Z999","count":1},{"code":"Z99A","count":1}]`; string(top) != want {
		t.Errorf("top_unmapped = %s, want %s", top, want)
	}
	// Under the default small-cell threshold they are counted, not named.
	m = runInspectJSON(t, "-input", ex, "-skip-bad", "-ccsr", ccsr)
	if m["top_unmapped"] != nil || m["unmapped_codes"] != 2.0 {
		t.Errorf("default -min-patients: top_unmapped = %v, unmapped_codes = %v; want none named, 2 counted", m["top_unmapped"], m["unmapped_codes"])
	}
	if sc, _ := m["small_cells"].(map[string]any); sc["min_patients"] != 11.0 || sc["codes"] == 0.0 {
		t.Errorf("small_cells = %v", m["small_cells"])
	}
	if m = runInspectJSON(t, "-ccsr", ccsr); m["rows"] != nil || m["tokens"] != nil {
		t.Errorf("-ccsr alone printed corpus keys: %v", m)
	}
}

func TestInspectText(t *testing.T) {
	ex := inspectExtract(t)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"inspect", "-input", ex, "-skip-bad"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"patients         3", "patient-years    4", "skipped rows     2 (date 1, icd_version 1)", "vocabulary       4",
		"sequence length  median 1, mean 1.50, p90 3, p99 3, max 3"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), inspectSecret) {
		t.Error("output holds a patient id")
	}
}

func TestInspectExitCodes(t *testing.T) {
	ex := inspectExtract(t)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no input", nil, 2, "-input or -ccsr is required"},
		{"bad format", []string{"-input", ex, "-input-format", "xml"}, 2, `-input-format "xml": want auto`},
		{"bad min-count", []string{"-input", ex, "-min-count", "0"}, 2, "-min-count 0: want 1 or more"},
		{"bad dim", []string{"-input", ex, "-dim", "0"}, 2, "-dim is 0"},
		{"policy without map", []string{"-input", ex, "-policy", "all"}, 2, "-policy needs -ccsr"},
		{"bad row", []string{"-input", ex}, 1, "extract.csv:8:2: date \"2019-13-01\""},
		{"missing file", []string{"-input", filepath.Join(t.TempDir(), "none.csv")}, 1, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), append([]string{"inspect"}, tt.args...), &out, &errb)
			if code != tt.code || !strings.Contains(errb.String(), tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errb.String(), tt.code, tt.want)
			}
			if strings.Contains(errb.String(), inspectSecret) {
				t.Error("stderr holds a patient id")
			}
		})
	}
}
