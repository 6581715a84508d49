package hierarchy

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/internal/shareddata"
)

// A workbook is refused in one line that says what to give instead.
func TestWorkbookRefused(t *testing.T) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("xl/workbook.xml")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("<workbook/>"))
	zw.Close()
	_, err = ReadMap(&b, "map.xlsx")
	var pe *ParseError
	if !errors.Is(err, ErrWorkbook) || !errors.As(err, &pe) || pe.File != "map.xlsx" || pe.Line != 1 {
		t.Fatalf("error %v, want ErrWorkbook naming the file", err)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "as CSV") {
		t.Errorf("message %q: want one line saying to save the sheet as CSV", msg)
	}
	for _, f := range []string{"ccsr/DXCCSR-Reference-File-v2020-1.xlsx", "ccsr/DXCCSR-Reference-File-v2023-1.xlsx"} {
		if _, err := ReadMapFile(shareddata.Path(t, f)); !errors.Is(err, ErrWorkbook) {
			t.Errorf("%s: error %v, want ErrWorkbook", f, err)
		}
	}
}
