package synth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/internal/atomicfile"
)

// Summary counts what Generate wrote.
type Summary struct {
	Patients     int   // patients generated
	PatientYears int   // patient-years (rows of the outcomes file)
	Rows         int64 // diagnosis rows of the extract
	Codes        int   // codes in the hierarchy
	CodesUsed    int   // distinct codes appearing in the extract
	Categories   int   // categories in the hierarchy
	Mortality    int   // patient-years with mortality = 1
	Admissions   int   // patient-years with unplanned_admission = 1
}

// Headers of the three output files.
const (
	ExtractHeader   = "patient_id,date,icd10_code"
	HierarchyHeader = "code,category,category_description,code_description"
	OutcomesHeader  = "patient_id,year,mortality,unplanned_admission"
)

// flushAt is the size at which the extract and outcomes buffers are handed
// to their writers.
const flushAt = 1 << 20

// Generate writes a synthetic extract, its hierarchy and its outcomes. It
// streams: memory does not grow with cfg.Patients. The same cfg gives the
// same bytes. A nil writer skips that output (the patients are drawn all
// the same, so the other outputs do not change).
func Generate(cfg Config, extract, ccsr, outcomes io.Writer) (*Summary, error) {
	return GenerateContext(context.Background(), cfg, extract, ccsr, outcomes)
}

// GenerateContext is Generate stopping early, with ctx's error, when ctx is
// done (checked every ProgressEvery patients).
func GenerateContext(ctx context.Context, cfg Config, extract, ccsr, outcomes io.Writer) (*Summary, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	t, err := hierarchyTable(cfg.Map)
	if err != nil {
		return nil, err
	}
	if ccsr != nil {
		if err := writeHierarchy(ccsr, t); err != nil {
			return nil, err
		}
	}
	m := newModel(t, &cfg)
	return m.generate(ctx, cfg, extract, outcomes)
}

// hierarchyTable returns the table of a CCSR map, or the built-in one.
func hierarchyTable(hm *hierarchy.Map) (*table, error) {
	if hm != nil {
		return tableFromMap(hm)
	}
	return builtin()
}

// lineWriter accumulates lines and hands them to w in large chunks, keeping
// the first error (sticky).
type lineWriter struct {
	w   io.Writer
	buf []byte
	err error
}

func (lw *lineWriter) maybeFlush() {
	if len(lw.buf) >= flushAt {
		lw.flush()
	}
}

func (lw *lineWriter) flush() {
	if lw.w == nil || lw.err != nil {
		lw.buf = lw.buf[:0]
		return
	}
	if len(lw.buf) > 0 {
		_, lw.err = lw.w.Write(lw.buf)
	}
	lw.buf = lw.buf[:0]
}

