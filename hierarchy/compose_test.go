package hierarchy

import (
	"slices"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
)

// TestComposition builds the table of a co-trained vocabulary (codes and a
// category token) at levels icd3, ccsr, chapter, and checks each word's
// units, their order, and the units of codes the vocabulary lacks.
func TestComposition(t *testing.T) {
	m, err := ReadMap(strings.NewReader(sheet2), "sheet")
	if err != nil {
		t.Fatal(err)
	}
	levels, err := ParseLevels("icd3,ccsr,chapter")
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewAncestry(levels, NewLabeler(m, PolicyAll), nil)
	if err != nil {
		t.Fatal(err)
	}
	v := corpus.NewVocab()
	for _, w := range []struct {
		tok  string
		kind corpus.Kind
	}{{"I10", corpus.KindCode}, {"CIR007", corpus.KindCategory}, {"E11641", corpus.KindCode}, {"E1165", corpus.KindCode}, {"XYZ", corpus.KindCode}} {
		v.Add(w.tok, w.kind)
	}
	tab := NewComposition(v, a)

	// Units by level (ccsr, icd3, chapter), then token.
	wantUnits := []string{"CIR007", "END003", "END005", "NVS011", "E11*", "I10*", "CH:04", "CH:09"}
	if !slices.Equal(tab.Units, wantUnits) {
		t.Fatalf("units %v, want %v", tab.Units, wantUnits)
	}
	for i, u := range tab.Units {
		if tab.Kinds[i] != corpus.KindOf(u) {
			t.Errorf("unit %s: kind %v, its spelling says %v", u, tab.Kinds[i], corpus.KindOf(u))
		}
		if got, ok := tab.Unit(u); !ok || int(got) != i {
			t.Errorf("Unit(%s) = %d, %v; want %d", u, got, ok, i)
		}
	}
	names := func(us []int32) string {
		var out []string
		for _, u := range us {
			out = append(out, tab.Units[u])
		}
		return strings.Join(out, " ")
	}
	wantWord := []string{
		"CIR007 I10* CH:09",        // I10
		"",                         // the category token CIR007 has none
		"END003 NVS011 E11* CH:04", // E11641, policy all
		"END005 E11* CH:04",        // E1165
		"",                         // XYZ: no ancestor
	}
	if len(tab.Start) != v.Len()+1 {
		t.Fatalf("Start has %d entries for %d words", len(tab.Start), v.Len())
	}
	for id, want := range wantWord {
		got := tab.Rows[tab.Start[id]:tab.Start[id+1]]
		if names(got) != want {
			t.Errorf("%s: units %q, want %q", v.Words[id], names(got), want)
		}
		if of := tab.Of(v.Words[id], nil); v.Kinds[id] == corpus.KindCode && !slices.Equal(of, got) {
			t.Errorf("Of(%s) = %q, the table lists %q", v.Words[id], names(of), names(got))
		}
	}
	// Codes the vocabulary lacks: their ancestors that are units, with
	// or without the dot; none for a code of a chapter no word is in.
	for code, want := range map[string]string{
		"E11.9":  "E11* CH:04", // not in the map: category and chapter
		"E1169":  "E11* CH:04",
		"I10":    "CIR007 I10* CH:09",
		"E0800":  "CH:04", // another category of chapter 4
		"J449":   "",      // chapter 10: no unit
		"E11641": "END003 NVS011 E11* CH:04",
	} {
		if got := names(tab.Of(code, nil)); got != want {
			t.Errorf("Of(%s) = %q, want %q", code, got, want)
		}
	}
	if tab.Levels() != levels {
		t.Errorf("Levels = %v", tab.Levels())
	}
}

// TestCompositionPatients counts the distinct patients behind each unit:
// a patient whose two years hold codes of one category counts once, also
// when the years are not adjacent; a unit of one rare code counts that
// code's patients.
func TestCompositionPatients(t *testing.T) {
	m, err := ReadMap(strings.NewReader(sheet2), "sheet")
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewAncestry(NewLevels(LevelCCSR, LevelICD3), NewLabeler(m, PolicyDefaultOP), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Sequences (patient: codes): 0: E1165 I10; 1: E11641; 0: E11641
	// (patient 0's second year, after patient 1's); 2: I10.
	seqs := []struct {
		patient int32
		codes   []string
	}{{0, []string{"E1165", "I10"}}, {1, []string{"E11641"}}, {0, []string{"E11641", "E1165"}}, {2, []string{"I10"}}}
	v := corpus.NewVocab()
	c := &corpus.Corpus{Vocab: v, Seqs: []int64{0}}
	for _, s := range seqs {
		for _, code := range s.codes {
			id := v.Add(code, corpus.KindCode)
			v.Counts[id]++
			c.Tokens.Append(id)
		}
		c.Seqs = append(c.Seqs, int64(c.Tokens.Len()))
		c.Patients = append(c.Patients, s.patient)
	}
	tab := NewComposition(v, a)
	got := map[string]int64{}
	for u, n := range tab.Patients(c) {
		got[tab.Units[u]] = n
	}
	want := map[string]int64{"CIR007": 2, "END005": 1, "NVS011": 2, "E11*": 2, "I10*": 2}
	if len(got) != len(want) {
		t.Errorf("units %v, want %v", got, want)
	}
	for u, n := range want {
		if got[u] != n {
			t.Errorf("%s: %d patients, want %d", u, got[u], n)
		}
	}
	// Without patient identity every sequence is a patient.
	c.Patients = nil
	if n := tab.Patients(c)[tab.mustUnit(t, "E11*")]; n != 3 {
		t.Errorf("E11* without patients: %d sequences, want 3", n)
	}
}

func (t *Composition) mustUnit(tb testing.TB, tok string) int32 {
	tb.Helper()
	u, ok := t.Unit(tok)
	if !ok {
		tb.Fatalf("no unit %s", tok)
	}
	return u
}
