package corpus

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestKindOf(t *testing.T) {
	for _, tc := range []struct {
		tok  string
		want Kind
	}{
		{"E119", KindCode},
		{"I10", KindCode},
		{"E11.9", KindCode},
		{"CIR007", KindCategory},
		{"cir007", KindCode},
		{"CIR07", KindCode},
		{"E11*", KindPrefix},
		{PrefixToken("E116"), KindPrefix},
		{"*", KindCode},
		{"CH:04", KindChapter},
		{ChapterToken(22), KindChapter},
		{"CH:", KindCode},
		{"CH:x", KindCode},
		{"CH:0", KindCode},
		{"BS:CIR", KindBodySystem},
		{BodySystemToken("END"), KindBodySystem},
		{"BS:", KindCode},
	} {
		if got := KindOf(tc.tok); got != tc.want {
			t.Errorf("KindOf(%q) = %v, want %v", tc.tok, got, tc.want)
		}
	}
	if ChapterToken(4) != "CH:04" || PrefixToken("E11") != "E11*" || BodySystemToken("CIR") != "BS:CIR" {
		t.Errorf("spellings: %q %q %q", ChapterToken(4), PrefixToken("E11"), BodySystemToken("CIR"))
	}
	for k := range Kind(numKinds) {
		got, err := ParseKind(k.String())
		if err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, err)
		}
	}
	if _, err := ParseKind("ancestor"); err == nil {
		t.Error("ParseKind(ancestor) accepted")
	}
}

// A sequence file's hierarchy tokens get their kinds from their spelling,
// and a cache keeps them.
func TestSequencesAncestorKinds(t *testing.T) {
	c, _, err := ReadSequences(context.Background(), strings.NewReader("E119 END002 BS:END E11* CH:04\nI10 CIR007\n"), "seq.txt", DefaultReadOptions())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Kind{"E119": KindCode, "I10": KindCode, "END002": KindCategory, "CIR007": KindCategory,
		"BS:END": KindBodySystem, "E11*": KindPrefix, "CH:04": KindChapter}
	check := func(c *Corpus) {
		t.Helper()
		for w, k := range want {
			id, ok := c.Vocab.ID(w)
			if !ok || c.Vocab.Kinds[id] != k {
				t.Errorf("%s: kind %v (present %v), want %v", w, c.Vocab.Kinds[id], ok, k)
			}
		}
	}
	check(c)
	path := filepath.Join(t.TempDir(), "c.cache")
	if err := WriteCache(path, c); err != nil {
		t.Fatal(err)
	}
	back, err := ReadCache(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	check(back)
}
