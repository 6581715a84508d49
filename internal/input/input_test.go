package input

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/internal/shareddata"
)

func gz(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.String()
}

func TestNewReaderText(t *testing.T) {
	const text = "patient_id,date,code\n1,2019-01-01,E11.9\n"
	for _, tt := range []struct{ name, in string }{
		{"plain", text},
		{"bom", "\ufeff" + text},
		{"gzip", gz(t, text)},
		{"gzip bom", gz(t, "\ufeff"+text)},
		{"latin-1 bytes pass", text},
		{"empty", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			br, err := NewReader(strings.NewReader(tt.in), "x.csv")
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(br)
			want := text
			if tt.name == "empty" {
				want = ""
			}
			if string(got) != want {
				t.Errorf("read %q, want %q", got, want)
			}
		})
	}
	latin := "code\nd\xe9j\xe0 vu\n"
	if _, err := NewReader(strings.NewReader(latin), "x"); err != nil {
		t.Errorf("Latin-1 text refused: %v", err)
	}
}

func TestNewReaderRefuses(t *testing.T) {
	const secret = "SECRET-4711"
	bin := []byte("head\x00" + secret)
	ctrl := bytes.Repeat([]byte{1, 2, 3, 'a'}, 100)
	for _, tt := range []struct {
		name, in, want string
	}{
		{"zip", "PK\x03\x04" + secret, "x.csv is a ZIP archive (an Excel workbook?); save the sheet as CSV"},
		{"xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + secret, "x.csv is an OLE2 compound file (an Excel 97-2003 workbook?); save the sheet as CSV"},
		{"gzipped zip", gz(t, "PK\x03\x04"+secret), "x.csv is a ZIP archive"},
		{"bzip2", "BZh91AY&SY" + secret, "x.csv is a bzip2 stream; only gzip is read"},
		{"utf-16", "\xff\xfep\x00a\x00", "x.csv is UTF-16 text; save it as UTF-8"},
		{"nul", string(bin), "x.csv is binary data (it holds NUL bytes)"},
		{"control", string(ctrl) + secret, "x.csv is binary data (many control characters)"},
		{"broken gzip", "\x1f\x8b" + secret, "x.csv: gzip: "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tt.in), "x.csv")
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), secret) || strings.ContainsAny(err.Error(), "\x00\x01") {
				t.Errorf("error %q echoes the input", err)
			}
			if tt.name != "broken gzip" && !errors.Is(err, ErrNotText) {
				t.Errorf("error %v does not match ErrNotText", err)
			}
		})
	}
	_, err := NewReader(strings.NewReader("PK\x03\x04"), "")
	if err == nil || !strings.HasPrefix(err.Error(), "the file is a ZIP archive") {
		t.Errorf("unnamed input: %v", err)
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	f, err := Open(write("bom.txt", "\ufeffE119 I10\n"))
	if err != nil {
		t.Fatal(err)
	}
	ra, start, size, ok := f.Plain()
	if !ok || start != 3 || size != 12 {
		t.Errorf("Plain() = %v, %d, %d, %v; want the file from 3 of 12 bytes", ra, start, size, ok)
	}
	if got, _ := io.ReadAll(f); string(got) != "E119 I10\n" {
		t.Errorf("read %q", got)
	}
	f.Close()

	f, err = Open(write("z.gz", gz(t, "E119\n")))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, ok := f.Plain(); ok {
		t.Error("a gzip file offered for random access")
	}
	if got, _ := io.ReadAll(f); string(got) != "E119\n" {
		t.Errorf("read %q", got)
	}
	f.Close()

	if _, err := Open(filepath.Join(dir, "absent")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
}

// TestOpenWorkbook opens HCUP's reference workbook, the file a user is
// most likely to hand over in place of its CSV sheet.
func TestOpenWorkbook(t *testing.T) {
	p := shareddata.Path(t, "ccsr/DXCCSR-Reference-File-v2023-1.xlsx")
	_, err := Open(p)
	if err == nil || !strings.HasSuffix(err.Error(), "is a ZIP archive (an Excel workbook?); save the sheet as CSV") {
		t.Fatalf("err = %v", err)
	}
	if strings.Count(err.Error(), "\n") > 0 || len(err.Error()) > len(p)+80 {
		t.Errorf("error is not one short line: %q", err)
	}
}
