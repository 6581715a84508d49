package synth

import (
	"encoding/csv"
	"fmt"
	"io"
)

// writeHierarchy writes table t as plain CSV (HierarchyHeader): one row per
// code and category, codes in table order, each code's default category
// first. hierarchy.ReadMap reads it back (layout "plain").
func writeHierarchy(w io.Writer, t *table) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"code", "category", "category_description", "code_description"})
	rec := make([]string, 4)
	for i, code := range t.codes {
		for _, c := range t.codeCats[i] {
			rec[0], rec[1], rec[2], rec[3] = code, t.cats[c], t.catDesc[c], t.codeDesc[i]
			cw.Write(rec)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("synth: write hierarchy: %w", err)
	}
	return nil
}
