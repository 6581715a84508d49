package release

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
)

// build makes a corpus from per-sequence (patient, tokens) pairs, in the
// order given, with a vocabulary in first-seen order.
func build(seqs []struct {
	patient int32
	toks    []string
}, kinds map[string]corpus.Kind, withPatients bool) *corpus.Corpus {
	v := &corpus.Vocab{}
	idx := map[string]int32{}
	var ids []int32
	c := &corpus.Corpus{Seqs: []int64{0}}
	for _, s := range seqs {
		for _, t := range s.toks {
			id, ok := idx[t]
			if !ok {
				id = int32(len(v.Words))
				idx[t] = id
				v.Words = append(v.Words, t)
				v.Kinds = append(v.Kinds, kinds[t])
				v.Counts = append(v.Counts, 0)
			}
			v.Counts[id]++
			ids = append(ids, id)
		}
		c.Seqs = append(c.Seqs, int64(len(ids)))
		if withPatients {
			c.Patients = append(c.Patients, s.patient)
		}
	}
	c.Vocab = v
	c.Tokens = corpus.TokensOf(ids...)
	c.Visits = c.Seqs
	return c
}

// TestThreshold builds codes just under and just over the threshold: UNDER
// in 10 patients; OVER in 11; YEARS in 11 sequences of 10 patients (one
// patient has two years, not adjacent in the corpus); the category CAT is
// held by 11 patients though each of its codes (UNDER, RARE) is under.
func TestThreshold(t *testing.T) {
	type seq = struct {
		patient int32
		toks    []string
	}
	var seqs []seq
	for p := range int32(11) {
		toks := []string{"OVER0"}
		if p < 10 {
			toks = append(toks, "UNDER", "CAT")
		} else {
			toks = append(toks, "RARE", "CAT")
		}
		if p < 10 {
			toks = append(toks, "YEARS")
		}
		seqs = append(seqs, seq{p, toks})
	}
	seqs = append(seqs, seq{3, []string{"YEARS", "OVER0"}}) // patient 3's second year, after patient 10
	kinds := map[string]corpus.Kind{"CAT": corpus.KindCategory}
	c := build(seqs, kinds, true)
	counts := Count(c)
	for tok, want := range map[string]int64{"OVER0": 11, "UNDER": 10, "YEARS": 10, "CAT": 11, "RARE": 1} {
		if got := counts.Patients(tok); got != want {
			t.Errorf("Patients(%s) = %d, want %d", tok, got, want)
		}
	}
	if !counts.Exact {
		t.Error("Exact is false for a corpus with patients")
	}

	set := &embedding.Set{Name: "S", Dim: 1}
	for i, w := range c.Vocab.Words {
		set.Tokens = append(set.Tokens, w)
		set.Kinds = append(set.Kinds, c.Vocab.Kinds[i])
		set.Vectors = append(set.Vectors, float32(i))
	}
	out, rep := Apply(set, counts, DefaultMinPatients)
	if want := []string{"OVER0", "CAT"}; !slices.Equal(out.Tokens, want) {
		t.Errorf("kept %v, want %v", out.Tokens, want)
	}
	for i, tok := range out.Tokens {
		if counts.Patients(tok) < DefaultMinPatients {
			t.Errorf("kept %s with %d patients", tok, counts.Patients(tok))
		}
		if j := slices.Index(set.Tokens, tok); out.Vectors[i] != set.Vectors[j] {
			t.Errorf("%s: vector %v, want %v", tok, out.Vectors[i], set.Vectors[j])
		}
	}
	if rep.Codes != 4 || rep.SuppressedCodes != 3 || rep.Categories != 1 || rep.SuppressedCategories != 0 {
		t.Errorf("report %+v", rep)
	}
	// Occurrences: OVER0 12, UNDER 10, YEARS 11, RARE 1.
	if rep.CodeOccurrences != 34 || rep.SuppressedCodeOccurrences != 22 {
		t.Errorf("occurrences %d/%d, want 22/34", rep.SuppressedCodeOccurrences, rep.CodeOccurrences)
	}
	if err := Check(out, counts, DefaultMinPatients); err != nil {
		t.Error(err)
	}
	err := Check(set, counts, DefaultMinPatients)
	if err == nil {
		t.Fatal("Check passed a set with suppressed tokens")
	}
	for _, tok := range []string{"UNDER", "YEARS", "RARE"} {
		if s := err.Error() + rep.String(); strings.Contains(s, tok) {
			t.Errorf("message names %s: %s", tok, s)
		}
	}
	// -min-patients 1 keeps everything, the same set.
	if all, _ := Apply(set, counts, 1); all != set {
		t.Error("Apply with 1 did not return the set itself")
	}
	// 12 suppresses OVER0 (11 patients) and CAT too.
	if out, _ := Apply(set, counts, 12); out.Len() != 0 {
		t.Errorf("at 12 kept %v", out.Tokens)
	}
}

// TestSequencesWithoutPatients: a sequence file counts each sequence as a
// patient and says so.
func TestSequencesWithoutPatients(t *testing.T) {
	type seq = struct {
		patient int32
		toks    []string
	}
	var seqs []seq
	for i := range 12 {
		seqs = append(seqs, seq{0, []string{"A", fmt.Sprint("B", i%2)}})
	}
	c := build(seqs, nil, false)
	counts := Count(c)
	if counts.Exact {
		t.Error("Exact without patients")
	}
	if counts.Patients("A") != 12 || counts.Patients("B0") != 6 {
		t.Errorf("A %d, B0 %d", counts.Patients("A"), counts.Patients("B0"))
	}
	_, rep := Apply(&embedding.Set{Name: "S", Dim: 1, Tokens: []string{"A", "B0"}, Kinds: make([]corpus.Kind, 2), Vectors: []float32{1, 2}}, counts, 11)
	if !strings.Contains(rep.String(), "no patient identity") {
		t.Errorf("report does not warn: %s", rep)
	}
}
