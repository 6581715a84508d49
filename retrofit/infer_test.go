package retrofit

import (
	"slices"
	"testing"

	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/hierarchy"
)

// Infer holds the trained vectors fixed. E1165 (2,0), E1122 (0,4) and the
// prefix node E11* (4,4) are trained; E1169 and the category END005 are
// free. At the fixed point the category c and E1169 x satisfy
// c = ((2,0) + (0,4) + x)/3 and x = (c + (4,4))/2, so x = (2.8, 3.2) and
// c = (1.6, 2.4); the trained rows do not move.
func TestInferHoldsTrainedVectors(t *testing.T) {
	a := ancestry(t, "code,category\nE1165,END005\nE1122,END005\nE1169,END005\n", "ccsr,icd3", hierarchy.PolicyFirst)
	in := set("codes", 2, map[string][]float32{"E1165": {2, 0}, "E1122": {0, 4}, "E11*": {4, 4}})
	g := NewGraph(a, []string{"E1165", "E1122"}, []string{"E1169"})
	cfg := DefaultConfig()
	cfg.Iterations = 40
	r, err := Infer([]*embedding.Set{in}, g, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for tok, want := range map[string][]float32{"E1165": {2, 0}, "E1122": {0, 4}, "E11*": {4, 4}, "E1169": {2.8, 3.2}} {
		if got := vec(t, r, tok); !near(got, want, 1e-5) {
			t.Errorf("%s = %v, want %v", tok, got, want)
		}
	}
	if want := []Source{SourceKept, SourceKept, SourceKept, SourceInferred}; !slices.Equal(r.Sources[0], want) {
		t.Errorf("sources %v, want %v", r.Sources[0], want)
	}
	if r.Report.Inferred != 1 || r.Report.Retrofitted != 0 {
		t.Errorf("report %+v", r.Report)
	}
	// Retrofit moves the trained rows, and so gives E1169 another vector.
	rr, err := Retrofit([]*embedding.Set{in}, g, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := vec(t, rr, "E1169"); near(got, []float32{2.8, 3.2}, 1e-3) {
		t.Errorf("Retrofit gave E1169 Infer's vector %v", got)
	}
}
