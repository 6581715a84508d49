package hierarchy

import (
	"bytes"
	"slices"
	"testing"
)

// FuzzReadMap feeds every layout (and broken variants) to ReadMap. A map
// that reads must satisfy the Map invariants and survive a plain round trip.
func FuzzReadMap(f *testing.F) {
	for _, s := range []string{v2020Wide, v2020Long, v2023Long, hcupDataWide, plainMap,
		"code,category\n", "code,category\nA000,DIG001\nA000,DIG001\n",
		"'ICD-10-CM CODE','Default CCSR CATEGORY IP','CCSR CATEGORY 1'\r\n'A000','XXX000',' '\r\n",
	} {
		f.Add([]byte(s))
	}
	if b, err := readTestdataBytes("DXCCSR_v2022-1_sample.CSV"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadMap(bytes.NewReader(data), "fuzz")
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error %v is %T, not *ParseError", err, err)
			}
			return
		}
		if len(m.Codes()) != m.NumCodes() || !slices.IsSorted(m.Codes()) || !slices.IsSorted(m.AllCategories()) {
			t.Fatalf("codes/categories not sorted")
		}
		for _, c := range m.Codes() {
			all := m.Categories(c, PolicyAll)
			if len(all) == 0 {
				t.Fatalf("listed code %s has no category", c)
			}
			for _, p := range []Policy{PolicyFirst, PolicyDefaultIP, PolicyDefaultOP} {
				if got := m.Categories(c, p); len(got) != 1 || got[0] == "" {
					t.Fatalf("%s under %v: %v", c, p, got)
				}
			}
		}
		assertRoundTrip(t, m)
	})
}

// FuzzReadCategoryDescriptions feeds category lists to
// ReadCategoryDescriptions; errors must be *ParseError and every
// description set must be retrievable.
func FuzzReadCategoryDescriptions(f *testing.F) {
	for _, s := range []string{
		"CCSR CATEGORY,CCSR CATEGORY DESCRIPTION\nDIG001,Intestinal infection\n",
		"\"Searchable list of CCSR categories, v2023.1\"\nCCSR Category,CCSR Category Description\nBLD001,Nutritional anemia\n",
		"CCSR,CCSR_desc,First3,I10DX_Chapter\nEND005,\"Diabetes mellitus, Type 2\",END,Endocrine\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m := newMap("fuzz", FormatPlain)
		m.finish()
		n, err := m.ReadCategoryDescriptions(bytes.NewReader(data), "fuzz")
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error %v is %T, not *ParseError", err, err)
			}
			return
		}
		if n < len(m.catDesc) {
			t.Fatalf("set %d descriptions but holds %d", n, len(m.catDesc))
		}
	})
}
