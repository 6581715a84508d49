package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReproduceStudyCommand(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runCLI(t, "reproduce", "-study", "hierarchy", "-out", dir, "-patients", "600", "-dims", "6", "-models", "cbow",
		"-epochs", "1", "-window", "10", "-threads", "1", "-k", "8", "-methods", "SEP,compose,retrofit-SEP", "-holdout-codes", "0.2", "-quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "1 units trained (0 resumed)") {
		t.Errorf("stdout %q", stdout)
	}
	md, err := os.ReadFile(filepath.Join(dir, "study.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "| retrofit-SEP |") || strings.Contains(string(md), "| CO |") {
		t.Errorf("study.md does not hold the chosen methods:\n%s", md)
	}
}

func TestReproduceStudyUsage(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-holdout-codes", "0.2"}, "-holdout-codes does not apply without -study"},
		{[]string{"-study", "hierarchy", "-med2vec"}, "-med2vec does not apply to -study"},
		{[]string{"-study", "hierarchy", "-methods", "SEP,bogus"}, `unknown method "bogus"`},
		{[]string{"-study", "hierarchy", "-study-levels", "ccsr,nope"}, "-study-levels"},
		{[]string{"-study", "hierarchy", "-holdout-codes", "1.5"}, "HoldoutCodes"},
		{[]string{"-study", "other"}, `unknown study "other"`},
	} {
		code, _, stderr := runCLI(t, append([]string{"reproduce", "-out", filepath.Join(dir, "x")}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want usage error with %q", tc.args, code, stderr, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); err == nil {
		t.Error("a refused study wrote its folder")
	}
}
