package benchmarks

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/hiervec/hiervec/trainer"
)

// Tool names, as they appear in Row.Tool and the table.
const (
	ToolHiervec = "hiervec"
	// ToolHiervecShared is hiervec with -shared-negatives (Skip-Gram only):
	// one negative set per centre word instead of per pair.
	ToolHiervecShared = "hiervec-shared"
	ToolGensim        = "gensim"
	ToolFastText      = "fasttext"
)

// QualityK is the number of k-means clusters the quality column is computed
// with: the smaller k of Finch et al.'s Table 2 (NMI@200).
const QualityK = 200

// Config sets what Run measures. Every tool trains on the same sequence file
// with the same settings; only the implementation differs.
type Config struct {
	// Patients is the number of synthetic patients (package synth); each has
	// one to three patient-years.
	Patients int
	// Seed seeds the synthetic corpus (synth.Config.Seed).
	Seed uint64
	// Models lists the architectures to run: "sg", "cbow" or both.
	Models []string
	// Dims lists the vector dimensions to run.
	Dims []int
	// Threads lists the worker counts to run (hiervec -threads, gensim
	// workers, fastText -thread).
	Threads []int
	// Word2Vec is the training setting every tool gets: its Window,
	// Negative, Subsample (gensim sample, fastText -t), Epochs and MinAlpha;
	// each cell sets the model, dimension, threads and seed. Its Alpha is
	// used only when AlphaPerModel is false.
	Word2Vec trainer.Config
	// AlphaPerModel passes every tool hiervec's starting learning rate for
	// the cell's model (trainer.DefaultConfig: 0.025 for SG, 0.05 for CBOW)
	// instead of Word2Vec.Alpha.
	AlphaPerModel bool
	// Seeds is the number of repetitions of every (model, dim, threads)
	// cell, with training seeds 1..Seeds. Timings are the median over the
	// repetitions; quality is the mean NMI@200.
	Seeds int
	// Peers runs gensim and fastText next to hiervec.
	Peers bool
	// Quality scores every run's code vectors: NMI of k-means (k = 200)
	// clusters against the codes' CCSR categories.
	Quality bool
	// Hiervec is the path of the hiervec binary to run ("hiervec train").
	Hiervec string
	// Python is the interpreter that has gensim (Debian's python3-gensim).
	Python string
	// FastText is the fastText binary (Debian's fasttext).
	FastText string
	// WorkDir holds the synthetic extract, the sequence file and the runs'
	// outputs; a corpus generated earlier with the same Patients and Seed is
	// reused.
	WorkDir string
}

// DefaultConfig returns the setting of the recorded results:
//
//   - Patients 60,000: about a tenth of the paper's 600,000, so that the
//     whole grid with peers runs in minutes; 600,000 is the paper's scale.
//   - Seed 1.
//   - Models sg and cbow, Dims 10, 50 and 100: the paper's grid.
//   - Threads: runtime.NumCPU(), every tool on all cores.
//   - Word2Vec: trainer.PaperConfig with Epochs 5 (gensim's default; the
//     paper used 10, which doubles every time and changes no ratio):
//     window 100, negative 5, sample 1e-3, min alpha 0.0001.
//   - AlphaPerModel true: hiervec's per-model default, passed explicitly to
//     every tool.
//   - Seeds 1; use 3 to compare quality across tools.
//   - Peers false and Quality false: the plain run needs only hiervec and
//     measures speed; -peers and -quality add the comparison.
//   - Python /usr/bin/python3 and FastText /usr/bin/fasttext: Debian's
//     python3-gensim and fasttext packages (benchmarks/install-peers.sh).
//   - WorkDir: hiervec-bench under os.TempDir().
//   - Hiervec: empty; the caller names the binary (the CLI uses itself).
func DefaultConfig() Config {
	return Config{
		Patients:      60000,
		Seed:          1,
		Models:        []string{"sg", "cbow"},
		Dims:          []int{10, 50, 100},
		Threads:       []int{runtime.NumCPU()},
		Word2Vec:      benchWord2Vec(),
		AlphaPerModel: true,
		Seeds:         1,
		Python:        "/usr/bin/python3",
		FastText:      "/usr/bin/fasttext",
		WorkDir:       filepath.Join(os.TempDir(), "hiervec-bench"),
	}
}

// benchWord2Vec is the default training setting of the harness.
func benchWord2Vec() trainer.Config {
	w := trainer.PaperConfig(trainer.SkipGram)
	w.Epochs = 5
	return w
}

// Validate reports every problem of c at once.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf("benchmarks: "+format, a...)) }
	if c.Patients < 1 {
		bad("Patients = %d, want at least 1", c.Patients)
	}
	if len(c.Models) == 0 {
		bad("no model: set Models to sg, cbow or both")
	}
	for _, m := range c.Models {
		if m != "sg" && m != "cbow" {
			bad("model %q: want sg or cbow", m)
		}
	}
	if len(c.Dims) == 0 {
		bad("no dimension: set Dims (e.g. 10, 50, 100)")
	}
	for _, d := range c.Dims {
		if d < 1 {
			bad("dimension %d: want at least 1", d)
		}
	}
	if len(c.Threads) == 0 {
		bad("no thread count: set Threads (e.g. 1, 2)")
	}
	for _, t := range c.Threads {
		if t < 1 {
			bad("threads %d: want at least 1", t)
		}
	}
	w := c.Word2Vec
	w.Dim, w.Workers = 1, 1 // set per cell, checked above
	if c.AlphaPerModel {
		w.Alpha = 0.025
	}
	w.SharedNegatives = false // a Skip-Gram option; CBOW cells run without it
	if err := w.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("benchmarks: Word2Vec: %w", err))
	}
	if c.Seeds < 1 {
		bad("Seeds = %d, want at least 1", c.Seeds)
	}
	if c.Hiervec == "" {
		bad("Hiervec is empty: name the hiervec binary to run")
	}
	if c.Peers && c.Python == "" {
		bad("Peers needs Python: the interpreter with gensim (/usr/bin/python3 on Debian)")
	}
	if c.Peers && c.FastText == "" {
		bad("Peers needs FastText: the fastText binary (/usr/bin/fasttext on Debian)")
	}
	if c.WorkDir == "" {
		bad("WorkDir is empty: name a directory for the corpus and the runs")
	}
	return errors.Join(errs...)
}

// alpha returns the starting learning rate every tool gets for model m.
func (c Config) alpha(m string) float64 {
	if !c.AlphaPerModel {
		return c.Word2Vec.Alpha
	}
	tm, err := trainer.ParseModel(m)
	if err != nil {
		return 0
	}
	return trainer.DefaultConfig(tm).Alpha
}

// tools returns the tools of one repetition of a model's cell, in the
// order they run; hiervec comes first (the ratios are taken against it).
func (c Config) tools(model string) []string {
	first := ToolHiervec
	if c.Word2Vec.SharedNegatives && model == "sg" {
		first = ToolHiervecShared
	}
	if c.Peers {
		return []string{first, ToolGensim, ToolFastText}
	}
	return []string{first}
}
