package synth

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"testing"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/hierarchy"
)

// written is an extract read back for the data-level tests: the
// hierarchy's codes, each code's default category, the distinct codes of
// each patient-year and each code's number of distinct patients.
type written struct {
	codes    []string
	cat      []int32
	years    [][]int32
	patients []int
}

func readWritten(t *testing.T, ex, cc []byte) *written {
	t.Helper()
	m, err := hierarchy.ReadMap(bytes.NewReader(cc), "hierarchy.csv")
	if err != nil {
		t.Fatal(err)
	}
	w := &written{}
	id := map[string]int32{}
	catID := map[string]int32{}
	for _, c := range m.Codes() {
		def, _ := m.Category(c)
		k, ok := catID[def]
		if !ok {
			k = int32(len(catID))
			catID[def] = k
		}
		id[c] = int32(len(w.codes))
		w.codes = append(w.codes, c)
		w.cat = append(w.cat, k)
	}
	w.patients = make([]int, len(w.codes))
	lastPatient := make([]string, len(w.codes))
	r := csv.NewReader(bytes.NewReader(ex))
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		t.Fatal(err)
	}
	var key string
	var cur []int32
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		c, ok := id[corpus.NormalizeCode(rec[2])]
		if !ok {
			t.Fatalf("extract code %s is not in the hierarchy", rec[2])
		}
		if k := rec[0] + rec[1][:4]; k != key {
			if len(cur) > 0 {
				w.years = append(w.years, cur)
			}
			key, cur = k, nil
		}
		if lastPatient[c] != rec[0] {
			lastPatient[c] = rec[0]
			w.patients[c]++
		}
		dup := false
		for _, e := range cur {
			if e == c {
				dup = true
				break
			}
		}
		if !dup {
			cur = append(cur, c)
		}
	}
	if len(cur) > 0 {
		w.years = append(w.years, cur)
	}
	return w
}

// categoryProfiles returns, for each code with at least minPatients
// patients, its co-occurrence profile over the default categories of the
// codes it shares a patient-year with, weighted by positive pointwise
// mutual information (PPMI), and nil for the other codes. Each
// patient-year gives each of its n distinct codes one unit of co-occurrence
// spread over the n-1 others, so long patient-years do not dominate.
func (w *written) categoryProfiles(minPatients int) []map[int32]float64 {
	prof := make([]map[int32]float64, len(w.codes))
	for i, n := range w.patients {
		if n >= minPatients {
			prof[i] = map[int32]float64{}
		}
	}
	var col = map[int32]float64{}
	total := 0.0
	for _, y := range w.years {
		if len(y) < 2 {
			continue
		}
		inc := 1 / float64(len(y)-1)
		for _, a := range y {
			col[w.cat[a]]++
			total++
			if prof[a] == nil {
				continue
			}
			for _, b := range y {
				if b != a {
					prof[a][w.cat[b]] += inc
				}
			}
		}
	}
	for _, p := range prof {
		row := 0.0
		for _, v := range p {
			row += v
		}
		for k, v := range p {
			if x := math.Log(v * total / (row * col[k])); x > 0 {
				p[k] = x
			} else {
				delete(p, k)
			}
		}
	}
	return prof
}

// alikeByPrefix is the mean PPMI cosine of the category profiles of pairs of
// codes with at least minPatients patients sharing exactly 0, 1-2 and 3 or
// more leading characters.
func (w *written) alikeByPrefix(t *testing.T, minPatients int) (none, short, long float64) {
	prof := w.categoryProfiles(minPatients)
	var eligible []int
	for i, p := range prof {
		if p != nil {
			eligible = append(eligible, i)
		}
	}
	var codes []string
	for _, i := range eligible {
		codes = append(codes, w.codes[i])
	}
	mean, n := meanCosineByPrefix(codes, func(i int) map[int32]float64 { return prof[eligible[i]] }, 2000, 3)
	t.Logf("%d codes with at least %d patients; mean profile cosine by shared prefix length %.3f (pairs %v)", len(eligible), minPatients, mean, n)
	avg := func(from, to int) float64 {
		s, k := 0.0, 0
		for l := from; l <= to; l++ {
			s += mean[l] * float64(n[l])
			k += n[l]
		}
		if k < 100 {
			t.Fatalf("only %d pairs share %d-%d characters", k, from, to)
		}
		return s / float64(k)
	}
	return avg(0, 0), avg(1, 2), avg(3, maxCodeLen-1)
}

