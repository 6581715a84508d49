package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/synth"
)

func init() {
	register(command{name: "synth", summary: "generate a synthetic EHR extract, its CCSR hierarchy and outcomes", run: runSynth})
}

func runSynth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	def := synth.DefaultConfig()
	fs := newFlagSet("synth", stderr)
	patients := fs.Int("patients", def.Patients, "number of patients")
	seed := fs.Uint64("seed", def.Seed, "random seed (same seed and flags, same bytes)")
	year := fs.Int("year", def.Year, "first calendar year")
	multi := fs.Float64("multi-year", def.MultiYearShare, "share of patients spanning 2-3 years")
	noise := fs.Float64("noise", def.NoiseShare, "share of codes unrelated to the patient's conditions")
	off := fs.Float64("off-category", def.OffCategoryShare, "probability that a node of the code tree below the 3-character category keeps another category's company")
	spread := fs.Float64("spread", def.Spread, "share of a 4th-character node's profile that is its own, not its parent's")
	spreadDecay := fs.Float64("spread-decay", def.SpreadDecay, "factor on -spread for each further character")
	zipf := fs.Float64("zipf", def.ZipfExponent, "Zipf exponent by which each node of the code tree shares its popularity among its children")
	repeat := fs.Float64("repeat", def.RepeatShare, "share of codes repeating an earlier code of the patient")
	maxCodes := fs.Int("max-codes", def.MaxCodes, "cap on codes per patient-year")
	out := fs.String("out", "", "extract CSV to write (patient_id,date,icd10_code) (required)")
	ccsrOut := fs.String("ccsr-out", "", "hierarchy CSV to write (code,category,category_description,code_description) (required)")
	outcomesOut := fs.String("outcomes-out", "", "outcomes CSV to write (patient_id,year,mortality,unplanned_admission) (required)")
	ccsr := fs.String("ccsr", "", "draw codes and categories from this CCSR map instead of the built-in hierarchy\n"+hierarchy.Layouts)
	ccsrCats := fs.String("ccsr-categories", "", "CCSR category list giving category descriptions the -ccsr map lacks\n(HCUP's CCSR_Categories sheet as CSV, or hcup.data's CCSR_DX_categories.csv)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: hiervec synth -patients N -seed S -out extract.csv -ccsr-out ccsr.csv -outcomes-out outcomes.csv [-ccsr FILE] [-year Y]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" || *ccsrOut == "" || *outcomesOut == "" {
		return usagef("-out, -ccsr-out and -outcomes-out are required")
	}
	cfg := synth.Config{
		Patients: *patients, Seed: *seed, Year: *year,
		MultiYearShare: *multi, NoiseShare: *noise, OffCategoryShare: *off, RepeatShare: *repeat, MaxCodes: *maxCodes,
		Spread: *spread, SpreadDecay: *spreadDecay, ZipfExponent: *zipf,
	}
	if err := cfg.Validate(); err != nil {
		return usagef("%v", err)
	}
	if *ccsr != "" {
		m, err := hierarchy.ReadMapFile(*ccsr)
		if err != nil {
			return err
		}
		if *ccsrCats != "" {
			if _, err := m.LoadCategoryDescriptions(*ccsrCats); err != nil {
				return err
			}
		}
		cfg.Map = m
	} else if *ccsrCats != "" {
		return usagef("-ccsr-categories needs -ccsr")
	}
	// Cancelling (Ctrl-C) stops the generator within ProgressEvery patients and
	// leaves no partial file, as every output is written atomically.
	start := time.Now()
	sum, err := synth.WriteFilesContext(ctx, cfg, *out, *ccsrOut, *outcomesOut)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "synth: %d patients, %d patient-years, %d rows, %d codes (%d used), %d categories, mortality %d, unplanned admissions %d, %s\n",
		sum.Patients, sum.PatientYears, sum.Rows, sum.Codes, sum.CodesUsed, sum.Categories,
		sum.Mortality, sum.Admissions, time.Since(start).Round(time.Millisecond))
	return nil
}
