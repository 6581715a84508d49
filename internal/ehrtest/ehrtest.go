// Package ehrtest builds test extracts from the MIMIC-IV demo in the shared
// data folder and writes the same rows in each format hiervec reads (CSV,
// Parquet with every date encoding), so that tests can check that every
// reader makes the same corpus of the same rows. Only tests import it.
package ehrtest

import (
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"

	"github.com/hiervec/hiervec/internal/shareddata"
)

// Diagnosis is one row of an extract.
type Diagnosis struct {
	Subject string // the patient id (MIMIC's subject_id: digits)
	Time    string // the admission time, "2110-01-01 12:00:00"
	Code    string // the code as MIMIC writes it (no dot)
	Version int    // 9 or 10
	Hadm    string // the admission (hadm_id)
	Seq     int    // seq_num: 1 is the principal diagnosis
}

// Date returns the row's calendar date.
func (d Diagnosis) Date() time.Time {
	t, err := time.Parse("2006-01-02 15:04:05", d.Time)
	if err != nil {
		panic(err)
	}
	return t
}

// MIMIC returns every row of the MIMIC-IV demo's diagnoses_icd (ICD-9 and
// ICD-10) joined to admissions for its date, in the file's order; it
// skips the test, naming the file, when the shared data is absent.
func MIMIC(tb testing.TB) []Diagnosis {
	tb.Helper()
	dx := readCSV(tb, "mimic-iv-demo-2.2/hosp/diagnoses_icd.csv.gz")
	adm := readCSV(tb, "mimic-iv-demo-2.2/hosp/admissions.csv.gz")
	admittime := map[string]string{}
	for _, a := range adm {
		admittime[a["hadm_id"]] = a["admittime"]
	}
	rows := make([]Diagnosis, 0, len(dx))
	for _, d := range dx {
		at, ok := admittime[d["hadm_id"]]
		if !ok {
			tb.Fatalf("ehrtest: admission %s of a diagnosis is not in admissions", d["hadm_id"])
		}
		v, err1 := strconv.Atoi(d["icd_version"])
		seq, err2 := strconv.Atoi(d["seq_num"])
		if err1 != nil || err2 != nil {
			tb.Fatalf("ehrtest: bad icd_version or seq_num in diagnoses_icd")
		}
		rows = append(rows, Diagnosis{Subject: d["subject_id"], Time: at, Code: d["icd_code"], Version: v, Hadm: d["hadm_id"], Seq: seq})
	}
	return rows
}

