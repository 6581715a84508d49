package synth

import (
	"bytes"
	"encoding/csv"
	"io"
	"sort"
	"strconv"
	"testing"
	"time"
)

// extractStats parses an extract written by Generate and returns the number
// of codes of each patient-year (patient id + calendar year).
func extractStats(t *testing.T, r io.Reader) (lengths []int, codes map[string]int) {
	t.Helper()
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		t.Fatal(err)
	}
	if got := head[0] + "," + head[1] + "," + head[2]; got != ExtractHeader {
		t.Fatalf("header %q, want %q", got, ExtractHeader)
	}
	codes = map[string]int{}
	type key struct {
		pid  string
		year int
	}
	n := map[key]int{}
	var order []key
	var lastDate string
	var lastPID string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		d, err := time.Parse(time.DateOnly, rec[1])
		if err != nil {
			t.Fatalf("bad date %q: %v", rec[1], err)
		}
		if rec[0] == lastPID && rec[1] < lastDate {
			t.Fatalf("dates out of order within a patient: %s after %s", rec[1], lastDate)
		}
		lastPID, lastDate = rec[0], rec[1]
		if c := rec[2]; len(c) < 3 || (len(c) > 3 && c[3] != '.') {
			t.Fatalf("code %q is not written with the dot after the third character", c)
		}
		k := key{rec[0], d.Year()}
		if _, ok := n[k]; !ok {
			order = append(order, k)
		}
		n[k]++
		codes[rec[2]]++
	}
	for _, k := range order {
		lengths = append(lengths, n[k])
	}
	return lengths, codes
}

func TestSequenceLengthShape(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Patients = 5000
	cfg.Seed = 9
	var ex, oc bytes.Buffer
	sum, err := Generate(cfg, &ex, nil, &oc)
	if err != nil {
		t.Fatal(err)
	}
	lengths, _ := extractStats(t, &ex)
	if len(lengths) != sum.PatientYears {
		t.Fatalf("extract has %d patient-years, summary says %d", len(lengths), sum.PatientYears)
	}
	sort.Ints(lengths)
	total := 0
	for _, l := range lengths {
		total += l
	}
	median := lengths[len(lengths)/2]
	mean := float64(total) / float64(len(lengths))
	maxLen := lengths[len(lengths)-1]
	p99 := lengths[len(lengths)*99/100]
	t.Logf("patient-years %d rows %d median %d mean %.2f p90 %d p99 %d max %d",
		len(lengths), total, median, mean, lengths[len(lengths)*9/10], p99, maxLen)
	if median < 6 || median > 10 {
		t.Errorf("median codes per patient-year = %d, want about 8 (6..10)", median)
	}
	if mean < 11 || mean > 17 {
		t.Errorf("mean codes per patient-year = %.2f, want about 14 (11..17)", mean)
	}
	if maxLen < 120 || maxLen > cfg.MaxCodes {
		t.Errorf("longest patient-year = %d codes, want a tail of a few hundred (120..%d)", maxLen, cfg.MaxCodes)
	}
	years := float64(sum.PatientYears) / float64(sum.Patients)
	if years < 1.15 || years > 1.40 {
		t.Errorf("patient-years per patient = %.3f, want about 1.27 (20%% of patients span 2-3 years)", years)
	}

	// Outcomes: one row per patient-year, prevalence 3-10%.
	rows, err := csv.NewReader(&oc).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows)-1 != sum.PatientYears {
		t.Fatalf("outcomes has %d rows, want %d", len(rows)-1, sum.PatientYears)
	}
	for col, name := range map[int]string{2: "mortality", 3: "unplanned_admission"} {
		pos := 0
		for _, r := range rows[1:] {
			v, err := strconv.Atoi(r[col])
			if err != nil || v < 0 || v > 1 {
				t.Fatalf("%s value %q is not 0 or 1", name, r[col])
			}
			pos += v
		}
		prev := float64(pos) / float64(len(rows)-1)
		t.Logf("%s prevalence %.4f", name, prev)
		if prev < 0.03 || prev > 0.10 {
			t.Errorf("%s prevalence = %.4f, want 0.03..0.10", name, prev)
		}
	}
}
