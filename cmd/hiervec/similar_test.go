package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/internal/shareddata"
)

// similarFixture writes a tiny released-layout file: a co-trained code set
// in which the diabetes codes point one way and hypertension another, its
// category set, and a Med2Vec set.
func similarFixture(t *testing.T) string {
	t.Helper()
	const in = `{
"SG_CO_cat_embeddings_2": {"END002": ["1", "0"], "CIR007": ["0", "1"]},
"SG_CO_embeddings_2": {
  "E11.9": ["1", "0.1"],
  "E11.65": ["0.9", "0.2"],
  "E11.8": ["0.8", "-0.1"],
  "I10": ["0.05", "1"],
  "I11.9": ["-0.1", "0.9"]
},
"Med2Vec_embeddings_2": {"E11.9": [0, 1], "I10": [0, 1], "E11.65": [1, 0]}
}`
	path := filepath.Join(t.TempDir(), "embeddings.json")
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestSimilar(t *testing.T) {
	emb := similarFixture(t)
	code, out, errs := runCmd("similar", "-embeddings", emb, "-n", "2", "E119")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "using SG_CO_embeddings_2, its first code set") {
		t.Errorf("stderr does not say which set was used: %q", errs)
	}
	// cos(E11.9, E11.65) = (0.9+0.02)/(|(1,.1)| |(.9,.2)|) = 0.92/0.92656 = 0.9929;
	// cos(E11.9, E11.8) = (0.8-0.01)/(|(1,.1)| |(.8,-.1)|) = 0.79/0.81025 = 0.9750.
	want := "E11.9\n" +
		"  rank  token   kind  cosine\n" +
		"  1     E11.65  code  0.9929\n" +
		"  2     E11.8   code  0.9750\n"
	if out != want {
		t.Errorf("output\n%s\nwant\n%s", out, want)
	}
}

func TestSimilarChoosesSetAndCodes(t *testing.T) {
	emb := similarFixture(t)
	// Flags after the codes, a dotted and a lower-case code, a chosen set.
	code, out, errs := runCmd("similar", "-embeddings", emb, "i10", "E11.9", "-set", "Med2Vec_embeddings_2", "-n", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if errs != "" {
		t.Errorf("stderr %q, want nothing when -set is given", errs)
	}
	want := "I10\n  rank  token  kind  cosine\n  1     E11.9  code  1.0000\n\n" +
		"E11.9\n  rank  token  kind  cosine\n  1     I10    code  1.0000\n"
	if out != want {
		t.Errorf("output\n%s\nwant\n%s", out, want)
	}
	// The category set: neighbours are categories.
	code, out, _ = runCmd("similar", "-embeddings", emb, "-set", "SG_CO_cat_embeddings_2", "-n", "5", "END002")
	if code != 0 || !strings.Contains(out, "1     CIR007  category  0.0000") {
		t.Errorf("exit %d, output\n%s", code, out)
	}
}

func TestSimilarWord2VecText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vectors.txt")
	os.WriteFile(path, []byte("3 2\nE119 1 0\nCIR007 0 1\nE1165 1 0.1\n"), 0o644)
	code, out, errs := runCmd("similar", "-embeddings", path, "-n", "2", "e11.9")
	want := "E11.9\n  rank  token   kind      cosine\n  1     E11.65  code      0.9950\n  2     CIR007  category  0.0000\n"
	if code != 0 || out != want || errs != "" {
		t.Errorf("exit %d, stderr %q, output\n%s\nwant\n%s", code, errs, out, want)
	}
}

