package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/internal/atomicfile"
	"github.com/hiervec/hiervec/internal/sysmem"
	"github.com/hiervec/hiervec/release"
	"github.com/hiervec/hiervec/trainer"
)

// trainerFlag is the flag of one trainer.Config field.
var trainerFlag = map[string]string{
	"Model":           "-model",
	"Dim":             "-dim",
	"Window":          "-window",
	"Negative":        "-negative",
	"Subsample":       "-sample",
	"Alpha":           "-alpha",
	"MinAlpha":        "-min-alpha",
	"Epochs":          "-epochs",
	"Workers":         "-threads",
	"Seed":            "-seed",
	"ShrinkWindow":    "-no-shrink-window",
	"SharedNegatives": "-shared-negatives",
	"PlainHogwild":    "-plain-hogwild",
}

// word2vecOnly are the flags that only Skip-Gram and CBOW read.
var word2vecOnly = []string{"window", "negative", "sample", "alpha", "min-alpha", "no-shrink-window", "shared-negatives", "plain-hogwild"}

// registerTrainerFlags binds the flags of c's fields to c, with c's values
// as their defaults (so -h shows the model's defaults). withDim adds -dim,
// which reproduce and bench take as a list instead.
func registerTrainerFlags(fs *flag.FlagSet, c *trainer.Config, withDim bool) {
	if withDim {
		fs.IntVar(&c.Dim, "dim", c.Dim, fmt.Sprintf("vector dimension, 1 to %d", trainer.MaxDim))
	}
	fs.IntVar(&c.Window, "window", c.Window, fmt.Sprintf("maximum context window, 1 to %d (the paper's %d: all codes of a patient-year)", trainer.MaxWindow, trainer.PaperWindow))
	fs.IntVar(&c.Negative, "negative", c.Negative, fmt.Sprintf("negative samples per positive, 1 to %d", trainer.MaxNegative))
	fs.Float64Var(&c.Subsample, "sample", c.Subsample, "subsampling threshold, 0 (off) or a threshold below 1")
	fs.Float64Var(&c.Alpha, "alpha", c.Alpha, "initial learning rate, above 0")
	fs.Float64Var(&c.MinAlpha, "min-alpha", c.MinAlpha, "final learning rate, 0 or more, below -alpha")
	fs.IntVar(&c.Epochs, "epochs", c.Epochs, fmt.Sprintf("passes over the corpus, 1 to %d", trainer.MaxEpochs))
	fs.IntVar(&c.Workers, "threads", c.Workers, fmt.Sprintf("worker goroutines, 1 to %d (default: one per CPU)", trainer.MaxWorkers))
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "random seed (with -threads 1 runs are bit-identical)")
	fs.Var(negatedBool{&c.ShrinkWindow}, "no-shrink-window", "use the full window for every centre instead of b ~ U[1, window]")
	fs.BoolVar(&c.SharedNegatives, "shared-negatives", c.SharedNegatives, "sg: draw one set of negatives per centre, shared by its window (faster; a different estimator, see the trainer package doc)")
	fs.BoolVar(&c.PlainHogwild, "plain-hogwild", c.PlainHogwild, "with 2+ threads, write the shared vectors directly instead of staging the frequent rows per thread (slower)")
}

// negatedBool is a boolean flag that sets its field to the opposite value.
type negatedBool struct{ p *bool }

func (b negatedBool) String() string {
	if b.p == nil {
		return "false"
	}
	return strconv.FormatBool(!*b.p)
}

func (b negatedBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	*b.p = !v
	return nil
}

func (b negatedBool) IsBoolFlag() bool { return true }

// trainerConfigError turns trainer.Config.Validate's field errors into one
// usage error that names the flags.
func trainerConfigError(err error) error {
	if err == nil {
		return nil
	}
	var lines []string
	for _, e := range flatten(err) {
		var fe *trainer.FieldError
		if errors.As(e, &fe) {
			name := trainerFlag[fe.Field]
			if name == "" {
				name = fe.Field
			}
			lines = append(lines, fmt.Sprintf("%s %s: want %s", name, fe.Value, fe.Want))
			continue
		}
		lines = append(lines, e.Error())
	}
	return usagef("%s", strings.Join(lines, "\n"))
}

// flatten lists the errors joined in err (errors.Join), or err itself.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// setFlags returns the names of the flags given on the command line.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// refuseFlags returns a usage error naming the flags of names that were
// given: "-window does not apply to ..." (where continues the sentence).
func refuseFlags(set map[string]bool, names []string, where string) error {
	var given []string
	for _, n := range names {
		if set[n] {
			given = append(given, "-"+n)
		}
	}
	if len(given) == 0 {
		return nil
	}
	verb := "does not apply"
	if len(given) > 1 {
		verb = "do not apply"
	}
	return usagef("%s %s %s", strings.Join(given, ", "), verb, where)
}

// minPatientsFlag registers -min-patients.
func minPatientsFlag(fs *flag.FlagSet) *int {
	return fs.Int("min-patients", release.DefaultMinPatients,
		"write a vector only for tokens seen in at least this many distinct patients (small-cell suppression; 1 writes every vector, do not share such files)")
}

// checkMinPatients validates -min-patients and warns about 1.
func checkMinPatients(n int, rep *reporter) error {
	if n < 1 {
		return usagef("-min-patients %d: want 1 or more (default %d)", n, release.DefaultMinPatients)
	}
	if n == 1 {
		rep.warn("-min-patients 1: vectors of codes seen in a single patient are written; do not share these files")
	}
	return nil
}

// probeOutput proves before any long work that out can be written in
// format f: a temporary file is created where the output will go (for the
// projector format, in the folder, which is made if missing).
func probeOutput(out string, f export.Format) error {
	path := out
	if f == export.Projector {
		dir := out
		if strings.EqualFold(filepath.Ext(out), ".tsv") {
			dir = filepath.Dir(out)
		}
		if err := mkdirAll(dir); err != nil {
			return err
		}
		path = filepath.Join(dir, export.ProjectorVectors)
	}
	if err := atomicfile.Probe(path); err != nil {
		return fmt.Errorf("cannot write -out %s: %w", out, err)
	}
	return nil
}

// checkMemory refuses a run whose estimated memory exceeds what the
// machine has available, naming the settings that drive it.
func checkMemory(need int64, what string) error {
	avail, ok := sysmem.Available()
	if !ok || need <= 0 || uint64(need) <= avail {
		return nil
	}
	return fmt.Errorf("%s needs about %s but this machine has %s available; lower -dim or -threads (or free memory)",
		what, fmtBytes(need), fmtBytes(int64(avail)))
}

// mkdirAll makes an output folder.
func mkdirAll(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot make the output folder: %w", err)
	}
	return nil
}
