package hierarchy

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/corpus"
)

// buildCorpus makes a corpus from sequences of visits of tokens (all
// KindCode unless the token is listed in cats), with vocabulary counts.
func buildCorpus(seqs [][][]string, years, patients []int32, cats ...string) *corpus.Corpus {
	c := &corpus.Corpus{Vocab: corpus.NewVocab(), Seqs: []int64{0}, Visits: []int64{0}, SeqVisits: []int64{0}, Years: years, Patients: patients}
	for _, s := range seqs {
		for _, v := range s {
			for _, w := range v {
				k := corpus.KindCode
				if slices.Contains(cats, w) {
					k = corpus.KindCategory
				}
				id := c.Vocab.Add(w, k)
				c.Vocab.Counts[id]++
				c.Tokens.Append(id)
			}
			c.Visits = append(c.Visits, int64(c.Tokens.Len()))
		}
		c.Seqs = append(c.Seqs, int64(c.Tokens.Len()))
		c.SeqVisits = append(c.SeqVisits, int64(len(c.Visits)-1))
	}
	return c
}

// render writes a corpus back as sequences of visits, "|" between visits.
func render(c *corpus.Corpus) []string {
	var out []string
	for i := 0; i < c.NumSeqs(); i++ {
		var vs []string
		for j := c.SeqVisits[i]; j < c.SeqVisits[i+1]; j++ {
			var ws []string
			for _, t := range c.Visit(int(j)).All() {
				ws = append(ws, c.Vocab.Words[t])
			}
			vs = append(vs, strings.Join(ws, " "))
		}
		out = append(out, strings.Join(vs, " | "))
	}
	return out
}

// checkCorpus verifies the offsets, the vocabulary counts and order, and the
// kinds of a view.
func checkCorpus(t *testing.T, c *corpus.Corpus) {
	t.Helper()
	if c.Seqs[0] != 0 || c.Visits[0] != 0 || c.SeqVisits[0] != 0 || c.Seqs[c.NumSeqs()] != int64(c.Tokens.Len()) || c.Visits[c.NumVisits()] != int64(c.Tokens.Len()) || c.SeqVisits[c.NumSeqs()] != int64(c.NumVisits()) {
		t.Fatalf("offsets do not close: seqs %v visits %v seqVisits %v tokens %d", c.Seqs, c.Visits, c.SeqVisits, c.Tokens.Len())
	}
	for i := 0; i < c.NumSeqs(); i++ {
		if c.Visits[c.SeqVisits[i]] != c.Seqs[i] {
			t.Fatalf("sequence %d does not start on a visit boundary", i)
		}
	}
	counts := make([]int64, c.Vocab.Len())
	for _, tok := range c.Tokens.All() {
		counts[tok]++
	}
	if !slices.Equal(counts, c.Vocab.Counts) {
		t.Fatalf("vocab counts %v; tokens give %v", c.Vocab.Counts, counts)
	}
	for i := 1; i < c.Vocab.Len(); i++ {
		a, b := i-1, i
		if c.Vocab.Counts[a] < c.Vocab.Counts[b] || c.Vocab.Counts[a] == c.Vocab.Counts[b] && c.Vocab.Words[a] >= c.Vocab.Words[b] {
			t.Fatalf("vocab not sorted by count desc then token at %d: %s/%d %s/%d", i, c.Vocab.Words[a], c.Vocab.Counts[a], c.Vocab.Words[b], c.Vocab.Counts[b])
		}
	}
	for i, w := range c.Vocab.Words {
		if id, ok := c.Vocab.ID(w); !ok || int(id) != i {
			t.Fatalf("vocab index broken for %s", w)
		}
	}
}

