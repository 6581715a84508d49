package hierarchy

import (
	"os"
	"path/filepath"
	"testing"
)

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func readTestdataBytes(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join("testdata", name))
}
