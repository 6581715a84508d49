package reproduce

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestManifestResumeAndRefuse(t *testing.T) {
	dir := t.TempDir()
	settings := map[string]any{"epochs": 10, "dims": []int{10, 50}, "input": "x.csv"}
	rm, resumed, _, err := openManifest(dir, settings)
	if err != nil || resumed {
		t.Fatalf("first run: resumed=%v err=%v", resumed, err)
	}
	if err := rm.save(); err != nil {
		t.Fatal(err)
	}
	// Other settings while nothing is finished: accepted, with a note.
	other := map[string]any{"epochs": 5, "dims": []int{10, 50}, "input": "x.csv"}
	rm, resumed, notes, err := openManifest(dir, other)
	if err != nil || resumed || len(notes) != 1 {
		t.Fatalf("unfinished folder, other settings: resumed=%v notes=%v err=%v", resumed, notes, err)
	}
	os.MkdirAll(filepath.Join(dir, VariantsDir), 0o755)
	rel := filepath.Join(VariantsDir, "SG_SEP_10.json")
	os.WriteFile(filepath.Join(dir, rel), []byte("vectors"), 0o644)
	if err := rm.record("SG_SEP_10", rel); err != nil {
		t.Fatal(err)
	}
	rm, resumed, _, err = openManifest(dir, map[string]any{"epochs": 5, "dims": []int{10, 50}, "input": "x.csv"})
	if err != nil || !resumed {
		t.Fatalf("same settings: resumed=%v err=%v", resumed, err)
	}
	if ok, why := rm.proven("SG_SEP_10"); !ok {
		t.Errorf("recorded run not proven: %s", why)
	}
	if ok, why := rm.proven("SG_CO_10"); ok || why != "" {
		t.Errorf("unrecorded run: ok=%v why=%q", ok, why)
	}
	// A changed file is not proven.
	os.WriteFile(filepath.Join(dir, rel), []byte("vectors with 500 codes deleted"), 0o644)
	if ok, why := rm.proven("SG_SEP_10"); ok || !strings.Contains(why, "checksum") {
		t.Errorf("changed file: ok=%v why=%q", ok, why)
	}
	os.Remove(filepath.Join(dir, rel))
	if ok, why := rm.proven("SG_SEP_10"); ok || !strings.Contains(why, "missing") {
		t.Errorf("missing file: ok=%v why=%q", ok, why)
	}
	// Other settings with a finished run: refused.
	if _, _, _, err := openManifest(dir, settings); !errors.Is(err, ErrOtherRun) {
		t.Fatalf("other settings: got %v, want ErrOtherRun", err)
	}
}

func TestManifestVersion1IsNotTrusted(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, manifestName), []byte(`{"version":1,"settings":{"epochs":10}}`), 0o644)
	rm, resumed, notes, err := openManifest(dir, map[string]any{"epochs": 10})
	if err != nil || resumed || len(notes) != 1 || len(rm.m.Runs) != 0 {
		t.Fatalf("v1: resumed=%v notes=%v err=%v", resumed, notes, err)
	}
	os.WriteFile(filepath.Join(dir, manifestName), []byte(`not json`), 0o644)
	if _, _, _, err := openManifest(dir, map[string]any{"epochs": 10}); err == nil {
		t.Error("a broken manifest was accepted")
	}
}

// TestPlainHogwildSetting: the setting is recorded when set (a folder
// trained with staging is not resumed without it, and the reverse).
func TestPlainHogwildSetting(t *testing.T) {
	cfg := DefaultConfig()
	if _, ok := cfg.settings()["plain_hogwild"]; ok {
		t.Errorf("plain_hogwild recorded although off")
	}
	cfg.Word2Vec.PlainHogwild = true
	if v, ok := cfg.settings()["plain_hogwild"]; !ok || v != true {
		t.Errorf("plain_hogwild = %v (present %v), want true", v, ok)
	}
}
