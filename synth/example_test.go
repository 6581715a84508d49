package synth_test

import (
	"bufio"
	"bytes"
	"fmt"

	"github.com/hiervec/hiervec/synth"
)

// Generate writes the extract, the hierarchy and the outcomes; here, the
// first rows of each for three patients.
func ExampleGenerate() {
	cfg := synth.DefaultConfig()
	cfg.Patients = 3
	var extract, ccsr, outcomes bytes.Buffer
	sum, err := synth.Generate(cfg, &extract, &ccsr, &outcomes)
	if err != nil {
		fmt.Println(err)
		return
	}
	head := func(b *bytes.Buffer, n int) {
		sc := bufio.NewScanner(b)
		for i := 0; i < n && sc.Scan(); i++ {
			fmt.Println(sc.Text())
		}
	}
	head(&extract, 3)
	head(&outcomes, 2)
	fmt.Println(sum.Codes, "codes in", sum.Categories, "categories")
	// Output:
	// patient_id,date,icd10_code
	// P0000001,2019-03-08,H67.R84
	// P0000001,2019-03-08,A17.U68
	// patient_id,year,mortality,unplanned_admission
	// P0000001,2019,0,0
	// 5400 codes in 400 categories
}
