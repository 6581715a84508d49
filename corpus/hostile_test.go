package corpus

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/internal/ehrtest"
	"github.com/hiervec/hiervec/internal/input"
)

// hostileID is the patient identifier of the hostile extracts: no message
// and no token may ever hold it (or its distinctive parts).
const hostileID = "MRN-SECRET-4711"

// hostileRows writes n rows of patients hostileID0 .. hostileID9 in the
// column order given by format (a fmt format of the patient id, a date and
// a code, indexed %[1]s %[2]s %[3]s).
func hostileRows(n int, format string, codes ...string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, format+"\n", fmt.Sprintf("%s%d", hostileID, i%10), fmt.Sprintf("2019-%02d-%02d", 1+i%12, 1+i%28), codes[i%len(codes)])
	}
	return b.String()
}

// mrnRows writes n rows whose patient ids are MRNs shaped like ICD-10-CM
// codes (Q004211, Q004212, ...).
func mrnRows(n int) string {
	var b strings.Builder
	b.WriteString("patient_id,date,icd10_code\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "Q%06d,2019-01-%02d,%s\n", 4211+i%7, 1+i%28, []string{"E11.9", "I10", "J45.909"}[i%3])
	}
	return b.String()
}

func noIdentifier(t *testing.T, what string, err error, c *Corpus) {
	t.Helper()
	for _, bit := range []string{hostileID, "SECRET", "4711", "Q00421"} {
		if err != nil && strings.Contains(err.Error(), bit) {
			t.Errorf("%s: error reveals an identifier (%q): %v", what, bit, err)
		}
		if c != nil {
			for _, w := range c.Vocab.Words {
				if strings.Contains(w, bit) {
					t.Errorf("%s: token %q holds an identifier", what, w)
				}
			}
		}
	}
}

