package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/synth"
)

// evaluateFixture writes a released-layout file with a co-trained code set
// (three CCSR categories of six codes each, planted around one centre per
// category) and its category set, a plain code,category map, an extract of
// 60 patients and their outcomes: patients with diabetes codes died.
func evaluateFixture(t *testing.T) (emb, ccsr, extract, outcomes string) {
	t.Helper()
	dir := t.TempDir()
	cats := map[string][]string{
		"END002": {"E119", "E1165", "E118", "E1121", "E1122", "E1140"},
		"CIR007": {"I10", "I119", "I129", "I130", "I150", "I158"},
		"RSP009": {"J45909", "J4520", "J4530", "J4540", "J4550", "J45901"},
	}
	order := []string{"END002", "CIR007", "RSP009"}
	rng := rand.New(rand.NewPCG(1, 2))
	const dim = 8
	codes := &embedding.Set{Name: "SG_CO_embeddings_8", Dim: dim}
	catSet := &embedding.Set{Name: "SG_CO_cat_embeddings_8", Dim: dim}
	var plain strings.Builder
	plain.WriteString("code,category\n")
	for ci, cat := range order {
		catSet.Tokens = append(catSet.Tokens, cat)
		catSet.Kinds = append(catSet.Kinds, corpus.KindCategory)
		for j := range dim {
			catSet.Vectors = append(catSet.Vectors, float32(ci*j))
		}
		for _, code := range cats[cat] {
			fmt.Fprintf(&plain, "%s,%s\n", code, cat)
			codes.Tokens = append(codes.Tokens, code)
			codes.Kinds = append(codes.Kinds, corpus.KindCode)
			for j := range dim {
				v := 0.1 * rng.NormFloat64()
				if j == ci {
					v += 5
				}
				codes.Vectors = append(codes.Vectors, float32(v))
			}
		}
	}
	emb = filepath.Join(dir, "embeddings.json")
	if err := export.WriteReleased(emb, []*embedding.Set{codes, catSet}); err != nil {
		t.Fatal(err)
	}
	ccsr = filepath.Join(dir, "ccsr.csv")
	var ex, oc strings.Builder
	ex.WriteString("patient_id,date,code\n")
	oc.WriteString("patient_id,year,mortality\n")
	for p := range 60 {
		id := fmt.Sprintf("MRN%09d", 424242000+p)
		cat := "CIR007"
		if p%2 == 0 {
			cat = "END002"
		}
		for v := range 3 {
			fmt.Fprintf(&ex, "%s,2019-0%d-1%d,%s\n", id, v+1, p%10, cats[cat][(p+v)%6])
		}
		fmt.Fprintf(&oc, "%s,2019,%d\n", id, 1-p%2)
	}
	extract = filepath.Join(dir, "extract.csv")
	outcomes = filepath.Join(dir, "outcomes.csv")
	for path, body := range map[string]string{ccsr: plain.String(), extract: ex.String(), outcomes: oc.String()} {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return emb, ccsr, extract, outcomes
}

func runEvaluateCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"evaluate"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestEvaluateCommandJSON(t *testing.T) {
	emb, ccsr, extract, outcomes := evaluateFixture(t)
	code, out, errs := runEvaluateCmd("-embeddings", emb, "-ccsr", ccsr, "-k", "3,100", "-p-at-n", "3",
		"-outcomes", outcomes, "-input", extract, "-json", "-threads", "2", "-bootstrap", "50")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if len(got) != 3 {
		t.Fatalf("%d objects, want 3 (codes, categories, random):\n%s", len(got), out)
	}
	s := got[0]
	if s["set"] != "SG_CO_embeddings_8" || s["vectors"] != 18.0 || s["skipped"] != 0.0 || s["labels"] != 3.0 {
		t.Errorf("set object %v", s)
	}
	if nmi := s["nmi"].(map[string]any); nmi["3"].(float64) < 1-1e-12 {
		t.Errorf("nmi %v: want the three planted categories found exactly", nmi)
	}
	if sk := s["skipped_k"].([]any); len(sk) != 1 || sk[0] != 100.0 {
		t.Errorf("skipped_k %v, want [100]", sk)
	}
	if s["p_at_3"] != 1.0 {
		t.Errorf("p_at_3 = %v, want 1", s["p_at_3"])
	}
	if auc := s["auc"].(map[string]any); auc["mortality"] != 1.0 {
		t.Errorf("auc %v: diabetes codes separate the deaths perfectly", auc)
	}
	if got[1]["set"] != "SG_CO_cat_embeddings_8" || got[1]["kind"] != "category" || got[1]["against"] != "CCSR body system" {
		t.Errorf("category set object %v", got[1])
	}
	if got[2]["set"] != "random_8" || got[2]["random"] != true || got[2]["vectors"] != 18.0 || got[2]["auc"] == nil {
		t.Errorf("random set object %v: want the 18 codes, with an AUC", got[2])
	}
	if u := s["unit_nmi"].(map[string]any); u["3"].(float64) < 1-1e-12 {
		t.Errorf("unit_nmi %v: want the unit vectors scored too", u)
	}
	if strings.Contains(out+errs, "MRN") || strings.Contains(out+errs, "424242") {
		t.Errorf("a patient id leaked:\n%s\n%s", out, errs)
	}
	if !strings.Contains(errs, "60 of 60 patient-years matched") {
		t.Errorf("stderr does not report the join: %q", errs)
	}
}

func TestEvaluateCommandTable(t *testing.T) {
	emb, ccsr, _, _ := evaluateFixture(t)
	code, out, errs := runEvaluateCmd("-embeddings", emb, "-ccsr", ccsr, "-k", "2,3", "-p-at-n", "5", "-quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 8 || !strings.HasPrefix(lines[0], "set ") || !strings.Contains(lines[0], "P@5") {
		t.Fatalf("table:\n%s", out)
	}
	// AMI leads, then NMI, then the same on unit vectors.
	head := strings.Fields(lines[0])
	if strings.Join(head[3:7], " ") != "AMI@2 AMI@3 NMI@2 NMI@3" || head[7] != "unit" || head[8] != "AMI@2" {
		t.Errorf("header %q: want AMI before NMI, unit columns after", lines[0])
	}
	if f := strings.Fields(lines[1]); f[0] != "SG_CO_embeddings_8" || f[1] != "18" || f[4] != "1.000" || f[6] != "1.000" {
		t.Errorf("row %q: want 18 codes and AMI@3 = NMI@3 = 1.000", lines[1])
	}
	if f := strings.Fields(lines[2]); f[0] != "random_8" || f[1] != "18" || f[4] == "1.000" {
		t.Errorf("random row %q: want the 18 codes at chance", lines[2])
	}
	if !strings.Contains(lines[4], "body systems") || !strings.HasPrefix(lines[6], "SG_CO_cat_embeddings_8 ") {
		t.Errorf("category table:\n%s", strings.Join(lines[3:], "\n"))
	}
	if errs != "" {
		t.Errorf("-quiet printed %q", errs)
	}
}

// TestEvaluateCommandWord2Vec scores a word2vec text file (as gensim and
// the word2vec C tool write them) and a binary one: the same code vectors
// as the released file give the same scores.
func TestEvaluateCommandWord2Vec(t *testing.T) {
	emb, ccsr, _, _ := evaluateFixture(t)
	sets, err := export.ReadReleased(emb)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	txt, bin := filepath.Join(dir, "codes.txt"), filepath.Join(dir, "codes.w2v")
	if err := export.WriteWord2Vec(txt, sets[0], false, export.Dotless); err != nil {
		t.Fatal(err)
	}
	if err := export.WriteWord2Vec(bin, sets[0], true, export.Dotless); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"-embeddings", txt}, {"-embeddings", bin, "-format", "word2vec-binary"}} {
		code, out, errs := runEvaluateCmd(append(args, "-ccsr", ccsr, "-k", "3", "-p-at-n", "5", "-quiet", "-random=false", "-vectors", "raw")...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 2 {
			t.Fatalf("%v: table:\n%s", args, out)
		}
		if f := strings.Fields(lines[1]); f[0] != "codes" || f[1] != "18" || f[3] != "1.000" {
			t.Errorf("%v: row %q: want set codes, 18 codes and NMI@3 = 1.000", args, lines[1])
		}
	}
	// A name that tells no format is read as the released layout, as
	// before evaluate knew other formats: a binary file then fails to parse.
	if code, _, errs := runEvaluateCmd("-embeddings", bin, "-ccsr", ccsr); code != 1 || !strings.Contains(errs, "codes.w2v") {
		t.Errorf("unknown extension: exit %d, stderr %q; want exit 1 naming the file", code, errs)
	}
}

