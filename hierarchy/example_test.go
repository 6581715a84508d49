package hierarchy_test

import (
	"fmt"
	"strings"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/hierarchy"
)

// A v2023 reference-workbook sheet saved as CSV: a title row, then one row
// per (code, category) with the Y/N/X default flags.
const sheet = `"Searchable list of ICD-10-CM diagnosis codes mapped to CCSR categories, v2023.1",,,,,
ICD-10-CM Code,ICD-10-CM Code Description,CCSR Category,CCSR Category Description,Inpatient Default CCSR (Y/N/X),Outpatient Default CCSR (Y/N/X)
E1122,Type 2 diabetes mellitus with diabetic chronic kidney disease,END003,Diabetes mellitus with complication,Y,Y
E1122,Type 2 diabetes mellitus with diabetic chronic kidney disease,END005,"Diabetes mellitus, Type 2",N,N
E1122,Type 2 diabetes mellitus with diabetic chronic kidney disease,GEN003,Chronic kidney disease,N,N
I10,Essential (primary) hypertension,CIR007,Essential hypertension,Y,Y
B950,"Streptococcus, group A, as the cause of diseases classified elsewhere",INF003,Bacterial infections,X,X
`

func ExampleReadMap() {
	m, err := hierarchy.ReadMap(strings.NewReader(sheet), "DX_to_CCSR_Mapping.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Format(), m.NumCodes(), "codes,", m.NumCategories(), "categories, default policy", m.DefaultPolicy())
	fmt.Println(m.Categories("E1122", hierarchy.PolicyAll))
	c, _ := m.Category("B950") // outpatient default is XXX111: falls back to the first category
	fmt.Println(c, m.CategoryDescription(c))
	// Output:
	// reference-long 3 codes, 5 categories, default policy default-op
	// [END003 END005 GEN003]
	// INF003 Bacterial infections
}

func ExampleCoTrain() {
	m, err := hierarchy.ReadMap(strings.NewReader(sheet), "DX_to_CCSR_Mapping.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	// One patient-year with two visits: "E1122 I10" then "R69" (unmapped).
	v := corpus.NewVocab()
	var toks []int32
	for _, w := range []string{"E1122", "I10", "R69"} {
		id := v.Add(w, corpus.KindCode)
		v.Counts[id]++
		toks = append(toks, id)
	}
	c := &corpus.Corpus{Vocab: v, Tokens: corpus.TokensOf(toks...), Seqs: []int64{0, 3}, Visits: []int64{0, 2, 3}, SeqVisits: []int64{0, 2}}

	co, rep := hierarchy.CoTrain(c, m, hierarchy.PolicyDefaultOP)
	var words []string
	for _, t := range co.Seq(0).All() {
		words = append(words, co.Vocab.Words[t]+"/"+co.Vocab.Kinds[t].String())
	}
	fmt.Println(strings.Join(words, " "))
	fmt.Println("visits:", co.Visits, "unmapped:", rep.TopUnmapped)

	sep, _ := hierarchy.CategoryView(c, m, hierarchy.PolicyAll)
	words = words[:0]
	for _, t := range sep.Seq(0).All() {
		words = append(words, sep.Vocab.Words[t])
	}
	fmt.Println(strings.Join(words, " "))
	// Output:
	// E1122/code END003/category I10/code CIR007/category R69/code
	// visits: [0 4 5] unmapped: [{R69 1}]
	// END003 END005 GEN003 CIR007
}