// TestHostileExtracts reads extracts a careless user could hand over and
// checks what the reader does with each: refuse (with the right error
// type), or read with every bad row counted; and that the patient
// identifier is in no error and no token.
func TestHostileExtracts(t *testing.T) {
	codes := []string{"E11.9", "I10", "J45.909", "Z00.00", "K21.9"}
	codeList := NewCodeList(codes...)
	list := func(o *ReadOptions) { o.CodeList = codeList }
	bigCode := strings.Repeat("E", 10<<20)
	tests := []struct {
		name    string
		data    string
		opt     func(*ReadOptions)
		wantErr any    // nil: must read; else a pointer to the error type wanted (or an error to match with errors.Is)
		errPart string // substring of the error
		skipped map[string]int64
	}{
		{"pipe-delimited with a header", "patient_id|date|code\n" + hostileRows(50, "%[1]s|%[2]s|%[3]s", codes...), nil, nil, "", nil},
		{"pipe-delimited without a header", hostileRows(50, "%[1]s|%[2]s|%[3]s", codes...), nil, ErrNoHeader, "field 2 is shaped like a date", nil},
		{"headerless csv", hostileRows(50, "%[1]s,%[2]s,%[3]s", codes...), nil, ErrNoHeader, "extract.csv:1:2: no header line: the first line looks like data", nil},
		{"headerless csv, codes first", hostileRows(50, "%[3]s,%[1]s,%[2]s", codes...), nil, ErrNoHeader, "field 1 is shaped like an ICD-10-CM code", nil},
		{"semicolons, no header", hostileRows(50, "%[1]s;%[2]s;%[3]s", codes...), nil, ErrNoHeader, "", nil},
		{"swapped patient and code columns", "patient_id,date,icd10_code\n" + hostileRows(50, "%[1]s,%[2]s,%[3]s", codes...),
			func(o *ReadOptions) { o.PatientCol, o.CodeCol = "icd10_code", "patient_id" }, &CodeColumnError{},
			`extract.csv:21: column 1 "patient_id" does not look like a column of ICD-10-CM codes: all 20 of the first 20 values fail the code syntax`, nil},
		{"swapped, the flags named", "patient_id,date,icd10_code\n" + hostileRows(50, "%[1]s,%[2]s,%[3]s", codes...),
			func(o *ReadOptions) { o.PatientCol, o.CodeCol = "icd10_code", "patient_id" }, &CodeColumnError{}, "-code-col NAME (CodeCol), or the code system with -code-system", nil},
		{"MRNs shaped like codes, no list", mrnRows(60), func(o *ReadOptions) { o.PatientCol, o.CodeCol = "icd10_code", "patient_id" }, nil, "", nil},
		{"MRNs shaped like codes, with a list", mrnRows(60), func(o *ReadOptions) {
			o.PatientCol, o.CodeCol, o.CodeList = "icd10_code", "patient_id", codeList
		}, &CodeColumnError{}, `column 1 "patient_id" does not look like a column of codes: all 20 of the first 20 values shaped like ICD-10-CM codes are not in the code list`, nil},
		{"codes in the list", mrnRows(60), list, nil, "", nil},
		{"unquoted comma shifts the columns", "patient_id,name,date,code\n" + hostileID + ",Smith, John,2019-01-01,E11.9\n", nil, &ParseError{},
			"extract.csv:2:3: date a value of 5 characters: letters and spaces: expected a date", nil},
		{"unquoted comma, skip-bad", "patient_id,name,date,code\n" + hostileRows(40, "%[1]s,x,%[2]s,%[3]s", codes...) + hostileID + ",Smith, John,2019-01-01,E11.9\n",
			func(o *ReadOptions) { o.SkipBad = true }, nil, "", map[string]int64{ReasonDate: 1}},
		{"shift puts the id in the date column", "name,patient_id,date,code\n" + "Smith, John," + hostileID + ",2019-01-01,E11.9\n", nil, &ParseError{},
			"extract.csv:2:3: date a value of 15 characters: letters, digits and punctuation", nil},
		{"id in the code column of one row", "patient_id,date,code\n" + hostileRows(100, "%[1]s,%[2]s,%[3]s", codes...) + "x,2019-01-01," + hostileID + "\n", nil, nil, "",
			map[string]int64{ReasonCodeSyntax: 1}},
		{"a 10 MB code", "patient_id,date,code\n" + hostileRows(100, "%[1]s,%[2]s,%[3]s", codes...) + "x,2019-01-01," + bigCode + "\n", nil, nil, "",
			map[string]int64{ReasonCodeSyntax: 1}},
		{"codes with spaces, newlines, bad UTF-8", "patient_id,date,code\n" + hostileRows(100, "%[1]s,%[2]s,%[3]s", codes...) +
			"x,2019-01-01,E11 9\nx,2019-01-01,\"E11\n9\"\nx,2019-01-01,E1\xff\n", nil, nil, "", map[string]int64{ReasonCodeSyntax: 3}},
		{"many bad codes", "patient_id,date,code\n" + hostileRows(1000, "%[1]s,%[2]s,%[3]s", "E11.9", "I10", "J45.909", "Z00.00", "K21.9", "E11.9", "I10", "J45.909", "Z00.00", "not a code"), nil,
			&CodeColumnError{}, "column 3 \"code\" does not look like a column of ICD-10-CM codes: 100 of 1000 values fail", nil},
		{"ICD-9-CM codes under ICD-10-CM", "patient_id,date,code\n" + hostileRows(50, "%[1]s,%[2]s,%[3]s", "4019", "25000", "V707"), nil,
			&CodeColumnError{}, "-code-system icd10cm|icd9cm|regex:PATTERN", nil},
		{"ICD-9-CM codes under ICD-9-CM", "patient_id,date,code\n" + hostileRows(50, "%[1]s,%[2]s,%[3]s", "4019", "25000", "V707"),
			func(o *ReadOptions) { o.CodeSystem = ICD9CM }, nil, "", nil},
		{"codes in the date column", "patient_id,date,code\n" + hostileRows(50, "%[1]s,%[3]s,%[2]s", codes...),
			nil, &ParseError{}, "extract.csv:2:2: date a value of 5 characters: letters, digits and punctuation", nil},
		{"dates in the code column", "patient_id,admittime,dischtime,icd_code\n" + hostileRows(50, "%[1]s,%[2]s,%[2]s,%[3]s", codes...),
			func(o *ReadOptions) { o.CodeCol = "dischtime" }, &CodeColumnError{}, `column 3 "dischtime" does not look like a column of ICD-10-CM codes`, nil},
		{"unknown header", "pid,when,what\n" + hostileRows(10, "%[1]s,%[2]s,%[3]s", codes...), nil, &ColumnError{},
			`no patient column found (looked for patient_id, person_id, subject_id, patient, member_id, mrn, pat_id, patid); name it with -patient-col NAME (PatientCol); no date column found`, nil},
		{"header with an id-shaped cell", "pid," + hostileID + ",2019-01-01\n", nil, ErrNoHeader, "", nil},
		{"header with a data-like cell and a known name", "patient_id,2019-01-01," + hostileID + "\n", nil, &ColumnError{},
			"the header's columns are 1 (a value of 10 characters: letters and punctuation), 2 (a value of 10 characters: digits and punctuation), 3 (a value of 15 characters: letters, digits and punctuation)", nil},
		{"a workbook", "PK\x03\x04" + hostileID, nil, input.ErrNotText, "extract.csv is a ZIP archive (an Excel workbook?); save the sheet as CSV", nil},
		{"binary garbage", "\x00\x01\x02" + hostileID, nil, input.ErrNotText, "binary data", nil},
		{"a sequence file", "E119 I10\nJ45909\n", nil, &ColumnError{}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := DefaultReadOptions()
			if tt.opt != nil {
				tt.opt(&opt)
			}
			c, rep, err := ReadExtract(context.Background(), strings.NewReader(tt.data), "extract.csv", opt)
			if strings.HasSuffix(tt.name, "no list") {
				// Syntax alone cannot tell an MRN shaped like a code from a
				// code: without a list the MRNs become tokens. The list case
				// below refuses the same file.
				if err != nil || c.Vocab.Words[0][:6] != "Q00421" {
					t.Fatalf("err %v, vocabulary %v: want the MRNs read as codes", err, c.Vocab.Words)
				}
				return
			}
			noIdentifier(t, tt.name, err, c)
			if len(tt.errPart) > 0 && (err == nil || !strings.Contains(err.Error(), tt.errPart)) {
				t.Errorf("error %v\nwant it to contain %q", err, tt.errPart)
			}
			switch want := tt.wantErr.(type) {
			case nil:
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				for _, w := range c.Vocab.Words {
					if !opt.codeSystem().Valid(w) {
						t.Errorf("token %q is not a code", w)
					}
				}
				if rep.Rows != rep.Accepted+rep.Skipped {
					t.Errorf("rows %d != accepted %d + skipped %d", rep.Rows, rep.Accepted, rep.Skipped)
				}
				if tt.skipped == nil {
					tt.skipped = map[string]int64{}
				}
				if !reflect.DeepEqual(rep.SkippedByReason, tt.skipped) {
					t.Errorf("skipped %v, want %v", rep.SkippedByReason, tt.skipped)
				}
			case *CodeColumnError:
				if !errors.As(err, &want) || !errors.Is(err, ErrCodeColumn) {
					t.Errorf("error %v (%T), want a *CodeColumnError", err, err)
				}
			case *ColumnError:
				if !errors.As(err, &want) {
					t.Errorf("error %v (%T), want a *ColumnError", err, err)
				}
			case *ParseError:
				if !errors.As(err, &want) {
					t.Errorf("error %v (%T), want a *ParseError", err, err)
				}
			case error:
				if !errors.Is(err, want) {
					t.Errorf("error %v does not match %v", err, want)
				}
			}
		})
	}
}