func TestViews(t *testing.T) {
	m, err := ReadMap(strings.NewReader(readTestdata(t, "DXCCSR_v2022-1_sample.CSV")), "sample")
	if err != nil {
		t.Fatal(err)
	}
	seqs := [][][]string{
		{{"E1122", "I10"}, {"A0101"}},       // patient 0, 2019
		{{"R69"}, {"XYZ1"}},                 // patient 0, 2020: nothing mapped
		{{"I10", "R69"}, {"R69"}, {"B950"}}, // patient 1, 2020
		{{"ABC007", "I10"}},                 // a category token already in the corpus
	}
	years := []int32{2019, 2020, 2020, 2021}
	patients := []int32{0, 0, 1, 2}
	tests := []struct {
		name        string
		co          bool
		p           Policy
		want        []string
		years, pats []int32
		rep         ViewReport
	}{
		{"CO default-op", true, PolicyDefaultOP, []string{
			"E1122 END003 I10 CIR007 | A0101 NVS001",
			"R69 | XYZ1",
			"I10 CIR007 R69 | R69 | B950 INF003",
			"ABC007 I10 CIR007",
		}, years, patients, ViewReport{Tokens: 11, OutTokens: 17, UnmappedTokens: 4, UnmappedCodes: 2,
			TopUnmapped: []CodeCount{{"R69", 3}, {"XYZ1", 1}}}},
		{"CO all", true, PolicyAll, []string{
			"E1122 END003 END005 GEN003 I10 CIR007 | A0101 INF003 NVS001",
			"R69 | XYZ1",
			"I10 CIR007 R69 | R69 | B950 INF003",
			"ABC007 I10 CIR007",
		}, years, patients, ViewReport{Tokens: 11, OutTokens: 20, UnmappedTokens: 4, UnmappedCodes: 2,
			TopUnmapped: []CodeCount{{"R69", 3}, {"XYZ1", 1}}}},
		{"SEP first", false, PolicyFirst, []string{
			"END003 CIR007 | INF003",
			"CIR007 | INF003",
			"ABC007 CIR007",
		}, []int32{2019, 2020, 2021}, []int32{0, 1, 2}, ViewReport{Tokens: 11, OutTokens: 7, UnmappedTokens: 4, UnmappedCodes: 2,
			TopUnmapped: []CodeCount{{"R69", 3}, {"XYZ1", 1}}, EmptySequencesDropped: 1, EmptyVisitsDropped: 1}},
		{"SEP all", false, PolicyAll, []string{
			"END003 END005 GEN003 CIR007 | INF003 NVS001",
			"CIR007 | INF003",
			"ABC007 CIR007",
		}, []int32{2019, 2020, 2021}, []int32{0, 1, 2}, ViewReport{Tokens: 11, OutTokens: 10, UnmappedTokens: 4, UnmappedCodes: 2,
			TopUnmapped: []CodeCount{{"R69", 3}, {"XYZ1", 1}}, EmptySequencesDropped: 1, EmptyVisitsDropped: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := buildCorpus(seqs, years, patients, "ABC007")
			before := render(in)
			view := CategoryView
			if tt.co {
				view = CoTrain
			}
			out, r := view(in, m, tt.p)
			checkCorpus(t, out)
			if got := render(out); !slices.Equal(got, tt.want) {
				t.Errorf("view\n got %q\nwant %q", got, tt.want)
			}
			if !slices.Equal(out.Years, tt.years) || !slices.Equal(out.Patients, tt.pats) {
				t.Errorf("years %v patients %v; want %v %v", out.Years, out.Patients, tt.years, tt.pats)
			}
			if fmt.Sprintf("%+v", *r) != fmt.Sprintf("%+v", tt.rep) {
				t.Errorf("report\n got %+v\nwant %+v", *r, tt.rep)
			}
			for i, w := range out.Vocab.Words {
				wantKind := corpus.KindCode
				if _, mapped := m.Category(w); !mapped && w != "R69" && w != "XYZ1" || w == "ABC007" {
					wantKind = corpus.KindCategory
				}
				if out.Vocab.Kinds[i] != wantKind {
					t.Errorf("%s kind %v; want %v", w, out.Vocab.Kinds[i], wantKind)
				}
			}
			if !slices.Equal(render(in), before) {
				t.Errorf("input corpus modified")
			}
		})
	}
}

