package corpus

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		name string
		head string
		want Format // FormatAuto: an error
	}{
		{"extract csv", "patient_id,date,code\n1,2019-01-01,A00\n", FormatExtract},
		{"extract tsv", "subject_id\tadmittime\ticd_code\n", FormatExtract},
		{"extract quoted", "\"person_id\",\"condition_start_date\",\"condition_source_value\"\r\n", FormatExtract},
		{"extract with odd columns but a known name", "pid,when,icd10\n", FormatExtract},
		{"extract with unknown columns", "pid,when,what\n", FormatExtract}, // ReadExtract says what the header needs
		{"pipe-delimited extract", "patient_id|date|code\nP1|2019-01-01|E11.9\n", FormatExtract},
		{"headerless csv", "P0001,2019-01-01,E11.9\nP0002,2019-01-02,I10\n", FormatExtract}, // ReadExtract refuses it
		{"codes with commas", "E119,I10\n", FormatExtract},
		{"sequences", "E119 I10 J45\nI10\n", FormatSequences},
		{"sequences tab", "E119\tI10\n", FormatSequences},
		{"sequences with categories and dots", "E11.9 CIR007 i10\n\nZ00.00\n", FormatSequences},
		{"sequence file of identifiers", "P0000001 P0000002\n", FormatAuto},
		{"names", "John Smith\n", FormatAuto},
		{"sequences named like a column", "code date\n", FormatAuto},
		{"a comma on a later line", "E119 I10\nE119,I10\n", FormatAuto},
		{"empty", "", FormatAuto},
		{"blank", "\n  \n", FormatAuto},
		{"cache", cacheMagic + "\x01\x00", FormatCache},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := detectFormat([]byte(tt.head), false, ICD10CM)
			if got != tt.want || (got == FormatAuto) != (why != "") {
				t.Errorf("detectFormat(%q) = %v, %q; want %v", tt.head, got, why, tt.want)
			}
			if strings.Contains(why, "P000") || strings.Contains(why, "Smith") {
				t.Errorf("reason %q quotes the file", why)
			}
		})
	}
	// A cut last line is left out of the sample.
	if got, why := detectFormat([]byte("E119 I10\nE119 I1"), true, ICD10CM); got != FormatSequences {
		t.Errorf("cut sample: %v, %q", got, why)
	}
	// The code system decides what a token is.
	if got, _ := detectFormat([]byte("4019 V707 E8791\n"), false, ICD9CM); got != FormatSequences {
		t.Errorf("ICD-9-CM sequences: %v", got)
	}
}

// TestDetectFormatFile: DetectFormat on files, through internal/input.
func TestDetectFormatFile(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name, data string
		want       Format
		errPart    string
	}{
		{"e.csv", "\ufeffsubject_id\tadmittime\ticd_code\n", FormatExtract, ""},
		{"s.txt.gz", gzipString("E119 I10\n"), FormatSequences, ""},
		{"w.xlsx", "PK\x03\x04" + secretID, FormatAuto, "w.xlsx is a ZIP archive (an Excel workbook?); save the sheet as CSV"},
		{"ids.txt", secretID + "\n", FormatAuto, "not a sequence file"},
		{"empty.txt", "", FormatAuto, "empty"},
	} {
		p := filepath.Join(dir, tt.name)
		if err := os.WriteFile(p, []byte(tt.data), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := DetectFormat(p, DefaultReadOptions())
		if got != tt.want || (err == nil) != (tt.errPart == "") || err != nil && !strings.Contains(err.Error(), tt.errPart) {
			t.Errorf("%s: %v, %v; want %v, %q", tt.name, got, err, tt.want, tt.errPart)
		}
		if err != nil && strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%s: error %q quotes the file", tt.name, err)
		}
		if tt.name == "ids.txt" && !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("%s: %v does not wrap ErrUnknownFormat", tt.name, err)
		}
	}
}

func gzipString(s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.String()
}

func TestParseFormat(t *testing.T) {
	for _, f := range []Format{FormatAuto, FormatCache, FormatExtract, FormatSequences, FormatParquet, FormatDatabase} {
		got, err := ParseFormat(f.String())
		if err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %v, %v", f.String(), got, err)
		}
	}
	if _, err := ParseFormat("orc"); err == nil {
		t.Error("ParseFormat(orc): no error")
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	extract := "patient_id,date,code\n1,2019-01-01,A00\n1,2019-01-02,A00\n2,2019-01-01,B00\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(extract))
	zw.Close()
	files := map[string]string{
		"e.csv":    extract,
		"e.csv.gz": gz.String(),
		"s.txt":    "A00 A00\nB00\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cache := filepath.Join(dir, "c.hvc")
	if err := WriteCache(cache, sampleCorpus(t)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file   string
		format Format
		opt    func(*ReadOptions)
		want   []string
	}{
		{"e.csv", FormatAuto, nil, []string{"A00 | A00", "B00"}},
		{"e.csv.gz", FormatAuto, nil, []string{"A00 | A00", "B00"}},
		{"e.csv", FormatExtract, func(o *ReadOptions) { o.MinCount = 2 }, []string{"A00 | A00"}},
		{"s.txt", FormatAuto, nil, []string{"A00 A00", "B00"}},
		{"s.txt", FormatSequences, func(o *ReadOptions) { o.Dedupe = true }, []string{"A00", "B00"}},
		{"s.txt", FormatAuto, func(o *ReadOptions) { o.MinCount = 2 }, []string{"A00 A00"}},
		{"c.hvc", FormatAuto, nil, seqStrings(sampleCorpus(t))},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.format.String(), func(t *testing.T) {
			opt := DefaultReadOptions()
			if tt.opt != nil {
				tt.opt(&opt)
			}
			c, rep, err := ReadFile(context.Background(), filepath.Join(dir, tt.file), tt.format, opt)
			if err != nil {
				t.Fatal(err)
			}
			if got := seqStrings(c); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("sequences = %q, want %q", got, tt.want)
			}
			if rep.Tokens != int64(c.Tokens.Len()) || rep.PatientYears != int64(c.NumSeqs()) {
				t.Errorf("report %+v does not match the corpus", rep)
			}
		})
	}
	if _, _, err := ReadFile(context.Background(), filepath.Join(dir, "e.csv"), FormatAuto, ReadOptions{}); err == nil {
		t.Error("ReadFile with MinCount 0: no error")
	}
}
