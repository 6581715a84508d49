package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/trainer"
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

// TestTrainDefaults: train keeps gensim's defaults with the paper's window
// (a window of 5 would change every default run's vectors).
func TestTrainDefaults(t *testing.T) {
	_, _, stderr := runCLI(t, "help", "train")
	if !strings.Contains(stderr, "(default 100)") || !strings.Contains(stderr, "-window") {
		t.Errorf("train -h does not show -window's default 100:\n%s", stderr)
	}
	for _, m := range []struct {
		name  string
		alpha float64
	}{{"sg", 0.025}, {"cbow", 0.05}} {
		model, _ := trainer.ParseModel(m.name)
		c := trainDefaults(model)
		if c.Window != 100 || c.Epochs != 5 || c.Alpha != m.alpha || c.Dim != 100 {
			t.Errorf("%s defaults: window %d, epochs %d, alpha %g, dim %d", m.name, c.Window, c.Epochs, c.Alpha, c.Dim)
		}
	}
}

// TestInterruptedExit: a cancelled run (Ctrl-C) exits 130 and says so in
// one line.
func TestInterruptedExit(t *testing.T) {
	extract, _, _ := smallExtract(t, 50)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := run(ctx, []string{"train", "-input", extract, "-out", filepath.Join(t.TempDir(), "v.json"), "-quiet"}, &out, &errb)
	if code != 130 || !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("exit %d, stderr %q; want 130 and interrupted", code, errb.String())
	}
}
