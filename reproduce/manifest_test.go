package reproduce

import (
	"errors"
	"testing"
)

func TestManifestResumeAndRefuse(t *testing.T) {
	dir := t.TempDir()
	settings := map[string]any{"epochs": 10, "dims": []int{10, 50}, "input": "x.csv"}
	resumed, err := checkManifest(dir, settings)
	if err != nil || resumed {
		t.Fatalf("first run: resumed=%v err=%v", resumed, err)
	}
	resumed, err = checkManifest(dir, map[string]any{"epochs": 10, "dims": []int{10, 50}, "input": "x.csv"})
	if err != nil || !resumed {
		t.Fatalf("same settings: resumed=%v err=%v", resumed, err)
	}
	_, err = checkManifest(dir, map[string]any{"epochs": 5, "dims": []int{10, 50}, "input": "x.csv"})
	if !errors.Is(err, ErrOtherRun) {
		t.Fatalf("other settings: got %v, want ErrOtherRun", err)
	}
}

// TestPlainHogwildSetting: the setting is recorded when set (a folder
// trained with staging is not resumed without it, and the reverse), and
// absent otherwise, so folders of earlier versions still resume.
func TestPlainHogwildSetting(t *testing.T) {
	cfg := DefaultConfig()
	if _, ok := cfg.settings()["plain_hogwild"]; ok {
		t.Errorf("plain_hogwild recorded although off")
	}
	cfg.PlainHogwild = true
	if v, ok := cfg.settings()["plain_hogwild"]; !ok || v != true {
		t.Errorf("plain_hogwild = %v (present %v), want true", v, ok)
	}
}