func (m *model) generate(ctx context.Context, cfg Config, extract, outcomes io.Writer) (*Summary, error) {
	t := m.t
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15))
	sum := &Summary{Patients: cfg.Patients, Codes: len(t.codes), Categories: len(t.cats)}

	// Precomputed byte forms: dotted codes, ISO dates of the three years.
	dotted := make([][]byte, len(t.codes))
	for i, c := range t.codes {
		dotted[i] = []byte(hierarchy.Dotted(c))
	}
	var dates [3][][]byte
	var yearStr [3][]byte
	for y := range dates {
		start := time.Date(cfg.Year+y, 1, 1, 0, 0, 0, 0, time.UTC)
		for d := start; d.Year() == cfg.Year+y; d = d.AddDate(0, 0, 1) {
			dates[y] = append(dates[y], d.AppendFormat(nil, time.DateOnly))
		}
		yearStr[y] = strconv.AppendInt(nil, int64(cfg.Year+y), 10)
	}
	idWidth := max(7, len(strconv.Itoa(cfg.Patients)))

	ex := &lineWriter{w: extract, buf: make([]byte, 0, flushAt+4096)}
	out := &lineWriter{w: outcomes, buf: make([]byte, 0, flushAt+4096)}
	ex.buf = append(ex.buf, ExtractHeader+"\n"...)
	out.buf = append(out.buf, OutcomesHeader+"\n"...)

	used := make([]bool, len(t.codes))
	var p patient
	var pid []byte
	var y int
	emit := func(day int, codes []int32) {
		for _, c := range codes {
			ex.buf = append(ex.buf, pid...)
			ex.buf = append(ex.buf, ',')
			ex.buf = append(ex.buf, dates[y][day]...)
			ex.buf = append(ex.buf, ',')
			ex.buf = append(ex.buf, dotted[c]...)
			ex.buf = append(ex.buf, '\n')
			used[c] = true
		}
		sum.Rows += int64(len(codes))
		ex.maybeFlush()
	}
	for i := range cfg.Patients {
		pid = appendPatientID(pid[:0], i+1, idWidth)
		m.newPatient(rng, &p)
		years := 1
		if rng.Float64() < cfg.MultiYearShare {
			years = 2 + rng.IntN(3)/2 // 2 with probability 2/3, 3 with 1/3
		}
		for y = 0; y < years; y++ {
			mort, adm := m.year(rng, &cfg, &p, len(dates[y]), emit)
			sum.PatientYears++
			out.buf = append(out.buf, pid...)
			out.buf = append(out.buf, ',')
			out.buf = append(out.buf, yearStr[y]...)
			out.buf = append(out.buf, ',', flag(mort), ',', flag(adm), '\n')
			if mort {
				sum.Mortality++
			}
			if adm {
				sum.Admissions++
			}
			out.maybeFlush()
			if mort {
				break // no patient-years after death
			}
			p.age++
		}
		if ex.err != nil || out.err != nil {
			break
		}
		if (i+1)%ProgressEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("synth: %w", err)
			}
			if cfg.Progress != nil {
				cfg.Progress(i + 1)
			}
		}
	}
	ex.flush()
	out.flush()
	if err := errors.Join(ex.err, out.err); err != nil {
		return nil, fmt.Errorf("synth: write: %w", err)
	}
	if cfg.Progress != nil && cfg.Patients%ProgressEvery != 0 {
		cfg.Progress(cfg.Patients)
	}
	for _, u := range used {
		if u {
			sum.CodesUsed++
		}
	}
	return sum, nil
}

func flag(b bool) byte {
	if b {
		return '1'
	}
	return '0'
}

// appendPatientID appends the synthetic identifier of patient n ("P0000042").
func appendPatientID(b []byte, n, width int) []byte {
	b = append(b, 'P')
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], int64(n), 10)
	for range width - len(d) {
		b = append(b, '0')
	}
	return append(b, d...)
}

// WriteFiles generates into three files, each written atomically (a
// temporary file renamed into place only when everything succeeded).
func WriteFiles(cfg Config, extractPath, ccsrPath, outcomesPath string) (*Summary, error) {
	return WriteFilesContext(context.Background(), cfg, extractPath, ccsrPath, outcomesPath)
}

// WriteFilesContext is WriteFiles stopping early when ctx is done; no
// output file is then created or replaced.
func WriteFilesContext(ctx context.Context, cfg Config, extractPath, ccsrPath, outcomesPath string) (*Summary, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var files []*atomicfile.File
	defer func() {
		for _, f := range files {
			f.Abort()
		}
	}()
	create := func(path string) (io.Writer, error) {
		f, err := atomicfile.Create(path)
		if err != nil {
			return nil, fmt.Errorf("synth: %w", err)
		}
		files = append(files, f)
		return f, nil
	}
	ex, err := create(extractPath)
	if err != nil {
		return nil, err
	}
	cc, err := create(ccsrPath)
	if err != nil {
		return nil, err
	}
	oc, err := create(outcomesPath)
	if err != nil {
		return nil, err
	}
	sum, err := GenerateContext(ctx, cfg, ex, cc, oc)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if err := f.Commit(); err != nil {
			return nil, fmt.Errorf("synth: %w", err)
		}
	}
	return sum, nil
}
