package med2vec

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"time"
)

// Export selects which matrix Train returns as the code vectors (package
// doc, Exported vectors): the reference code saves only raw parameters and its author has
// named all three at different times.
type Export int

const (
	// ExportReLUBias exports ReLU(W_c[c] + b_c), the representation of a
	// one-code visit; the author's answer (issues #7, #17) and our default.
	ExportReLUBias Export = iota
	// ExportReLU exports ReLU(W_c[c]), the matrix the code-level
	// skip-gram trains.
	ExportReLU
	// ExportRaw exports W_c[c] as stored (it has negative entries).
	ExportRaw
)

// String returns the flag spelling: "relu-bias", "relu" or "raw".
func (e Export) String() string {
	switch e {
	case ExportReLUBias:
		return "relu-bias"
	case ExportReLU:
		return "relu"
	case ExportRaw:
		return "raw"
	}
	return fmt.Sprintf("Export(%d)", int(e))
}

// ParseExport parses "relu-bias", "relu" or "raw".
func ParseExport(s string) (Export, error) {
	for _, e := range []Export{ExportReLUBias, ExportReLU, ExportRaw} {
		if s == e.String() {
			return e, nil
		}
	}
	return 0, fmt.Errorf("med2vec: unknown export %q: want relu-bias, relu or raw: %w", s, ErrBadExport)
}

// Config holds every Med2Vec training setting. The defaults are the
// reference implementation's command-line defaults, which Finch et al. used.
type Config struct {
	// CodeDim is the size m of the code representation (reference
	// --cr_size); it is the dimension of the exported vectors.
	CodeDim int
	// VisitDim is the size n of the visit representation (--vr_size).
	VisitDim int
	// BatchSize is the number of visits per minibatch (--batch_size). The
	// reference counts its patient separator rows in the batch; we have no
	// separator rows, so a batch holds BatchSize real visits.
	BatchSize int
	// Epochs is the number of passes over the corpus (--n_epoch).
	Epochs int
	// Window is the visit window w (--window_size): visit t predicts the
	// visits t-w..t+w of the same sequence, t excluded.
	Window int
	// L2 is the weight λ of λ·||W_c||², added once per minibatch
	// (--L2_reg). As in the reference only W_c is regularised.
	L2 float64
	// Rho is Adadelta's decay rate ρ.
	Rho float64
	// Eps is Adadelta's ε, added under both square roots.
	Eps float64
	// Workers is the number of goroutines a minibatch is split across;
	// their gradients are summed in a fixed order, so a run is
	// deterministic for a fixed Workers count and Seed.
	Workers int
	// Seed makes initialisation and the per-epoch batch order
	// reproducible.
	Seed uint64
	// Export selects the exported code vectors.
	Export Export
	// ProgressInterval is how often the progress callback is called; 0
	// means one second.
	ProgressInterval time.Duration
}

// DefaultConfig returns the reference implementation's defaults (its
// command-line defaults), which are Finch et al.'s "default settings":
//
//   - CodeDim 200, VisitDim 200: --cr_size 200, --vr_size 200.
//   - BatchSize 1000: --batch_size 1000.
//   - Epochs 10: --n_epoch 10.
//   - Window 1: --window_size 1.
//   - L2 0.001: --L2_reg 0.001.
//   - Rho 0.95, Eps 1e-6: the reference's hard-coded Adadelta.
//   - Workers runtime.NumCPU(): results depend on Workers only through
//     float32 summation order.
//   - Seed 1.
//   - Export ExportReLUBias: the author's recommendation (package doc, Exported vectors).
//   - ProgressInterval one second.
func DefaultConfig() Config {
	return Config{
		CodeDim:          200,
		VisitDim:         200,
		BatchSize:        1000,
		Epochs:           10,
		Window:           1,
		L2:               0.001,
		Rho:              0.95,
		Eps:              1e-6,
		Workers:          runtime.NumCPU(),
		Seed:             1,
		Export:           ExportReLUBias,
		ProgressInterval: time.Second,
	}
}

// Validate reports every invalid setting at once.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("med2vec: "+format+": %w", append(args, ErrBadConfig)...))
	}
	if c.CodeDim < 1 {
		bad("code dimension %d: must be at least 1 (the reference uses 200)", c.CodeDim)
	}
	if c.VisitDim < 1 {
		bad("visit dimension %d: must be at least 1 (the reference uses 200)", c.VisitDim)
	}
	if c.BatchSize < 1 {
		bad("batch size %d: must be at least 1 visit (the reference uses 1000)", c.BatchSize)
	}
	if c.Epochs < 1 {
		bad("epochs %d: must be at least 1", c.Epochs)
	}
	if c.Window < 1 {
		bad("window %d: must be at least 1 visit (the reference allows 1 to 5)", c.Window)
	}
	if c.Window >= c.BatchSize && c.BatchSize >= 1 {
		bad("window %d: must be smaller than the batch size %d, or no visit pair fits in a batch", c.Window, c.BatchSize)
	}
	if !(c.L2 >= 0) || math.IsInf(c.L2, 0) {
		bad("L2 %v: must be a finite number >= 0", c.L2)
	}
	if !(c.Rho > 0 && c.Rho < 1) {
		bad("Adadelta rho %v: must lie strictly between 0 and 1 (the reference uses 0.95)", c.Rho)
	}
	if !(c.Eps > 0) || math.IsInf(c.Eps, 0) {
		bad("Adadelta epsilon %v: must be a finite number > 0 (the reference uses 1e-6)", c.Eps)
	}
	if c.Workers < 1 {
		bad("workers %d: must be at least 1", c.Workers)
	}
	if c.Export < ExportReLUBias || c.Export > ExportRaw {
		bad("export %v: want relu-bias, relu or raw", c.Export)
	}
	if c.ProgressInterval < 0 {
		bad("progress interval %v: must not be negative", c.ProgressInterval)
	}
	return errors.Join(errs...)
}

// Progress is what Train reports to its callback.
type Progress struct {
	Epoch, Epochs           int   // current epoch, 1-based, and the total
	VisitsDone, VisitsTotal int64 // visits processed over all epochs
	// Loss is the mean minibatch loss of the current epoch so far
	// (visit + code + L2 terms, invalid pairs not costed).
	Loss         float64
	Elapsed, ETA time.Duration
	Done         bool // true on the final call
}
