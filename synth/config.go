package synth

import (
	"errors"
	"fmt"

	"github.com/hiervec/hiervec/hierarchy"
)

// Config sets what the generator produces. The zero value is not valid;
// start from DefaultConfig.
type Config struct {
	// Patients is the number of patients to generate (each has one to
	// three patient-years).
	Patients int
	// Seed seeds the patient draws (math/rand/v2 PCG). The same Config gives
	// the same bytes on every run and machine.
	Seed uint64
	// Year is the first calendar year of the extract; patients spanning
	// several years continue into Year+1 and Year+2.
	Year int
	// MultiYearShare is the share of patients with more than one
	// patient-year (two thirds of them two years, one third three).
	MultiYearShare float64
	// NoiseShare is the share of codes drawn from anywhere in the
	// hierarchy, unrelated to the patient's conditions.
	NoiseShare float64
	// OffCategoryShare is the probability that a node of the code tree
	// below the 3-character category (E11.6, E11.65) keeps the company of
	// a category chosen at random instead of its codes' own: the gap
	// between CCSR's clinical grouping and what patients' records show. It
	// is fixed per hierarchy, not drawn from Seed.
	OffCategoryShare float64
	// Spread is the share of the profile of a node at the 4th character
	// (E11.6) that is its own context rather than its parent's profile;
	// SpreadDecay multiplies it for each further character (E11.65 has
	// Spread*SpreadDecay). A larger Spread makes codes under one
	// 3-character category less alike; a smaller SpreadDecay makes the
	// late characters matter less.
	Spread      float64
	SpreadDecay float64
	// ZipfExponent is the exponent of the Zipf law by which each node of
	// the code tree shares its popularity among its children: a longer,
	// heavier tail of rare codes the larger it is.
	ZipfExponent float64
	// RepeatShare is the share of codes that repeat one of the patient's
	// earlier codes (a chronic condition coded again at a later visit).
	RepeatShare float64
	// MaxCodes caps the number of codes of one patient-year.
	MaxCodes int
	// Map, when not nil, is a real CCSR map whose codes and categories
	// replace the built-in demonstration hierarchy.
	Map *hierarchy.Map
	// Progress, when not nil, is called with the number of patients done,
	// every ProgressEvery patients and once at the end.
	Progress func(patients int)
}

// ProgressEvery is how many patients pass between Progress calls.
const ProgressEvery = 10000

// DefaultConfig returns the configuration that mirrors the data of Finch et
// al. 2021: 600,000 adult patients in 2019.
func DefaultConfig() Config {
	return Config{
		// 600,000: the size of the paper's one-year adult cohort.
		Patients: 600000,
		// 1: any fixed seed; change it for an independent sample.
		Seed: 1,
		// 2019: the paper's calendar year.
		Year: 2019,
		// 0.2: about a fifth of patients span two or three years, so
		// per-patient-year grouping is exercised.
		MultiYearShare: 0.2,
		// 0.1: one code in ten unrelated to the patient's conditions (acute
		// one-off problems, coding noise); with more noise the categories
		// blur, with none they are recovered too easily.
		NoiseShare: 0.1,
		// 0.6: most finer nodes keep other company than their CCSR
		// category, so a category's identity rests on its 3-character roots
		// and the part of the finer nodes that stay; with none, a
		// category's codes keep no other company and only noise and
		// comorbidity blur the categories.
		OffCategoryShare: 0.6,
		// 0.5 and 0.7: the 4th character changes half of a code's company
		// (E11.2 kidney, E11.3 eye, E11.6 other complications), each later
		// character less (the 7th, the encounter, about a sixth).
		Spread:      0.5,
		SpreadDecay: 0.7,
		// 2: each node has a dominant child and a tail of rare ones, as a
		// 3-character category has its common unspecified code and rarer
		// specific siblings.
		ZipfExponent: 2,
		// 0.3: real extracts code chronic conditions at visit after visit.
		RepeatShare: 0.3,
		// 400: the long tail of very sick patients, capped as the paper's
		// longest sequences were a few hundred codes.
		MaxCodes: 400,
	}
}

// Validate reports every problem with c at once.
func (c Config) Validate() error {
	var errs []error
	if c.Patients < 1 {
		errs = append(errs, fmt.Errorf("synth: Patients is %d; it must be at least 1", c.Patients))
	}
	if c.Patients > 99_999_999 {
		errs = append(errs, fmt.Errorf("synth: Patients is %d; at most 99,999,999 patients fit the identifier format", c.Patients))
	}
	if c.Year < 1900 || c.Year > 9997 {
		errs = append(errs, fmt.Errorf("synth: Year is %d; use a calendar year between 1900 and 9997", c.Year))
	}
	share := func(name string, v float64) {
		if !(v >= 0 && v <= 1) {
			errs = append(errs, fmt.Errorf("synth: %s is %v; it must be between 0 and 1", name, v))
		}
	}
	share("MultiYearShare", c.MultiYearShare)
	share("NoiseShare", c.NoiseShare)
	share("RepeatShare", c.RepeatShare)
	share("OffCategoryShare", c.OffCategoryShare)
	share("Spread", c.Spread)
	share("SpreadDecay", c.SpreadDecay)
	if !(c.ZipfExponent >= 0 && c.ZipfExponent <= 10) {
		errs = append(errs, fmt.Errorf("synth: ZipfExponent is %v; it must be between 0 (uniform) and 10 (1 is the default)", c.ZipfExponent))
	}
	if c.NoiseShare+c.RepeatShare > 1 {
		errs = append(errs, fmt.Errorf("synth: NoiseShare+RepeatShare is %v; it must be at most 1", c.NoiseShare+c.RepeatShare))
	}
	if c.MaxCodes < 1 {
		errs = append(errs, fmt.Errorf("synth: MaxCodes is %d; it must be at least 1 (400 is the default)", c.MaxCodes))
	}
	return errors.Join(errs...)
}
