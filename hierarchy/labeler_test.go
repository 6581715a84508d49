package hierarchy

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
)

// twoDefaults is a v2023-style sheet where the inpatient and outpatient
// defaults of E1122 differ.
const twoDefaults = `ICD-10-CM Code,ICD-10-CM Code Description,CCSR Category,CCSR Category Description,Inpatient Default CCSR (Y/N/X),Outpatient Default CCSR (Y/N/X)
E1122,d,END003,d,Y,N
E1122,d,GEN003,d,N,Y
I10,d,CIR007,d,Y,Y
`

func TestResolvePolicy(t *testing.T) {
	wide, err := ReadMap(strings.NewReader(twoDefaults), "sheet.csv")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := ReadMap(strings.NewReader("code,category\nI10,CIR007\n"), "plain.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		m    *Map
		want Policy
	}{
		{"", wide, PolicyDefaultOP},
		{" ", wide, PolicyDefaultOP},
		{"", plain, PolicyFirst},
		{"", nil, PolicyFirst},
		{"default-ip", wide, PolicyDefaultIP},
		{"ALL", plain, PolicyAll},
	} {
		got, err := ResolvePolicy(tc.name, tc.m)
		if err != nil || got != tc.want {
			t.Errorf("ResolvePolicy(%q, %v) = %v, %v; want %v", tc.name, tc.m != nil, got, err, tc.want)
		}
	}
	if _, err := ResolvePolicy("middle", wide); !errors.Is(err, ErrUnknownPolicy) {
		t.Errorf("ResolvePolicy(middle) error %v, want ErrUnknownPolicy", err)
	}
}

func TestLabeler(t *testing.T) {
	m, err := ReadMap(strings.NewReader(twoDefaults), "sheet.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		p    Policy
		tok  string
		want []string
	}{
		{PolicyDefaultIP, "E1122", []string{"END003"}},
		{PolicyDefaultOP, "E1122", []string{"GEN003"}},
		{PolicyDefaultOP, "e11.22", []string{"GEN003"}}, // normalised when not found as given
		{PolicyAll, "E11.22", []string{"END003", "GEN003"}},
		{PolicyFirst, "I10", []string{"CIR007"}},
		{PolicyFirst, "R69", nil},
	} {
		l := NewLabeler(m, tc.p)
		if got := l.Categories(tc.tok); !slices.Equal(got, tc.want) {
			t.Errorf("%v: Categories(%q) = %v, want %v", tc.p, tc.tok, got, tc.want)
		}
		label, ok := l.Label(tc.tok)
		if ok != (tc.want != nil) || ok && label != tc.want[0] {
			t.Errorf("%v: Label(%q) = %q, %v; want the first of %v", tc.p, tc.tok, label, ok, tc.want)
		}
	}
}

func TestCoverage(t *testing.T) {
	m, err := ReadMap(strings.NewReader(twoDefaults), "sheet.csv")
	if err != nil {
		t.Fatal(err)
	}
	v := corpus.NewVocab()
	for _, w := range []struct {
		word  string
		kind  corpus.Kind
		count int64
	}{
		{"I10", corpus.KindCode, 7},
		{"R69", corpus.KindCode, 3},
		{"Z00", corpus.KindCode, 3},
		{"A00", corpus.KindCode, 5},
		{"Q99", corpus.KindCode, 0},        // does not occur: not counted
		{"CIR007", corpus.KindCategory, 9}, // not a code: not counted
		{"E11.22", corpus.KindCode, 2},     // found once normalised
	} {
		id := v.Add(w.word, w.kind)
		v.Counts[id] = w.count
	}
	got := NewLabeler(m, PolicyDefaultOP).Coverage(v, nil, 2)
	want := Coverage{Codes: 5, Tokens: 20, UnmappedCodes: 3, UnmappedTokens: 11,
		TopUnmapped: []CodeCount{{"A00", 5}, {"R69", 3}}}
	if got.Codes != want.Codes || got.Tokens != want.Tokens || got.UnmappedCodes != want.UnmappedCodes ||
		got.UnmappedTokens != want.UnmappedTokens || !slices.Equal(got.TopUnmapped, want.TopUnmapped) {
		t.Errorf("Coverage = %+v, want %+v", got, want)
	}
	// Occurrences given apart from the vocabulary's counts win.
	counts := make([]int64, v.Len())
	counts[1] = 4 // R69
	got = NewLabeler(m, PolicyDefaultOP).Coverage(v, counts, 10)
	if got.Codes != 1 || got.UnmappedTokens != 4 || !slices.Equal(got.TopUnmapped, []CodeCount{{"R69", 4}}) {
		t.Errorf("Coverage with counts = %+v", got)
	}
}