// readCSV reads a shared data CSV file whole as records keyed by header
// name.
func readCSV(tb testing.TB, rel string) []map[string]string {
	tb.Helper()
	recs, err := csv.NewReader(shareddata.Open(tb, rel)).ReadAll()
	if err != nil {
		tb.Fatalf("ehrtest: %s: %v", rel, err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// CSV renders rows as an extract with the header
// subject_id,admittime,icd_code,icd_version (without the last column when
// withVersion is false).
func CSV(rows []Diagnosis, withVersion bool) string {
	var b strings.Builder
	b.WriteString("subject_id,admittime,icd_code")
	if withVersion {
		b.WriteString(",icd_version")
	}
	b.WriteByte('\n')
	for _, r := range rows {
		b.WriteString(r.Subject + "," + r.Time + "," + r.Code)
		if withVersion {
			b.WriteString("," + strconv.Itoa(r.Version))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// WriteCSV writes CSV(rows, withVersion) to path.
func WriteCSV(tb testing.TB, path string, rows []Diagnosis, withVersion bool) {
	tb.Helper()
	if err := os.WriteFile(path, []byte(CSV(rows, withVersion)), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// DateAs is how WriteParquet stores the date column.
type DateAs int

const (
	DateString     DateAs = iota // BYTE_ARRAY (STRING): "2110-01-01 12:00:00"
	DateDate                     // INT32 (DATE)
	DateMillis                   // INT64 (TIMESTAMP(MILLIS, UTC))
	DateMicros                   // INT64 (TIMESTAMP(MICROS, UTC))
	DateNanosLocal               // INT64 (TIMESTAMP(NANOS, local))
	DateInt96                    // legacy INT96 timestamp (Spark, Impala)
)

// Parquet says how WriteParquet lays out an extract.
type Parquet struct {
	Date         DateAs
	IntPatient   bool // subject_id as INT64 instead of a string
	RowGroupRows int  // rows per row group (0: one row group)
	PageBytes    int  // page buffer size (0: the library's default)
	Dictionary   bool // dictionary-encode the string columns
}

// The row types of WriteParquet, one per layout. Their columns are named as
// CSV names them.
type (
	pqString struct {
		Subject string `parquet:"subject_id"`
		Time    string `parquet:"admittime"`
		Code    string `parquet:"icd_code"`
		Version int32  `parquet:"icd_version"`
	}
	pqStringDict struct {
		Subject string `parquet:"subject_id,dict"`
		Time    string `parquet:"admittime,dict"`
		Code    string `parquet:"icd_code,dict"`
		Version int32  `parquet:"icd_version"`
	}
	pqDate struct {
		Subject int64  `parquet:"subject_id"`
		Time    int32  `parquet:"admittime,date"`
		Code    string `parquet:"icd_code,dict"`
		Version string `parquet:"icd_version"`
	}
	pqDateStr struct {
		Subject string `parquet:"subject_id"`
		Time    int32  `parquet:"admittime,date"`
		Code    string `parquet:"icd_code"`
		Version int32  `parquet:"icd_version"`
	}
	pqMillis struct {
		Subject string `parquet:"subject_id"`
		Time    int64  `parquet:"admittime,timestamp(millisecond)"`
		Code    string `parquet:"icd_code"`
		Version int32  `parquet:"icd_version"`
	}
	pqMicros struct {
		Subject int64  `parquet:"subject_id"`
		Time    int64  `parquet:"admittime,timestamp(microsecond)"`
		Code    string `parquet:"icd_code"`
		Version int32  `parquet:"icd_version"`
	}
	pqNanos struct {
		Subject string `parquet:"subject_id"`
		Time    int64  `parquet:"admittime,timestamp(nanosecond:local)"`
		Code    string `parquet:"icd_code"`
		Version int32  `parquet:"icd_version"`
	}
	pqInt96 struct {
		Subject string           `parquet:"subject_id"`
		Time    deprecated.Int96 `parquet:"admittime"`
		Code    string           `parquet:"icd_code"`
		Version int32            `parquet:"icd_version"`
	}
)

// WriteParquet writes rows to path as a Parquet file laid out as p says,
// with the columns subject_id, admittime, icd_code and icd_version.
func WriteParquet(tb testing.TB, path string, rows []Diagnosis, p Parquet) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var opts []parquet.WriterOption
	if p.RowGroupRows > 0 {
		opts = append(opts, parquet.MaxRowsPerRowGroup(int64(p.RowGroupRows)))
	}
	if p.PageBytes > 0 {
		opts = append(opts, parquet.PageBufferSize(p.PageBytes))
	}
	subject := func(r Diagnosis) int64 {
		n, err := strconv.ParseInt(r.Subject, 10, 64)
		if err != nil {
			tb.Fatalf("ehrtest: subject_id %d is not an integer", len(r.Subject))
		}
		return n
	}
	days := func(r Diagnosis) int32 { return int32(r.Date().Unix() / 86400) }
	switch {
	case p.Date == DateString && p.Dictionary:
		write(tb, f, rows, opts, func(r Diagnosis) pqStringDict {
			return pqStringDict{r.Subject, r.Time, r.Code, int32(r.Version)}
		})
	case p.Date == DateString:
		write(tb, f, rows, opts, func(r Diagnosis) pqString { return pqString{r.Subject, r.Time, r.Code, int32(r.Version)} })
	case p.Date == DateDate && p.IntPatient:
		write(tb, f, rows, opts, func(r Diagnosis) pqDate {
			return pqDate{subject(r), days(r), r.Code, strconv.Itoa(r.Version)}
		})
	case p.Date == DateDate:
		write(tb, f, rows, opts, func(r Diagnosis) pqDateStr { return pqDateStr{r.Subject, days(r), r.Code, int32(r.Version)} })
	case p.Date == DateMillis:
		write(tb, f, rows, opts, func(r Diagnosis) pqMillis {
			return pqMillis{r.Subject, r.Date().UnixMilli(), r.Code, int32(r.Version)}
		})
	case p.Date == DateMicros:
		write(tb, f, rows, opts, func(r Diagnosis) pqMicros {
			return pqMicros{subject(r), r.Date().UnixMicro(), r.Code, int32(r.Version)}
		})
	case p.Date == DateNanosLocal:
		write(tb, f, rows, opts, func(r Diagnosis) pqNanos {
			return pqNanos{r.Subject, r.Date().UnixNano(), r.Code, int32(r.Version)}
		})
	case p.Date == DateInt96:
		write(tb, f, rows, opts, func(r Diagnosis) pqInt96 {
			t := r.Date()
			nanos := uint64(t.Sub(t.Truncate(24 * time.Hour)))
			day := uint32(t.Unix()/86400 + 2440588) // Julian day
			return pqInt96{r.Subject, deprecated.Int96{uint32(nanos), uint32(nanos >> 32), day}, r.Code, int32(r.Version)}
		})
	default:
		tb.Fatalf("ehrtest: unknown layout %+v", p)
	}
}

func write[T any](tb testing.TB, f *os.File, rows []Diagnosis, opts []parquet.WriterOption, conv func(Diagnosis) T) {
	tb.Helper()
	w := parquet.NewGenericWriter[T](f, opts...)
	batch := make([]T, 0, 512)
	for i, r := range rows {
		batch = append(batch, conv(r))
		if len(batch) == cap(batch) || i == len(rows)-1 {
			if _, err := w.Write(batch); err != nil {
				tb.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
}
