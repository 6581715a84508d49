package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/export"
)

// -levels ccsr is the paper's CO to the byte; more levels add ancestor
// tokens that keep their kinds through every format.
func TestTrainLevels(t *testing.T) {
	extract, ccsr, _ := smallExtract(t, 300)
	dir := t.TempDir()
	train := func(out string, extra ...string) {
		t.Helper()
		args := append([]string{"train", "-input", extract, "-ccsr", ccsr, "-dim", "8", "-epochs", "1", "-window", "10", "-threads", "1", "-seed", "5", "-quiet", "-out", out}, extra...)
		if code, _, stderr := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, stderr)
		}
	}
	co, lv := filepath.Join(dir, "co.txt"), filepath.Join(dir, "lv.txt")
	train(co, "-cotrain")
	train(lv, "-levels", "ccsr")
	a, _ := os.ReadFile(co)
	b, _ := os.ReadFile(lv)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("-levels ccsr wrote %d bytes that differ from -cotrain's %d", len(b), len(a))
	}

	for _, name := range []string{"ml.txt", "ml.json", "ml.bin", "mltsv"} {
		out := filepath.Join(dir, name)
		extra := []string{"-levels", "icd3,ccsr,body,chapter"}
		if name == "mltsv" {
			extra = append(extra, "-format", "tsv")
		}
		train(out, extra...)
		f, err := export.FormatFromPath(out)
		if err != nil {
			t.Fatal(err)
		}
		sets, err := export.Read(out, f)
		if err != nil {
			t.Fatal(err)
		}
		byKind := map[corpus.Kind]int{}
		for _, s := range sets {
			for i, tok := range s.Tokens {
				byKind[s.Kinds[i]]++
				if s.Kinds[i] != corpus.KindCode && corpus.KindOf(tok) != s.Kinds[i] && s.Kinds[i] != corpus.KindCategory {
					t.Errorf("%s: %s read as %v", name, tok, s.Kinds[i])
				}
				if s.Kinds[i] == corpus.KindCode && strings.ContainsAny(tok, "*:") {
					t.Errorf("%s: ancestor token %s read as a code", name, tok)
				}
			}
		}
		for _, k := range []corpus.Kind{corpus.KindCode, corpus.KindCategory, corpus.KindPrefix, corpus.KindBodySystem, corpus.KindChapter} {
			if byKind[k] == 0 {
				t.Errorf("%s: no %v tokens read back (%v)", name, k, byKind)
			}
		}
		if f == export.Released && (len(sets) != 2 || !strings.HasSuffix(sets[1].Name, "_cat_embeddings_8")) {
			t.Errorf("%s: sets %d, want codes and a _cat set holding the ancestors", name, len(sets))
		}
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-levels", "icd3,block"}, "unknown level"},
		{[]string{"-levels", "ccsr", "-categories-only"}, "exclude each other"},
	} {
		args := append([]string{"train", "-input", extract, "-ccsr", ccsr, "-out", filepath.Join(dir, "x.txt")}, tc.args...)
		if code, _, stderr := runCLI(t, args...); code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want a usage error mentioning %q", tc.args, code, stderr, tc.want)
		}
	}
	if code, _, stderr := runCLI(t, "train", "-input", extract, "-levels", "body", "-out", filepath.Join(dir, "x.txt")); code != 2 || !strings.Contains(stderr, "needs -ccsr") {
		t.Errorf("-levels body without -ccsr: exit %d, stderr %q", code, stderr)
	}
}