// TestPrefixAlikeInData checks on the written extract that codes sharing a
// longer prefix keep more alike company, and that the code tree is what
// makes them so: with no inheritance (Spread and SpreadDecay 1, a code
// keeps only its own node's company) and every node below the root keeping
// a random category's company, sharing a prefix no longer helps.
func TestPrefixAlikeInData(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and reads back 40,000 patients")
	}
	run := func(edit func(*Config)) (none, short, long float64) {
		cfg := DefaultConfig()
		cfg.Patients = 20000
		cfg.Seed = 17
		edit(&cfg)
		ex, cc, _, _ := generate(t, cfg)
		return readWritten(t, ex, cc).alikeByPrefix(t, 30)
	}
	none, short, long := run(func(*Config) {})
	t.Logf("default: sharing no, 1-2, 3+ characters: %.3f %.3f %.3f", none, short, long)
	if !(short > none && long > short+0.1) {
		t.Errorf("default: mean profile cosine %.3f (no shared prefix), %.3f (1-2 characters), %.3f (3 or more): want it rising, by 0.1 from 1-2 to 3+", none, short, long)
	}
	cNone, cShort, cLong := run(func(c *Config) { c.Spread, c.SpreadDecay, c.OffCategoryShare = 1, 1, 1 })
	t.Logf("no inheritance: %.3f %.3f %.3f", cNone, cShort, cLong)
	if cLong-cShort > (long-short)/3 {
		t.Errorf("without inheritance sharing 3+ characters still lifts profile cosine from %.3f to %.3f (default: %.3f to %.3f)", cShort, cLong, short, long)
	}
}

// TestLongTail checks that most codes are rare and that a few codes hold
// much of the extract, and that ZipfExponent controls the tail.
func TestLongTail(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and reads back 40,000 patients")
	}
	run := func(zipf float64) (rare, top float64) {
		cfg := DefaultConfig()
		cfg.Patients = 20000
		cfg.Seed = 5
		cfg.ZipfExponent = zipf
		ex, cc, _, _ := generate(t, cfg)
		w := readWritten(t, ex, cc)
		n := append([]int(nil), w.patients...)
		sort.Sort(sort.Reverse(sort.IntSlice(n)))
		var total, head int
		for i, v := range n {
			total += v
			if i < len(n)/100 {
				head += v
			}
			if v < 11 {
				rare++
			}
		}
		return rare / float64(len(n)), float64(head) / float64(total)
	}
	rare, top := run(DefaultConfig().ZipfExponent)
	t.Logf("default: %.3f of codes under 11 patients; the top 1%% of codes hold %.3f of code-patient pairs", rare, top)
	if rare < 0.5 || top < 0.2 {
		t.Errorf("%.3f of codes under 11 patients and %.3f held by the top 1%%: want most codes rare (over 0.5) and a heavy head (over 0.2)", rare, top)
	}
	flatRare, _ := run(0.5)
	t.Logf("ZipfExponent 0.5: %.3f of codes under 11 patients", flatRare)
	if flatRare >= rare {
		t.Errorf("a flatter law (0.5) leaves %.3f of codes rare, the default %.3f: want fewer", flatRare, rare)
	}
}