// TestColumnErrorReportsAll: every missing, ambiguous and shared column in
// one error, with the header's columns.
func TestColumnErrorReportsAll(t *testing.T) {
	for _, tt := range []struct {
		header                     string
		opt                        ReadOptions
		missing, ambiguous, shared []Role
	}{
		{"a,b,c", ReadOptions{}, []Role{RolePatient, RoleDate, RoleCode}, nil, nil},
		{"patient,patient_id,dx,code,x", ReadOptions{}, []Role{RoleDate}, []Role{RolePatient, RoleCode}, nil},
		{"patient_id,date,code", ReadOptions{CodeCol: "patient_id"}, nil, nil, []Role{RoleCode}},
		{"patient_id,date,code", ReadOptions{DateCol: "when", CodeCol: "dx9"}, []Role{RoleDate, RoleCode}, nil, nil},
	} {
		opt := DefaultReadOptions()
		opt.PatientCol, opt.DateCol, opt.CodeCol = tt.opt.PatientCol, tt.opt.DateCol, tt.opt.CodeCol
		_, _, err := ReadExtract(context.Background(), strings.NewReader(tt.header+"\n"), "x.csv", opt)
		var ce *ColumnError
		if !errors.As(err, &ce) {
			t.Fatalf("%s: error %v (%T), want a *ColumnError", tt.header, err, err)
		}
		if !reflect.DeepEqual(ce.Missing, tt.missing) || !reflect.DeepEqual(ce.Ambiguous, tt.ambiguous) || !reflect.DeepEqual(ce.Shared, tt.shared) {
			t.Errorf("%s: missing %v ambiguous %v shared %v; want %v %v %v", tt.header, ce.Missing, ce.Ambiguous, ce.Shared, tt.missing, tt.ambiguous, tt.shared)
		}
		for i, h := range strings.Split(tt.header, ",") {
			if want := fmt.Sprintf("%d %q", i+1, h); !strings.Contains(ce.Header, want) {
				t.Errorf("%s: header %q lacks %s", tt.header, ce.Header, want)
			}
		}
		for _, r := range append(append(ce.Missing, ce.Ambiguous...), ce.Shared...) {
			if !strings.Contains(err.Error(), r.Flag()+" NAME") {
				t.Errorf("%s: %v does not name %s", tt.header, err, r.Flag())
			}
		}
	}
}

