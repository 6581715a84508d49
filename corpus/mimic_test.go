package corpus

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/internal/ehrtest"
	"github.com/hiervec/hiervec/internal/shareddata"
)

// TestMIMICDemo writes the ICD-10 rows of the MIMIC-IV demo's diagnoses,
// joined to admissions for their dates (ehrtest.MIMIC), as an extract and
// checks the reader against the counts in the data README.
func TestMIMICDemo(t *testing.T) {
	mimic := ehrtest.MIMIC(t)
	var rows []ehrtest.Diagnosis
	all := ehrtest.CSV(mimic, true) // every row, ICD-9 included, with its version
	for _, d := range mimic {
		if d.Version == 10 {
			rows = append(rows, d)
		}
	}
	slices.SortStableFunc(rows, func(a, b ehrtest.Diagnosis) int {
		if c := strings.Compare(a.Time, b.Time); c != 0 {
			return c
		}
		return a.Seq - b.Seq
	})
	var sb strings.Builder
	sb.WriteString("subject_id,admittime,icd_code\n")
	patientYears := map[string]bool{}
	for _, r := range rows {
		sb.WriteString(r.Subject + "," + r.Time + "," + r.Code + "\n")
		patientYears[r.Subject+"/"+r.Time[:4]] = true
	}
	p := filepath.Join(t.TempDir(), "mimic_icd10.csv")
	if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	c, rep, err := ReadExtractFile(context.Background(), p, DefaultReadOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.check(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name      string
		got, want int64
	}{
		{"rows", rep.Rows, 2313},
		{"accepted", rep.Accepted, 2313},
		{"tokens", rep.Tokens, 2313},
		{"patients", rep.Patients, 44},
		{"distinct codes", int64(c.Vocab.Len()), 734},
		{"patient-years", rep.PatientYears, int64(len(patientYears))},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %d, want %d", tt.name, tt.got, tt.want)
		}
	}
	// Sequences are in date order and each year is the sequence's year.
	for s := 0; s < c.NumSeqs(); s++ {
		if c.Years[s] < 2110 || c.Years[s] > 2201 {
			t.Errorf("sequence %d has year %d, outside MIMIC's shifted 2110-2201", s, c.Years[s])
		}
	}
	// Every accepted code survives a round trip through the cache.
	cp := filepath.Join(t.TempDir(), "mimic.hvc")
	if err := WriteCache(cp, c); err != nil {
		t.Fatal(err)
	}
	back, err := ReadCache(context.Background(), cp)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Tokens.Int32s(), c.Tokens.Int32s()) || !slices.Equal(back.Vocab.Words, c.Vocab.Words) {
		t.Error("cache round trip changed the MIMIC corpus")
	}

	// With ICD-9 rows and an icd_version column: the ICD-9 rows are skipped
	// and counted, and the corpus holds the same codes.
	_, rep9, err := ReadExtract(context.Background(), strings.NewReader(all), "mimic_all.csv", DefaultReadOptions())
	if err != nil {
		t.Fatal(err)
	}
	if rep9.Rows != 4506 || rep9.Accepted != 2313 || rep9.SkippedByReason[ReasonICDVersion] != 2193 || rep9.Skipped != 2193 {
		t.Errorf("with ICD-9 rows: %+v; want 4506 rows, 2313 accepted, 2193 skipped for icd_version", rep9)
	}

	// The raw diagnoses file read as an extract directly: it has no date
	// column, so the reader must say so and list the header.
	_, _, err = ReadExtractFile(context.Background(), shareddata.Path(t, "mimic-iv-demo-2.2/hosp/diagnoses_icd.csv.gz"), DefaultReadOptions())
	if err == nil || !strings.Contains(err.Error(), "no date column found") || !strings.Contains(err.Error(), `"hadm_id"`) {
		t.Errorf("reading diagnoses_icd without dates: %v", err)
	}
}