func TestEvaluateCommandUsage(t *testing.T) {
	emb, ccsr, extract, outcomes := evaluateFixture(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no embeddings", []string{"-ccsr", ccsr}, 2, "-embeddings is required"},
		{"no ccsr", []string{"-embeddings", emb}, 2, "-ccsr is required"},
		{"outcomes without input", []string{"-embeddings", emb, "-ccsr", ccsr, "-outcomes", outcomes}, 2, "go together"},
		{"bad k", []string{"-embeddings", emb, "-ccsr", ccsr, "-k", "200,x"}, 2, "comma-separated"},
		{"k of 1", []string{"-embeddings", emb, "-ccsr", ccsr, "-k", "1"}, 2, "at least 2"},
		{"missing file", []string{"-embeddings", emb + ".missing", "-ccsr", ccsr}, 1, "no such file"},
		// The extract's header (patient_id,date,code) is not an outcomes header.
		{"bad outcomes", []string{"-embeddings", emb, "-ccsr", ccsr, "-input", extract, "-outcomes", extract}, 1, `extract.csv:1:2: bad header: want "year"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runEvaluateCmd(tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, errs, tc.code, tc.want)
			}
		})
	}
}

// sameJSON tells whether two JSON documents hold the same values.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("%v:\n%.300s", err, a)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("%v:\n%.300s", err, b)
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return bytes.Equal(ja, jb)
}

// shellWords splits a command line as a POSIX shell would, for the words
// EvaluateCommand writes: plain words, single-quoted ones and a backslash
// escaping one character.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var w strings.Builder
	inWord, quoted, escaped := false, false, false
	for _, r := range line {
		switch {
		case escaped:
			w.WriteRune(r)
			escaped = false
		case !quoted && r == '\\':
			escaped, inWord = true, true
		case quoted && r == '\'':
			quoted = false
		case quoted:
			w.WriteRune(r)
		case r == '\'':
			quoted, inWord = true, true
		case r == ' ':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case strings.ContainsRune("\"$`;&|<>()*?[]{}~#!", r):
			t.Fatalf("unquoted shell character %q in %q", r, line)
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unclosed quote in %q", line)
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// TestEvaluateAgainLineRuns reproduces on user data (an extract whose
// columns are not detected, in a folder whose name has a space and a
// quote, a map and outcomes beside it), then runs report.md's "Evaluate
// again" command as printed, from the output folder: it gives the numbers
// of report.json.
func TestEvaluateAgainLineRuns(t *testing.T) {
	src := filepath.Join(t.TempDir(), "my data's")
	out := filepath.Join(t.TempDir(), "out")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	extract, ccsr, outcomes := filepath.Join(src, "dx extract.csv"), filepath.Join(src, "ccsr.csv"), filepath.Join(src, "outcomes.csv")
	sc := synth.DefaultConfig()
	sc.Patients = 300
	if _, err := synth.WriteFiles(sc, extract, ccsr, outcomes); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(extract)
	if err != nil {
		t.Fatal(err)
	}
	head, rest, _ := strings.Cut(string(body), "\n")
	if head != "patient_id,date,icd10_code" {
		t.Fatalf("synthetic header %q", head)
	}
	if err := os.WriteFile(extract, []byte("Member Ref,Svc Day,Dx\n"+rest), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "reproduce", "-input", extract, "-ccsr", ccsr, "-outcomes", outcomes, "-out", out,
		"-patient-col", "Member Ref", "-date-col", "Svc Day", "-code-col", "Dx",
		"-models", "sg", "-dims", "4", "-epochs", "1", "-window", "10", "-threads", "1", "-k", "5,10", "-quiet")
	if code != 0 {
		t.Fatalf("reproduce exit %d: %s", code, stderr)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```sh\n(hiervec evaluate [^\n]*)\n```").FindSubmatch(md)
	if m == nil {
		t.Fatalf("report.md has no evaluate command block:\n%s", md)
	}
	line := string(m[1])
	words := shellWords(t, line)
	for _, want := range []string{"-patient-col", "Member Ref", "-date-col", "Svc Day", "-code-col", "Dx", "-input", extract} {
		if !slices.Contains(words, want) {
			t.Errorf("command %q lacks %q", line, want)
		}
	}
	t.Chdir(out)
	code, evalOut, stderr := runCLI(t, append(words[1:], "-json", "-quiet")...)
	if code != 0 {
		t.Fatalf("the printed command %q: exit %d: %s", line, code, stderr)
	}
	report, err := os.ReadFile("report.json")
	if err != nil {
		t.Fatal(err)
	}
	var rj struct {
		Runs []struct{ Sets json.RawMessage }
	}
	if err := json.Unmarshal(report, &rj); err != nil || len(rj.Runs) != 1 {
		t.Fatalf("report.json: %v", err)
	}
	if !sameJSON(t, []byte(evalOut), rj.Runs[0].Sets) {
		t.Errorf("the printed command gives other numbers than report.json:\n%.800s\nreport.json:\n%.800s", evalOut, rj.Runs[0].Sets)
	}
}