func TestSimilarWithCCSR(t *testing.T) {
	emb := similarFixture(t)
	ccsr := filepath.Join(t.TempDir(), "ccsr.csv")
	os.WriteFile(ccsr, []byte("code,category,code_description,category_description\n"+
		"E119,END002,Type 2 diabetes mellitus without complications,Diabetes mellitus without complication\n"+
		"E1165,END003,Type 2 diabetes mellitus with hyperglycemia,Diabetes mellitus with complication\n"+
		"E118,END003,Type 2 diabetes mellitus with unspecified complications,Diabetes mellitus with complication\n"), 0o644)
	code, out, errs := runCmd("similar", "-embeddings", emb, "-ccsr", ccsr, "-n", "3", "E11.9")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"E11.9  Type 2 diabetes mellitus without complications [END002]\n",
		"ccsr    description",
		"E11.65  code  0.9929  END003  Type 2 diabetes mellitus with hyperglycemia",
		"I10     code  ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestSimilarWithRealCCSR reads HCUP's v2023.1 reference mapping and checks
// the categories and descriptions printed, including a category neighbour.
func TestSimilarWithRealCCSR(t *testing.T) {
	ccsr := shareddata.Path(t, "ccsr/DXCCSR-Reference-File-v2023-1.DX_to_CCSR_Mapping.csv.gz")
	emb := similarFixture(t)
	code, out, errs := runCmd("similar", "-embeddings", emb, "-ccsr", ccsr, "-n", "1", "I10", "-set", "SG_CO_cat_embeddings_2", "END002")
	if code != 1 || !strings.Contains(errs, `not in set SG_CO_cat_embeddings_2 (2 tokens): "I10"`) {
		t.Errorf("a code in the category set: exit %d, stderr %q", code, errs)
	}
	code, out, errs = runCmd("similar", "-embeddings", emb, "-ccsr", ccsr, "-n", "4", "I10")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"I10  Essential (primary) hypertension [CIR007]\n",
		"I11.9   code  ",
		"E11.65  code  ",
		"  END003  Type 2 diabetes mellitus with hyperglycemia\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, errs = runCmd("similar", "-embeddings", emb, "-ccsr", ccsr, "-set", "SG_CO_cat_embeddings_2", "-n", "1", "END002")
	if code != 0 || !strings.Contains(out, "END002  Diabetes mellitus without complication\n") ||
		!strings.Contains(out, "CIR007  category  0.0000  CIR007  Essential hypertension") {
		t.Errorf("exit %d (%s), output\n%s", code, errs, out)
	}
}

func TestSimilarErrors(t *testing.T) {
	emb := similarFixture(t)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no embeddings", []string{"E119"}, 2, "-embeddings is required"},
		{"no code", []string{"-embeddings", emb}, 2, "give at least one CODE"},
		{"bad n", []string{"-embeddings", emb, "-n", "0", "E119"}, 2, "-n must be at least 1"},
		{"bad flag", []string{"-embeddings", emb, "-bogus", "E119"}, 2, "flag provided but not defined: -bogus"},
		{"unknown code", []string{"-embeddings", emb, "E119", "Z99.89", "J44.9"}, 1, `not in set SG_CO_embeddings_2 (5 tokens): "Z99.89", "J44.9"`},
		{"unknown set", []string{"-embeddings", emb, "-set", "CBOW_SEP_embeddings_2", "E119"}, 1, `no set "CBOW_SEP_embeddings_2"; the file has SG_CO_cat_embeddings_2, SG_CO_embeddings_2, Med2Vec_embeddings_2`},
		{"missing file", []string{"-embeddings", emb + ".absent.json", "E119"}, 1, "no such file"},
		{"unknown format", []string{"-embeddings", "vectors.npy", "E119"}, 1, "cannot tell the format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCmd(append([]string{"similar"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errs)
			}
			if !strings.Contains(errs, tt.want) {
				t.Errorf("stderr %q, want it to contain %q", errs, tt.want)
			}
			switch {
			case tt.name == "unknown code":
				// The known code is answered before the unknown are named.
				if !strings.HasPrefix(out, "E11.9") || !strings.Contains(out, "rank") {
					t.Errorf("stdout %q, want the answer for E11.9", out)
				}
			case out != "":
				t.Errorf("stdout %q, want nothing on error", out)
			}
		})
	}
}
