package hierarchy

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/internal/shareddata"
)

func TestParseLevels(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"ccsr", "ccsr"},
		{"icd3, CCSR ,chapter", "ccsr,icd3,chapter"},
		{"chapter,icd3,ccsr,icd3", "ccsr,icd3,chapter"},
		{"icd", "icd6,icd5,icd4,icd3"},
		{"body,icd5", "body,icd5"},
		{"", ""},
	} {
		got, err := ParseLevels(tc.in)
		if err != nil || got.String() != tc.want {
			t.Errorf("ParseLevels(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		if back, err := ParseLevels(got.String()); err != nil || back != got {
			t.Errorf("ParseLevels(%q) does not round-trip: %v %v", got.String(), back, err)
		}
	}
	if _, err := ParseLevels("ccsr,block"); !errors.Is(err, ErrUnknownLevel) {
		t.Errorf("ParseLevels(ccsr,block) error %v, want ErrUnknownLevel", err)
	}
}

func TestBodySystem(t *testing.T) {
	for _, tc := range []struct {
		cat, abbrev, name string
		ok                bool
	}{
		{"CIR007", "CIR", "Diseases of the circulatory system", true},
		{"DEN001", "DEN", "Dental diseases", true},
		{"ABC007", "ABC", "", true},
		{"XXX000", "", "", false},
		{"E11", "", "", false},
		{"CI", "", "", false},
	} {
		bs, ok := BodySystem(tc.cat)
		if ok != tc.ok || bs.Abbrev != tc.abbrev || bs.Name != tc.name {
			t.Errorf("BodySystem(%q) = %+v, %v; want %s %q %v", tc.cat, bs, ok, tc.abbrev, tc.name, tc.ok)
		}
	}
	if len(BodySystems()) != 22 {
		t.Errorf("%d body systems, want the 22 of v2023.1", len(BodySystems()))
	}
}

// orderSample is the start of the E11 block of CMS's FY2021 order file.
const orderSample = "" +
	"05000 E11     0 Type 2 diabetes mellitus                                     Type 2 diabetes mellitus\r\n" +
	"05001 E110    0 Type 2 diabetes mellitus with hyperosmolarity                Type 2 diabetes mellitus with hyperosmolarity\r\n" +
	"05002 E1100   1 Type 2 diab w hyprosm w/o nonket hyprgly-hypros coma (NKHHC) Type 2 diabetes mellitus with hyperosmolarity without nonketotic hyperglycemic-hyperosmolar coma (NKHHC)\r\n" +
	"05003 E116    0 Type 2 diabetes mellitus with other specified complications  Type 2 diabetes mellitus with other specified complications\r\n" +
	"05004 E1164   0 Type 2 diabetes mellitus with hypoglycemia                   Type 2 diabetes mellitus with hypoglycemia\r\n" +
	"05005 E11641  1 Type 2 diab w hypoglycemia w coma                            Type 2 diabetes mellitus with hypoglycemia with coma\r\n" +
	"05006 E1165   1 Type 2 diabetes mellitus with hyperglycemia                  Type 2 diabetes mellitus with hyperglycemia\r\n" +
	"\r\n" +
	"05007 I10     1 Essential (primary) hypertension                             Essential (primary) hypertension\r\n"

func TestReadCodeSystem(t *testing.T) {
	s, err := ReadCodeSystem(strings.NewReader(orderSample), "order.txt")
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 8 || !slices.Equal(s.Billable(), []string{"E1100", "E11641", "E1165", "I10"}) {
		t.Errorf("order sample: %d nodes, billable %v", s.Len(), s.Billable())
	}
	for _, code := range []string{"E11", "E116", "E1164", "E1165"} {
		if !s.Has(code) {
			t.Errorf("%s missing", code)
		}
	}
	list, err := ReadCodeSystem(strings.NewReader("E1165   Type 2 diabetes\nI10\n\n  A000,x\n"), "codes.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(list.Billable(), []string{"A000", "E1165", "I10"}) || list.Len() != 3 {
		t.Errorf("code list: %v", list.Billable())
	}
	for _, tc := range []struct {
		in   string
		line int
		col  int
	}{
		{"05000 E11     0 x\n05001 E110    7 y\n", 2, 15},
		{"05000 E11     0 x\nE110 y\n", 2, 1},
		{"E11\nE1-1\n", 2, 1},
		{"E11\n  E1?1 x\n", 2, 3},
	} {
		_, err := ReadCodeSystem(strings.NewReader(tc.in), "f")
		var pe *ParseError
		if !errors.As(err, &pe) || !errors.Is(err, ErrBadOrderLine) || pe.Line != tc.line || pe.Column != tc.col {
			t.Errorf("%q: error %v, want a ParseError at %d:%d", tc.in, err, tc.line, tc.col)
		}
	}
}