// TestWrittenReport prints, for an extract generated with the default
// configuration (SYNTH_REPORT_PATIENTS patients, the built-in hierarchy or
// the CCSR map at SYNTH_REPORT_MAP), the share of codes in each band of
// distinct patients and the mean cosine of the PPMI category profiles of
// codes with at least SYNTH_REPORT_MIN patients (default: one per 2,000
// patients) by the length of the prefix they share, beside the cosine of
// the model's own profiles for the same pairs. It asserts nothing: it is
// how the figures of the package's behaviour are measured.
func TestWrittenReport(t *testing.T) {
	patients, _ := strconv.Atoi(os.Getenv("SYNTH_REPORT_PATIENTS"))
	if patients == 0 {
		t.Skip("set SYNTH_REPORT_PATIENTS (and optionally SYNTH_REPORT_MAP, SYNTH_REPORT_MIN) to print the report")
	}
	cfg := DefaultConfig()
	cfg.Patients = patients
	if path := os.Getenv("SYNTH_REPORT_MAP"); path != "" {
		m, err := hierarchy.ReadMapFile(path)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Map = m
	}
	minPatients := max(1, patients/2000)
	if v := os.Getenv("SYNTH_REPORT_MIN"); v != "" {
		minPatients, _ = strconv.Atoi(v)
	}
	ex, cc, _, sum := generate(t, cfg)
	w := readWritten(t, ex, cc)
	fmt.Printf("%d patients, %d patient-years, %d rows; %d codes in the hierarchy, %d seen\n\n",
		sum.Patients, sum.PatientYears, sum.Rows, sum.Codes, sum.CodesUsed)

	bands := []struct {
		name   string
		lo, hi int
	}{{"0 (unseen)", 0, 0}, {"1-10", 1, 10}, {"11-99", 11, 99}, {"100-999", 100, 999}, {"1,000+", 1000, math.MaxInt}}
	fmt.Println("| distinct patients | codes | share of the hierarchy's codes |")
	fmt.Println("| --- | ---: | ---: |")
	for _, b := range bands {
		n := 0
		for _, p := range w.patients {
			if p >= b.lo && p <= b.hi {
				n++
			}
		}
		fmt.Printf("| %s | %d | %.3f |\n", b.name, n, float64(n)/float64(len(w.codes)))
	}
	seen := append([]int(nil), w.patients...)
	sort.Sort(sort.Reverse(sort.IntSlice(seen)))
	for len(seen) > 0 && seen[len(seen)-1] == 0 {
		seen = seen[:len(seen)-1]
	}
	var sx, sy, sxx, sxy, k float64
	for r := 10; r <= len(seen)/2; r++ {
		x, y := math.Log(float64(r)), math.Log(float64(seen[r-1]))
		sx, sy, sxx, sxy, k = sx+x, sy+y, sxx+x*x, sxy+x*y, k+1
	}
	fmt.Printf("\nmedian distinct patients of a seen code %d; slope of log patients on log rank (ranks 10 to %d) %.2f\n\n",
		seen[len(seen)/2], len(seen)/2, (k*sxy-sx*sy)/(k*sxx-sx*sx))

	tab, err := hierarchyTable(cfg.Map)
	if err != nil {
		t.Fatal(err)
	}
	tr := newCodeTree(tab)
	tr.assignContexts(tab, cfg.OffCategoryShare)
	index := map[string]int32{}
	for i, c := range tab.codes {
		index[c] = int32(i)
	}
	prof := w.categoryProfiles(minPatients)
	var eligible []int
	var codes []string
	for i, p := range prof {
		if p != nil {
			eligible = append(eligible, i)
			codes = append(codes, w.codes[i])
		}
	}
	dataMean, n := meanCosineByPrefix(codes, func(i int) map[int32]float64 { return prof[eligible[i]] }, 5000, 3)
	modelMean, _ := meanCosineByPrefix(codes, func(i int) map[int32]float64 {
		m := map[int32]float64{}
		for _, p := range tr.profile(nil, index[codes[i]], cfg.Spread, cfg.SpreadDecay) {
			m[p.cat] = p.w
		}
		return m
	}, 5000, 3)
	fmt.Printf("%d codes with at least %d patients\n\n", len(codes), minPatients)
	fmt.Println("| shared prefix | pairs | mean cosine, PPMI category profiles in the data | mean cosine, model profiles |")
	fmt.Println("| ---: | ---: | ---: | ---: |")
	for l := range maxCodeLen {
		if n[l] > 0 {
			fmt.Printf("| %d | %d | %.3f | %.3f |\n", l, n[l], dataMean[l], modelMean[l])
		}
	}
}