// TestHeaderCell: the rule by which a header cell is quoted.
func TestHeaderCell(t *testing.T) {
	for in, want := range map[string]bool{
		"patient_id": true, "ICD-10-CM CODE": true, "dx1": true, "_x": true, "condition_source_value": true,
		"": false, "1abc": false, "P0000001": false, "MRN-4711": false, hostileID: false, "a,b": false, "Smith, John": false,
		"x@example.org": false, strings.Repeat("a", 33): false, "naïve": false,
	} {
		if got := looksLikeColumnName(in); got != want {
			t.Errorf("looksLikeColumnName(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestHostileSequences: files read as sequence files that are not.
func TestHostileSequences(t *testing.T) {
	for _, tt := range []struct {
		name, data string
		opt        func(*ReadOptions)
		ok         bool
		errPart    string
		skipped    int64
	}{
		{"identifiers", strings.Repeat(hostileID+" P0000002\n", 30), nil, false, "seqs.txt:20: this does not look like a sequence file of ICD-10-CM codes: all 20 of the first 20 lines", 0},
		{"a headerless extract", hostileRows(30, "%[1]s,%[2]s,%[3]s", "E11.9"), nil, false, "-input-format", 0},
		{"an extract with a header", "patient_id,date,code\n" + hostileRows(30, "%[1]s,%[2]s,%[3]s", "E11.9"), nil, false, "", 0},
		{"one bad line among many", strings.Repeat("E119 I10\n", 40) + "E119 " + hostileID + " I10\n", nil, true, "", 1},
		{"a 10 MB token", strings.Repeat("E119 I10\n", 40) + strings.Repeat("E", 10<<20) + "\n", nil, true, "", 1},
		{"MRNs, no list", strings.Repeat("Q004211 Q004212\n", 30), nil, true, "", 0},
		{"MRNs with a list", strings.Repeat("Q004211 Q004212\n", 30), func(o *ReadOptions) { o.CodeList = NewCodeList("E11.9", "I10") }, false,
			"all 20 of the first 20 codes are not in the code list", 0},
		{"categories are not checked against the list", strings.Repeat("CIR007 E119\n", 30), func(o *ReadOptions) { o.CodeList = NewCodeList("E11.9") }, true, "", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opt := DefaultReadOptions()
			if tt.opt != nil {
				tt.opt(&opt)
			}
			p := filepath.Join(t.TempDir(), "seqs.txt")
			if err := os.WriteFile(p, []byte(tt.data), 0o644); err != nil {
				t.Fatal(err)
			}
			// The file reader (parallel, falling back to streaming) and the
			// streaming reader must agree.
			for _, read := range []func() (*Corpus, *ReadReport, error){
				func() (*Corpus, *ReadReport, error) { return ReadFile(context.Background(), p, FormatSequences, opt) },
				func() (*Corpus, *ReadReport, error) {
					return ReadSequences(context.Background(), strings.NewReader(tt.data), p, opt)
				},
			} {
				c, rep, err := read()
				if tt.name == "MRNs, no list" {
					if err != nil || c.Vocab.Words[0] != "Q004211" {
						t.Fatalf("err %v, vocabulary %v: want the MRNs read as codes (the list case refuses them)", err, c.Vocab.Words)
					}
					continue
				}
				noIdentifier(t, tt.name, err, c)
				if tt.ok != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.errPart) {
					t.Fatalf("error %v; want ok %v, %q", err, tt.ok, tt.errPart)
				}
				if err != nil {
					if !errors.Is(err, ErrCodeColumn) {
						t.Errorf("error %v does not match ErrCodeColumn", err)
					}
					continue
				}
				if rep.Skipped != tt.skipped || rep.SkippedByReason[ReasonCodeSyntax] != tt.skipped {
					t.Errorf("skipped %d (%v), want %d code_syntax", rep.Skipped, rep.SkippedByReason, tt.skipped)
				}
			}
		})
	}
}

// TestCacheOfIdentifiers: a cache built under another rule (an old build
// that let identifiers through) is refused, naming no word.
func TestCacheOfIdentifiers(t *testing.T) {
	c := sampleCorpus(t)
	c.Vocab.Words[0] = hostileID
	c.Vocab.reindex()
	p := filepath.Join(t.TempDir(), "old.hvc")
	if err := WriteCache(p, c); err != nil {
		t.Fatal(err)
	}
	got, _, err := ReadFile(context.Background(), p, FormatAuto, DefaultReadOptions())
	noIdentifier(t, "cache", err, got)
	if !errors.Is(err, ErrCacheCodes) || !strings.Contains(err.Error(), "1 of its 4 tokens are neither ICD-10-CM codes nor CCSR categories") {
		t.Errorf("err = %v", err)
	}
}

// TestReadingStops: every reader stops with the context's error.
func TestReadingStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	extract := "patient_id,date,code\n" + hostileRows(10000, "%[1]s,%[2]s,%[3]s", "E11.9", "I10")
	seqs := strings.Repeat("E119 I10\n", 10000)
	cache := filepath.Join(dir, "c.hvc")
	if err := WriteCache(cache, sampleCorpus(t)); err != nil {
		t.Fatal(err)
	}
	sp := filepath.Join(dir, "s.txt")
	if err := os.WriteFile(sp, []byte(seqs), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, read := range map[string]func() error{
		"extract": func() error {
			_, _, err := ReadExtract(ctx, strings.NewReader(extract), "e.csv", DefaultReadOptions())
			return err
		},
		"sequences": func() error {
			_, _, err := ReadSequences(ctx, strings.NewReader(seqs), "s.txt", DefaultReadOptions())
			return err
		},
		"sequence file": func() error {
			_, _, err := ReadSequencesFile(ctx, sp, DefaultReadOptions())
			return err
		},
		"cache":     func() error { _, err := ReadCache(ctx, cache); return err },
		"code list": func() error { _, err := ReadCodeList(ctx, strings.NewReader(seqs), "l.txt", nil); return err },
	} {
		err := read()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err = %v, want context.Canceled", name, err)
		}
		if errors.Is(err, ErrCorruptCache) {
			t.Errorf("%s: a stopped read reported as a corrupt cache: %v", name, err)
		}
	}
}

// TestMIMICCodeSystems reads the MIMIC-IV demo's diagnoses (ICD-9 and
// ICD-10 rows, with their icd_version) under each system: the version
// column keeps the system's rows, and none is rejected by the syntax.
func TestMIMICCodeSystems(t *testing.T) {
	var b strings.Builder
	b.WriteString(ehrtest.CSV(ehrtest.MIMIC(t), true))
	for _, tt := range []struct {
		sys               *CodeSystem
		accepted, version int64
	}{{ICD10CM, 2313, 2193}, {ICD9CM, 2193, 2313}} {
		opt := DefaultReadOptions()
		opt.CodeSystem = tt.sys
		c, rep, err := ReadExtract(context.Background(), strings.NewReader(b.String()), "mimic.csv", opt)
		if err != nil {
			t.Fatalf("%s: %v", tt.sys, err)
		}
		if rep.Accepted != tt.accepted || rep.SkippedByReason[ReasonICDVersion] != tt.version || rep.SkippedByReason[ReasonCodeSyntax] != 0 {
			t.Errorf("%s: %+v; want %d accepted, %d skipped for icd_version, none for code_syntax", tt.sys, rep, tt.accepted, tt.version)
		}
		for _, w := range c.Vocab.Words {
			if !tt.sys.Valid(w) {
				t.Errorf("%s: token %q", tt.sys, w)
			}
		}
	}
}