func TestReadCodeSystemShared(t *testing.T) {
	order, err := ReadCodeSystemFile(shareddata.Path(t, "icd10cm/icd10cm_order_2021.txt.gz"))
	if err != nil {
		t.Fatal(err)
	}
	codes, err := ReadCodeSystemFile(shareddata.Path(t, "icd10cm/icd10cm_codes_2021.txt.gz"))
	if err != nil {
		t.Fatal(err)
	}
	// The data README's counts: 95,358 lines, 72,621 of them billable.
	if order.Len() != 95358 || len(order.Billable()) != 72621 {
		t.Errorf("order file: %d nodes, %d billable; want 95358, 72621", order.Len(), len(order.Billable()))
	}
	if !slices.Equal(order.Billable(), codes.Billable()) {
		t.Errorf("the order file's billable codes differ from the code list's")
	}
}

// sheet2 is a small map with a two-category code under default-op.
const sheet2 = `ICD-10-CM Code,ICD-10-CM Code Description,CCSR Category,CCSR Category Description,Inpatient Default CCSR (Y/N/X),Outpatient Default CCSR (Y/N/X)
E1165,d,END005,d,Y,Y
E11641,d,END003,d,Y,N
E11641,d,NVS011,d,N,Y
I10,d,CIR007,d,Y,Y
`

func tokens(anc []Ancestor) string {
	var out []string
	for _, a := range anc {
		out = append(out, a.Token)
	}
	return strings.Join(out, " ")
}

func TestAncestry(t *testing.T) {
	m, err := ReadMap(strings.NewReader(sheet2), "sheet")
	if err != nil {
		t.Fatal(err)
	}
	order, err := ReadCodeSystem(strings.NewReader(orderSample), "order.txt")
	if err != nil {
		t.Fatal(err)
	}
	noOrder := NewCodeSystem("map and corpus", m.Codes(), []string{"E116", "E11641"})
	all, _ := ParseLevels("ccsr,body,icd,chapter")
	for _, tc := range []struct {
		levels string
		policy Policy
		sys    *CodeSystem
		code   string
		want   string
	}{
		{"ccsr", PolicyDefaultOP, order, "E1165", "END005"},
		{all.String(), PolicyDefaultOP, order, "E1165", "END005 BS:END E116* E11* CH:04"},
		{all.String(), PolicyDefaultOP, order, "E11.641", "NVS011 BS:NVS E1164* E116* E11* CH:04"},
		{all.String(), PolicyAll, order, "E11641", "END003 NVS011 BS:END BS:NVS E1164* E116* E11* CH:04"},
		{"body", PolicyAll, order, "E11641", "BS:END BS:NVS"},
		{"icd,chapter", PolicyAll, order, "I10", "I10* CH:09"},
		// Not in the map nor the order file: the code alone gives its
		// category and chapter, and the order file its headers.
		{"ccsr,icd3,icd4,chapter", PolicyDefaultOP, order, "E1169", "E116* E11* CH:04"},
		{"icd", PolicyDefaultOP, order, "S72001A", "S72*"},
		// Without the order file only codes of the map and the corpus are
		// prefix nodes.
		{"icd", PolicyDefaultOP, noOrder, "E11641", "E116* E11*"},
		{"icd", PolicyDefaultOP, nil, "E11641", "E11*"},
		{"icd3,chapter", PolicyDefaultOP, order, "XYZ", ""},
	} {
		levels, err := ParseLevels(tc.levels)
		if err != nil {
			t.Fatal(err)
		}
		a, err := NewAncestry(levels, NewLabeler(m, tc.policy), tc.sys)
		if err != nil {
			t.Fatal(err)
		}
		if got := tokens(a.Of(tc.code, nil)); got != tc.want {
			t.Errorf("%s %v: Of(%s) = %q, want %q", tc.levels, tc.policy, tc.code, got, tc.want)
		}
		for _, x := range a.Of(tc.code, nil) {
			if corpus.KindOf(x.Token) != x.Kind() {
				t.Errorf("%s: token %s of level %v spells kind %v, level says %v", tc.code, x.Token, x.Level, corpus.KindOf(x.Token), x.Kind())
			}
		}
	}
	if _, err := NewAncestry(NewLevels(LevelBody), NewLabeler(nil, PolicyFirst), nil); !errors.Is(err, ErrNoMap) {
		t.Errorf("body level without a map: error %v, want ErrNoMap", err)
	}
}

