package hierarchy

import (
	"encoding/csv"
	"fmt"
	"io"
)

// WritePlain writes m in the plain layout: a header
// code,category,category_description,code_description and one row per code
// and category, codes sorted and each code's categories in the map's order.
// Reading the output back with ReadMap gives the same codes, categories and
// descriptions; the default IP/OP categories are not part of the layout.
func WritePlain(w io.Writer, m *Map) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"code", "category", "category_description", "code_description"}); err != nil {
		return fmt.Errorf("hierarchy: write plain map: %w", err)
	}
	for _, code := range m.codes {
		e := &m.entries[m.index[code]]
		for _, c := range e.cats {
			if err := cw.Write([]string{code, c, m.catDesc[c], e.desc}); err != nil {
				return fmt.Errorf("hierarchy: write plain map: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("hierarchy: write plain map: %w", err)
	}
	return nil
}
