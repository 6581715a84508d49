package corpus_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/hiervec/hiervec/corpus"
)

func ExampleReadExtract() {
	extract := "patient_id,date,code\n" +
		"p1,2019-03-04,E11.9\n" +
		"p1,2019-03-04,I10\n" +
		"p1,2019-01-15,i10\n" +
		"p1,2020-02-01,E11.9\n" +
		"p2,03/04/2019,J45.909\n"
	c, rep, err := corpus.ReadExtract(context.Background(), strings.NewReader(extract), "extract.csv", corpus.DefaultReadOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("rows %d, patients %d, patient-years %d, tokens %d\n", rep.Rows, rep.Patients, rep.PatientYears, rep.Tokens)
	for s := 0; s < c.NumSeqs(); s++ {
		var words []string
		for _, t := range c.Seq(s).All() {
			words = append(words, c.Vocab.Words[t])
		}
		fmt.Println(c.Years[s], words)
	}
	fmt.Println(c.Vocab.Words, c.Vocab.Counts)
	// Output:
	// rows 5, patients 2, patient-years 3, tokens 5
	// 2019 [I10 E119 I10]
	// 2020 [E119]
	// 2019 [J45909]
	// [E119 I10 J45909] [2 2 1]
}

func ExampleParseError() {
	extract := "patient_id,date,code\np1,2019-02-30,E11.9\n"
	_, _, err := corpus.ReadExtract(context.Background(), strings.NewReader(extract), "extract.csv", corpus.DefaultReadOptions())
	fmt.Println(err)
	// Output:
	// corpus: extract.csv:2:2: date "2019-02-30": expected a date like 2019-03-04, 2019-03-04 14:38:00 or 03/04/2019
}