func TestAncestryEdges(t *testing.T) {
	m, err := ReadMap(strings.NewReader(sheet2), "sheet")
	if err != nil {
		t.Fatal(err)
	}
	order, err := ReadCodeSystem(strings.NewReader(orderSample), "order.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		levels string
		code   string
		want   []Edge
	}{
		{"ccsr,body,icd4,icd3,chapter", "E11641", []Edge{
			{"E11641", "END003"}, {"END003", "BS:END"}, {"E11641", "NVS011"}, {"NVS011", "BS:NVS"},
			{"E11641", "E116*"}, {"E116*", "E11*"}, {"E11*", "CH:04"}}},
		{"body,chapter", "E11641", []Edge{{"E11641", "BS:END"}, {"E11641", "BS:NVS"}, {"E11641", "CH:04"}}},
		{"icd5,chapter", "E11641", []Edge{{"E11641", "E1164*"}, {"E1164*", "CH:04"}}},
	} {
		levels, _ := ParseLevels(tc.levels)
		a, err := NewAncestry(levels, NewLabeler(m, PolicyAll), order)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.Edges(tc.code, nil); !slices.Equal(got, tc.want) {
			t.Errorf("%s: Edges(%s) = %v, want %v", tc.levels, tc.code, got, tc.want)
		}
	}
}

// CoTrainLevels with the ccsr level alone gives Finch et al.'s CO corpus:
// checked against a plain per-token construction (each code, then its
// categories) and the word2vec-style vocabulary order.
func TestCoTrainLevelsCCSRIsCO(t *testing.T) {
	m, c := syntheticView(t, 3000, 60000)
	for _, p := range []Policy{PolicyDefaultOP, PolicyFirst, PolicyAll} {
		a, err := NewAncestry(NewLevels(LevelCCSR), NewLabeler(m, p), NewCodeSystem("x", m.Codes()))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := CoTrainLevels(c, a)
		checkCorpus(t, got)
		var want []string
		for i := range c.NumSeqs() {
			var vs []string
			for j := c.SeqVisits[i]; j < c.SeqVisits[i+1]; j++ {
				var ws []string
				for _, id := range c.Visit(int(j)).All() {
					w := c.Vocab.Words[id]
					ws = append(ws, w)
					ws = append(ws, m.Categories(w, p)...)
				}
				vs = append(vs, strings.Join(ws, " "))
			}
			want = append(want, strings.Join(vs, " | "))
		}
		if r := render(got); !slices.Equal(r, want) {
			t.Errorf("%v: CO corpus differs from the plain construction", p)
		}
		for i, w := range got.Vocab.Words {
			wantKind := corpus.KindCode
			if slices.Contains(m.AllCategories(), w) {
				wantKind = corpus.KindCategory
			}
			if got.Vocab.Kinds[i] != wantKind {
				t.Fatalf("%v: %s kind %v, want %v", p, w, got.Vocab.Kinds[i], wantKind)
			}
		}
	}
}

func TestCoTrainLevels(t *testing.T) {
	m, err := ReadMap(strings.NewReader(sheet2), "sheet")
	if err != nil {
		t.Fatal(err)
	}
	in := buildCorpus([][][]string{
		{{"E1165", "I10"}, {"R69"}},
		{{"E11641", "CIR007"}},
	}, nil, nil, "CIR007")
	levels, _ := ParseLevels("ccsr,icd3,chapter")
	a, err := NewAncestry(levels, NewLabeler(m, PolicyDefaultOP), nil)
	if err != nil {
		t.Fatal(err)
	}
	out, rep := CoTrainLevels(in, a)
	checkCorpus(t, out)
	want := []string{
		"E1165 END005 E11* CH:04 I10 CIR007 I10* CH:09 | R69 R69* CH:18",
		"E11641 NVS011 E11* CH:04 CIR007",
	}
	if got := render(out); !slices.Equal(got, want) {
		t.Errorf("view\n got %q\nwant %q", got, want)
	}
	if rep.UnmappedCodes != 1 || rep.UnmappedTokens != 1 || rep.OutTokens != 16 {
		t.Errorf("report %+v", rep)
	}
	for i, w := range out.Vocab.Words {
		if k := corpus.KindOf(w); out.Vocab.Kinds[i] != k {
			t.Errorf("%s: kind %v, want %v", w, out.Vocab.Kinds[i], k)
		}
	}
	// Without a map the ICD-10-CM levels still work, and nothing counts as
	// unmapped.
	a, err = NewAncestry(NewLevels(LevelICD3), NewLabeler(nil, PolicyFirst), nil)
	if err != nil {
		t.Fatal(err)
	}
	out, rep = CoTrainLevels(in, a)
	if got := render(out); !slices.Equal(got, []string{"E1165 E11* I10 I10* | R69 R69*", "E11641 E11* CIR007"}) || rep.UnmappedCodes != 0 {
		t.Errorf("icd3 without a map: %q, %+v", got, rep)
	}
}
