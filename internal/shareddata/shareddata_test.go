package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPathFindsReadme(t *testing.T) {
	p := Path(t, "README.md")
	if filepath.Base(p) != "README.md" {
		t.Fatalf("Path returned %s", p)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
}

func TestEnvOverride(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.csv"), []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HIERVEC_SHARED_DATA", dir)
	if got := Path(t, "x.csv"); got != filepath.Join(dir, "x.csv") {
		t.Fatalf("got %s", got)
	}
}
