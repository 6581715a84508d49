package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/export"
)

func TestRetrofitCommand(t *testing.T) {
	emb, ccsr, _, _ := evaluateFixture(t) // a co-trained code set (18 codes) and its category set
	dir := t.TempDir()
	list := filepath.Join(dir, "codes.txt")
	// E1129 is in no map: icd3 links it to the E11 codes; Q999 links to nothing trained.
	if err := os.WriteFile(list, []byte("E1129   Type 2 diabetes mellitus with other diabetic kidney complication\nQ999    x\nI10     x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, src := filepath.Join(dir, "rf.json"), filepath.Join(dir, "src.csv")
	args := []string{"retrofit", "-embeddings", emb, "-ccsr", ccsr, "-levels", "ccsr,icd3,chapter", "-codes-from", list, "-out", out, "-sources", src}
	code, stdout, stderr := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "SG_CO_embeddings_8 (19 x 8)") || !strings.Contains(stdout, "SG_CO_cat_embeddings_8 (3 x 8)") {
		t.Errorf("stdout %q: want 18 codes + 1 inferred and the 3 categories", stdout)
	}
	if !strings.Contains(stderr, "21 rows retrofitted, 0 kept, 1 codes inferred, 1 unreached") {
		t.Errorf("stderr %q", stderr)
	}
	sets, err := export.ReadReleased(out)
	if err != nil {
		t.Fatal(err)
	}
	orig, err := export.ReadReleased(emb)
	if err != nil {
		t.Fatal(err)
	}
	i, ok := sets[0].Lookup("E1129")
	if !ok {
		t.Fatal("E1129 has no vector")
	}
	// Its only neighbour is E11*, the mean of the E11 codes: it lies in
	// their cluster (the fixture plants END002 on axis 0).
	if v := sets[0].Vector(i); v[0] < 2 {
		t.Errorf("E1129 = %v, want it near the E11 codes (axis 0 about 5)", v)
	}
	moved := 0
	for r, tok := range orig[0].Tokens {
		j, _ := sets[0].Lookup(tok)
		if !slices.Equal(orig[0].Vector(r), sets[0].Vector(j)) {
			moved++
		}
	}
	if moved != 18 {
		t.Errorf("%d of 18 code vectors moved", moved)
	}
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, r := range rows[1:] {
		count[r[3]]++
		if r[0] == "E11.29" && (r[3] != "inferred" || r[1] != "code") {
			t.Errorf("source row %v", r)
		}
	}
	if len(rows) != 23 || count["inferred"] != 1 || count["retrofitted"] != 21 {
		t.Errorf("sources: %d rows, %v", len(rows), count)
	}

	// The same again writes the same bytes; word2vec in and out works too.
	again := filepath.Join(dir, "again.json")
	args[len(args)-3] = again
	if code, _, stderr := runCLI(t, args[:len(args)-2]...); code != 0 {
		t.Fatalf("again: exit %d: %s", code, stderr)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(again)
	if !bytes.Equal(a, b) {
		t.Error("two runs wrote different bytes")
	}
	txt, txtOut := filepath.Join(dir, "co.txt"), filepath.Join(dir, "rf.txt")
	whole := &embedding.Set{Name: "co", Dim: orig[0].Dim}
	for _, s := range orig {
		whole.Tokens = append(whole.Tokens, s.Tokens...)
		whole.Kinds = append(whole.Kinds, s.Kinds...)
		whole.Vectors = append(whole.Vectors, s.Vectors...)
	}
	if err := export.WriteWord2Vec(txt, whole, false, export.Dotted); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "retrofit", "-embeddings", txt, "-ccsr", ccsr, "-out", txtOut, "-quiet"); code != 0 {
		t.Fatalf("word2vec: exit %d: %s", code, stderr)
	}
	back, err := export.ReadWord2Vec(txtOut, false)
	if err != nil || back.Len() != 21 {
		t.Fatalf("word2vec output: %v, %d rows", err, back.Len())
	}
	// Without -levels icd3, a word2vec file's categories anchor the
	// category nodes as the released _cat set does: the same code vectors.
	if code, _, stderr := runCLI(t, "retrofit", "-embeddings", emb, "-ccsr", ccsr, "-out", filepath.Join(dir, "plain.json"), "-quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	plain, err := export.ReadReleased(filepath.Join(dir, "plain.json"))
	if err != nil {
		t.Fatal(err)
	}
	for r, tok := range plain[0].Tokens {
		j, ok := back.Lookup(tok)
		if !ok || !slices.Equal(plain[0].Vector(r), back.Vector(j)) {
			t.Errorf("%s: word2vec and released runs differ", tok)
		}
		if back.Kinds[j] != corpus.KindCode {
			t.Errorf("%s read back as %v", tok, back.Kinds[j])
		}
	}
}

func TestRetrofitCommandUsage(t *testing.T) {
	emb, ccsr, _, _ := evaluateFixture(t)
	dir := t.TempDir()
	two := filepath.Join(dir, "two.json")
	sets, err := export.ReadReleased(emb)
	if err != nil {
		t.Fatal(err)
	}
	a, b := *sets[0], *sets[0]
	a.Name, b.Name = "SG_SEP_embeddings_8", "CBOW_SEP_embeddings_8"
	if err := export.WriteReleased(two, []*embedding.Set{&a, &b}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "o.txt")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-ccsr", ccsr, "-out", out}, "-embeddings is required"},
		{[]string{"-embeddings", emb, "-ccsr", ccsr}, "-out is required"},
		{[]string{"-embeddings", emb, "-out", out}, "needs -ccsr"},
		{[]string{"-embeddings", emb, "-out", out, "-levels", "icd3", "-codes-from", "map"}, "-codes-from map needs -ccsr"},
		{[]string{"-embeddings", emb, "-ccsr", ccsr, "-out", out, "-levels", "block"}, "unknown level"},
		{[]string{"-embeddings", emb, "-ccsr", ccsr, "-out", out, "-iterations", "0", "-alpha", "0"}, "Alpha"},
		{[]string{"-embeddings", two, "-ccsr", ccsr, "-out", out}, "holds 2 vector spaces"},
	} {
		code, _, stderr := runCLI(t, append([]string{"retrofit"}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want a usage error mentioning %q", tc.args, code, stderr, tc.want)
		}
	}
}
