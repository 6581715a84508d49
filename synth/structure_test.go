package synth

import (
	"bytes"
	"encoding/csv"
	"io"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/hierarchy"
)

// TestPlantedStructure checks, on 5,000 patients, that the planted
// comorbidity and risk structure shows in the written files: diabetes goes
// with hypertension, COPD with tobacco use, and heart failure with
// mortality, far more often than chance.
func TestPlantedStructure(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Patients = 5000
	cfg.Seed = 11
	var ex, cc, oc bytes.Buffer
	if _, err := Generate(cfg, &ex, &cc, &oc); err != nil {
		t.Fatal(err)
	}
	m, err := hierarchy.ReadMap(&cc, "hierarchy.csv")
	if err != nil {
		t.Fatal(err)
	}
	// Categories (under every membership) present in each patient-year.
	type key struct{ pid, year string }
	cats := map[key]map[string]bool{}
	r := csv.NewReader(&ex)
	r.Read()
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		k := key{rec[0], rec[1][:4]}
		if cats[k] == nil {
			cats[k] = map[string]bool{}
		}
		for _, c := range m.Categories(corpus.NormalizeCode(rec[2]), hierarchy.PolicyAll) {
			cats[k][c] = true
		}
	}
	died := map[key]bool{}
	outs, err := csv.NewReader(&oc).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range outs[1:] {
		died[key{rec[0], rec[1]}] = rec[2] == "1"
	}

	// lift returns P(b | a) / P(b | not a) over patient-years.
	lift := func(a string, b func(key) bool) (float64, int) {
		var na, nab, nn, nnb int
		for k, cs := range cats {
			if cs[a] {
				na++
				if b(k) {
					nab++
				}
			} else {
				nn++
				if b(k) {
					nnb++
				}
			}
		}
		if na == 0 || nnb == 0 {
			return 0, na
		}
		return (float64(nab) / float64(na)) / (float64(nnb) / float64(nn)), na
	}
	has := func(c string) func(key) bool { return func(k key) bool { return cats[k][c] } }
	for _, tc := range []struct {
		name    string
		a       string
		b       func(key) bool
		minLift float64
	}{
		{"diabetes with hypertension", "END002", has("CIR007"), 2},
		{"COPD with tobacco", "RSP008", has("MBD024"), 3},
		{"heart failure with mortality", "CIR019", func(k key) bool { return died[k] }, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, n := lift(tc.a, tc.b)
			t.Logf("%s: %d patient-years with %s, lift %.2f", tc.name, n, tc.a, l)
			if n < 20 {
				t.Fatalf("only %d patient-years with %s", n, tc.a)
			}
			if l < tc.minLift {
				t.Errorf("lift %.2f, want at least %.1f", l, tc.minLift)
			}
		})
	}
}
