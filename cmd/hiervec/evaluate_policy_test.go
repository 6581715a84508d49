package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/hierarchy"
)

// TestEvaluateCommandPolicy scores vectors planted by each code's default
// inpatient category against a v2023-style map whose outpatient defaults
// cut across them: -policy default-ip finds the planted clusters exactly,
// the map's default (default-op) does not.
func TestEvaluateCommandPolicy(t *testing.T) {
	dir := t.TempDir()
	cats := []string{"CIR007", "END002", "RSP009"}
	const dim, per = 6, 6
	set := &embedding.Set{Name: "SG_SEP_embeddings_6", Dim: dim}
	var m strings.Builder
	m.WriteString("ICD-10-CM Code,ICD-10-CM Code Description,CCSR Category,CCSR Category Description,Inpatient Default CCSR (Y/N/X),Outpatient Default CCSR (Y/N/X)\n")
	for ci, ip := range cats {
		for j := range per {
			code := fmt.Sprintf("A%d%d", ci, j)
			op := cats[j%len(cats)]
			if op == ip {
				fmt.Fprintf(&m, "%s,d,%s,d,Y,Y\n", code, ip)
			} else {
				fmt.Fprintf(&m, "%s,d,%s,d,Y,N\n%s,d,%s,d,N,Y\n", code, ip, code, op)
			}
			set.Tokens = append(set.Tokens, code)
			set.Kinds = append(set.Kinds, corpus.KindCode)
			for k := range dim {
				v := float32(j) * 0.01
				if k == ci {
					v += 5
				}
				set.Vectors = append(set.Vectors, v)
			}
		}
	}
	emb, ccsr := filepath.Join(dir, "e.json"), filepath.Join(dir, "map.csv")
	if err := export.WriteReleased(emb, []*embedding.Set{set}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ccsr, []byte(m.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	nmi := func(extra ...string) float64 {
		t.Helper()
		code, out, errs := runEvaluateCmd(append([]string{"-embeddings", emb, "-ccsr", ccsr, "-k", "3", "-p-at-n", "0", "-random=false", "-json", "-quiet"}, extra...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, errs)
		}
		var got []struct {
			NMI map[string]float64 `json:"nmi"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != 1 {
			t.Fatalf("%v: %v\n%s", extra, err, out)
		}
		return got[0].NMI["3"]
	}
	if got := nmi("-policy", "default-ip"); got < 1-1e-12 {
		t.Errorf("-policy default-ip: NMI@3 = %v, want 1 (vectors planted by the inpatient default)", got)
	}
	if got := nmi(); got > 0.5 {
		t.Errorf("map default (default-op): NMI@3 = %v, want the outpatient labels to disagree with the clusters", got)
	}
	if code, _, errs := runEvaluateCmd("-embeddings", emb, "-ccsr", ccsr, "-policy", "middle"); code != 2 || !strings.Contains(errs, "unknown policy") {
		t.Errorf("-policy middle: exit %d, stderr %q; want a usage error", code, errs)
	}
}

// The projector's category column follows the run's policy.
func TestProjectorMetaPolicy(t *testing.T) {
	const sheet = "ICD-10-CM Code,ICD-10-CM Code Description,CCSR Category,CCSR Category Description,Inpatient Default CCSR (Y/N/X),Outpatient Default CCSR (Y/N/X)\n" +
		"E1122,Type 2 diabetes with CKD,END003,Diabetes with complication,Y,N\n" +
		"E1122,Type 2 diabetes with CKD,GEN003,Chronic kidney disease,N,Y\n"
	m, err := hierarchy.ReadMap(strings.NewReader(sheet), "sheet.csv")
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[hierarchy.Policy]string{hierarchy.PolicyDefaultIP: "END003", hierarchy.PolicyDefaultOP: "GEN003"} {
		cat, desc := projectorMeta(hierarchy.NewLabeler(m, p))("E1122", corpus.KindCode)
		if cat != want || desc != "Type 2 diabetes with CKD" {
			t.Errorf("%v: %q, %q; want %s", p, cat, desc, want)
		}
	}
	if cat, desc := projectorMeta(hierarchy.NewLabeler(nil, hierarchy.PolicyFirst))("E1122", corpus.KindCode); cat != "" || desc != "" {
		t.Errorf("no map: %q %q", cat, desc)
	}
}
