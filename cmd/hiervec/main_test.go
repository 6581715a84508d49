package main

import (
	"strings"
	"testing"
)

func TestHelpCommandAndVersion(t *testing.T) {
	code, _, stderr := runCLI(t, "help", "train")
	if code != 0 || !strings.Contains(stderr, "-min-patients") || !strings.Contains(stderr, "-cotrain") {
		t.Errorf("help train: exit %d, stderr %q; want train's flags", code, stderr)
	}
	code, _, stderr = runCLI(t, "help", "nosuch")
	if code != 2 || !strings.Contains(stderr, `unknown command "nosuch"`) {
		t.Errorf("help nosuch: exit %d, stderr %q", code, stderr)
	}
	code, stdout, _ := runCLI(t, "version")
	if code != 0 || !strings.HasPrefix(stdout, "hiervec ") || !strings.Contains(stdout, "go1.") {
		t.Errorf("version: exit %d, %q", code, stdout)
	}
	if code, _, stderr := runCLI(t, "help"); code != 0 || !strings.Contains(stderr, "version") {
		t.Errorf("help: exit %d, %q", code, stderr)
	}
}
