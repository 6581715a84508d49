package hierarchy

import (
	"fmt"
	"io"
	"os"
)

// LoadCategoryDescriptions reads a CCSR category list and sets the
// descriptions it gives, replacing those read from the map file. It
// accepts HCUP's CCSR_Categories sheet saved as CSV (header
// "CCSR CATEGORY,CCSR CATEGORY DESCRIPTION", with or without the v2023 title
// row first) and hcup.data's CCSR_DX_categories.csv ("CCSR,CCSR_desc,...");
// gzip is detected. It returns the number of descriptions set.
func (m *Map) LoadCategoryDescriptions(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("hierarchy: %w", err)
	}
	defer f.Close()
	return m.ReadCategoryDescriptions(f, path)
}

// ReadCategoryDescriptions is LoadCategoryDescriptions on a reader; name is
// used in error messages.
func (m *Map) ReadCategoryDescriptions(r io.Reader, name string) (int, error) {
	cr, err := openCSV(r, name)
	if err != nil {
		return 0, err
	}
	find := func(rec []string) (cat, desc int) {
		cat, desc = -1, -1
		for i, h := range rec {
			switch headerKey(h) {
			case "CCSR CATEGORY", "CCSR":
				if cat < 0 {
					cat = i
				}
			case "CCSR CATEGORY DESCRIPTION", "CCSR_DESC":
				if desc < 0 {
					desc = i
				}
			}
		}
		return cat, desc
	}
	header, err := cr.Read()
	if err == io.EOF {
		return 0, &ParseError{File: name, Line: 1, Err: fmt.Errorf("%w: empty input, want a CCSR category list", ErrNoHeader)}
	}
	if err != nil {
		return 0, csvError(name, err)
	}
	cat, desc := find(header)
	if cat < 0 || desc < 0 { // a title row first (v2023 sheets)
		if header, err = cr.Read(); err != nil && err != io.EOF {
			return 0, csvError(name, err)
		}
		cat, desc = find(header)
	}
	if cat < 0 || desc < 0 {
		return 0, &ParseError{File: name, Line: 1, Err: fmt.Errorf("%w: want a header with CCSR CATEGORY and CCSR CATEGORY DESCRIPTION (or CCSR and CCSR_desc) on line 1 or 2", ErrUnknownLayout)}
	}
	rd := &mapReader{m: m, cr: cr, name: name}
	n := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, csvError(name, err)
		}
		rd.rec = rec
		if len(rec) != len(header) {
			return n, rd.errAt(len(rec)-1, fmt.Errorf("%w: got %d, want %d as in the header", ErrFieldCount, len(rec), len(header)))
		}
		c, err := rd.category(cat)
		if err != nil {
			return n, err
		}
		if c == "" {
			return n, rd.errAt(cat, fmt.Errorf("%w: empty, want a category such as CIR007", ErrBadCategory))
		}
		if d := normDesc(rec[desc]); d != "" {
			m.catDesc[c] = d
			n++
		}
	}
}
