package corpus

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		name string
		head string
		want Format
	}{
		{"extract csv", "patient_id,date,code\n1,2019-01-01,A00\n", FormatExtract},
		{"extract tsv with bom", "\ufeffsubject_id\tadmittime\ticd_code\n", FormatExtract},
		{"extract quoted", "\"person_id\",\"condition_start_date\",\"condition_source_value\"\r\n", FormatExtract},
		{"extract with odd columns but a known name", "pid,when,icd10\n", FormatExtract},
		{"sequences", "E119 I10 J45\nI10\n", FormatSequences},
		{"sequences tab", "E119\tI10\n", FormatSequences},
		{"sequences named like a column", "code date\n", FormatSequences},
		{"empty", "", FormatSequences},
		{"cache", cacheMagic + "\x01\x00", FormatCache},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := detectFormat([]byte(tt.head)); got != tt.want {
				t.Errorf("detectFormat(%q) = %v, want %v", tt.head, got, tt.want)
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range []Format{FormatAuto, FormatCache, FormatExtract, FormatSequences} {
		got, err := ParseFormat(f.String())
		if err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %v, %v", f.String(), got, err)
		}
	}
	if _, err := ParseFormat("parquet"); err == nil {
		t.Error("ParseFormat(parquet): no error")
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
			c, rep, err := ReadFile(filepath.Join(dir, tt.file), tt.format, opt)
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
	if _, _, err := ReadFile(filepath.Join(dir, "e.csv"), FormatAuto, ReadOptions{}); err == nil {
		t.Error("ReadFile with MinCount 0: no error")
	}
}
