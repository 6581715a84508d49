package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/synth"
)

// smallExtract writes a synthetic extract and its hierarchy for CLI tests.
func smallExtract(t *testing.T, patients int) (extract, ccsr, outcomes string) {
	t.Helper()
	dir := t.TempDir()
	extract, ccsr, outcomes = filepath.Join(dir, "extract.csv"), filepath.Join(dir, "ccsr.csv"), filepath.Join(dir, "outcomes.csv")
	cfg := synth.DefaultConfig()
	cfg.Patients, cfg.Seed = patients, 7
	if _, err := synth.WriteFiles(cfg, extract, ccsr, outcomes); err != nil {
		t.Fatal(err)
	}
	return extract, ccsr, outcomes
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestTrainReleasedKeysAndShapes(t *testing.T) {
	extract, ccsr, _ := smallExtract(t, 400)
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		keys []string
	}{
		{"co-trained SG", []string{"-model", "sg", "-ccsr", ccsr, "-cotrain", "-dim", "12"}, []string{"SG_CO_embeddings_12", "SG_CO_cat_embeddings_12"}},
		{"codes-only CBOW", []string{"-model", "cbow", "-dim", "10"}, []string{"CBOW_SEP_embeddings_10"}},
		{"categories-only SG", []string{"-model", "sg", "-ccsr", ccsr, "-categories-only", "-dim", "8"}, []string{"SG_SEP_cat_embeddings_8"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".json")
			args := append([]string{"train", "-input", extract, "-epochs", "1", "-window", "20", "-threads", "1", "-quiet", "-out", out}, tc.args...)
			code, stdout, stderr := runCLI(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if stderr != "" {
				t.Errorf("-quiet printed %q", stderr)
			}
			if !strings.Contains(stdout, "wrote "+out) {
				t.Errorf("stdout %q does not name the output", stdout)
			}
			sets, err := export.ReadReleased(out)
			if err != nil {
				t.Fatal(err)
			}
			if len(sets) != len(tc.keys) {
				t.Fatalf("got %d sets, want %v", len(sets), tc.keys)
			}
			for i, s := range sets {
				if s.Name != tc.keys[i] {
					t.Errorf("set %d is %s, want %s", i, s.Name, tc.keys[i])
				}
				if s.Len() == 0 {
					t.Errorf("set %s is empty", s.Name)
				}
				info, err := export.ParseReleasedKey(s.Name)
				if err != nil || info.Dim != s.Dim {
					t.Errorf("set %s has dim %d (key parse %v)", s.Name, s.Dim, err)
				}
			}
			if strings.Contains(tc.name, "categories") && sets[0].Len() > 400 {
				t.Errorf("category set has %d tokens, more than the map's 400 categories", sets[0].Len())
			}
		})
	}
}

func TestTrainDeterministicWithOneThread(t *testing.T) {
	extract, _, _ := smallExtract(t, 200)
	dir := t.TempDir()
	var files [2][]byte
	for i := range files {
		out := filepath.Join(dir, "v"+string(rune('a'+i))+".txt")
		code, _, stderr := runCLI(t, "train", "-input", extract, "-model", "sg", "-dim", "16", "-epochs", "2",
			"-window", "10", "-threads", "1", "-seed", "3", "-quiet", "-out", out)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		files[i] = b
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Fatal("two single-thread runs with one seed wrote different vectors")
	}
	header, _, _ := strings.Cut(string(files[0]), "\n")
	var n, dim int
	if _, err := fmt.Sscanf(header, "%d %d", &n, &dim); err != nil || dim != 16 || n < 10 || bytes.Count(files[0], []byte("\n")) != n+1 {
		t.Fatalf("word2vec header %q (n %d, dim %d, %v) does not match the file", header, n, dim, err)
	}
}

func TestTrainUsageAndInputErrors(t *testing.T) {
	extract, _, _ := smallExtract(t, 50)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("patient_id,date,code\nPSECRET1,2019-01-02,E11.9\nPSECRET2,2019-13-45,I10\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "x.json")
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no input", []string{"-out", out}, 2, "-input is required"},
		{"no out", []string{"-input", extract}, 2, "-out is required"},
		{"cotrain without map", []string{"-input", extract, "-out", out, "-cotrain"}, 2, "need -ccsr"},
		{"unknown model", []string{"-input", extract, "-out", out, "-model", "glove"}, 2, "glove"},
		{"unknown extension", []string{"-input", extract, "-out", filepath.Join(dir, "x.xyz")}, 2, "-format"},
		{"bad config", []string{"-input", extract, "-out", out, "-dim", "-3", "-negative", "-1"}, 2, "-negative -1: want an integer from 1 to 100"},
		{"bad dim", []string{"-input", extract, "-out", out, "-dim", "-3"}, 2, "-dim -3: want an integer from 1 to"},
		{"bad date", []string{"-input", bad, "-out", out}, 1, "bad.csv:3:2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append([]string{"train", "-quiet", "-epochs", "1"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.code, stderr)
			}
			if !strings.Contains(stderr, tc.msg) {
				t.Errorf("stderr %q does not mention %q", stderr, tc.msg)
			}
			if strings.Contains(stderr, "PSECRET") {
				t.Errorf("stderr leaks a patient id: %q", stderr)
			}
		})
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed run left %s behind", out)
	}
}