func TestViewWithoutVisits(t *testing.T) {
	m, err := ReadMap(strings.NewReader(v2020Long), "long")
	if err != nil {
		t.Fatal(err)
	}
	v := corpus.NewVocab()
	a, i := v.Add("A000", corpus.KindCode), v.Add("I10", corpus.KindCode)
	c := &corpus.Corpus{Vocab: v, Tokens: corpus.TokensOf(a, i, i), Seqs: []int64{0, 2, 3}}
	out, _ := CoTrain(c, m, PolicyFirst)
	checkCorpus(t, out)
	if got := render(out); !slices.Equal(got, []string{"A000 DIG001 I10 CIR007", "I10 CIR007"}) {
		t.Fatalf("got %q", got)
	}
}

// syntheticView returns a map of nCodes codes (1-3 categories each, as CCSR
// has about 11% multi-category codes) and a corpus of nTokens tokens drawn
// from a Zipf law over the codes, in sequences of about 13 tokens and
// visits of about 3, as patient-years are.
func syntheticView(tb testing.TB, nCodes, nTokens int) (*Map, *corpus.Corpus) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("code,category\n")
	codes := make([]string, nCodes)
	for i := range codes {
		codes[i] = fmt.Sprintf("C%05d", i)
		n := 1
		if rng.IntN(9) == 0 {
			n = 2 + rng.IntN(2)
		}
		for k := 0; k < n; k++ {
			fmt.Fprintf(&b, "%s,CAT%03d\n", codes[i], (i+k*97)%540)
		}
	}
	m, err := ReadMap(strings.NewReader(b.String()), "synthetic")
	if err != nil {
		tb.Fatal(err)
	}
	v := corpus.NewVocab()
	for _, code := range codes {
		v.Add(code, corpus.KindCode)
	}
	v.Add("UNMAPPED1", corpus.KindCode)
	z := rand.NewZipf(rng, 1.1, 1, uint64(v.Len()-1))
	c := &corpus.Corpus{Vocab: v, Tokens: corpus.MakeTokens(nTokens, v.Len()), Seqs: []int64{0}, Visits: []int64{0}, SeqVisits: []int64{0}}
	for i := range c.Tokens.Len() {
		c.Tokens.Set(i, int32(z.Uint64()))
		v.Counts[c.Tokens.At(i)]++
	}
	for pos := 0; pos < nTokens; {
		end := min(nTokens, pos+1+rng.IntN(25))
		for pos < end {
			pos = min(end, pos+1+rng.IntN(5))
			c.Visits = append(c.Visits, int64(pos))
		}
		c.Seqs = append(c.Seqs, int64(pos))
		c.SeqVisits = append(c.SeqVisits, int64(len(c.Visits)-1))
	}
	return m, c
}

func TestViewsSynthetic(t *testing.T) {
	m, c := syntheticView(t, 5000, 200000)
	for _, p := range []Policy{PolicyFirst, PolicyAll} {
		co, r := CoTrain(c, m, p)
		checkCorpus(t, co)
		sep, rs := CategoryView(c, m, p)
		checkCorpus(t, sep)
		// CO holds every input token plus the SEP view's tokens.
		if r.OutTokens != r.Tokens+rs.OutTokens || co.NumVisits() != c.NumVisits() || co.NumSeqs() != c.NumSeqs() {
			t.Errorf("%v: CO %d tokens, SEP %d, input %d", p, r.OutTokens, rs.OutTokens, r.Tokens)
		}
		if r.UnmappedTokens != c.Vocab.Counts[c.Vocab.Len()-1] || r.UnmappedCodes != 1 {
			t.Errorf("%v: unmapped %d tokens %d codes; want %d, 1", p, r.UnmappedTokens, r.UnmappedCodes, c.Vocab.Counts[c.Vocab.Len()-1])
		}
	}
}

// BenchmarkCoTrain builds the CO view of an 8M-token corpus (the paper's
// corpus is about 10M tokens).
func BenchmarkCoTrain(b *testing.B) {
	benchView(b, CoTrain)
}

// BenchmarkCategoryView builds the SEP category view of the same corpus.
func BenchmarkCategoryView(b *testing.B) {
	benchView(b, CategoryView)
}

func benchView(b *testing.B, view func(*corpus.Corpus, *Map, Policy) (*corpus.Corpus, *ViewReport)) {
	m, c := syntheticView(b, 20000, 8_000_000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		view(c, m, PolicyDefaultOP)
	}
	b.ReportMetric(float64(c.Tokens.Len())*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}
