package benchmarks

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
)

// Results is everything one Run measured.
type Results struct {
	Date     time.Time         `json:"date"`
	Machine  Machine           `json:"machine"`
	Hiervec  BuildInfo         `json:"hiervec"`
	Versions map[string]string `json:"versions"` // tool -> version
	Corpus   CorpusInfo        `json:"corpus"`
	Settings Settings          `json:"settings"`
	Rows     []Row             `json:"rows"`
	// Commands holds one command line per tool, as run for the first cell.
	Commands map[string]string `json:"commands"`
}

// Machine describes where the results were measured.
type Machine struct {
	CPU   string `json:"cpu"`   // model name from /proc/cpuinfo
	Cores int    `json:"cores"` // runtime.NumCPU()
	OS    string `json:"os"`
	Arch  string `json:"arch"`
	Go    string `json:"go"` // the toolchain this harness was built with
}

// BuildInfo identifies the hiervec binary measured.
type BuildInfo struct {
	Path     string `json:"path"`
	Revision string `json:"revision,omitempty"` // vcs.revision of its build
	Time     string `json:"time,omitempty"`     // vcs.time
	Modified bool   `json:"modified"`           // built from a tree with uncommitted changes
}

// Settings are the training settings every tool got.
type Settings struct {
	Epochs   int     `json:"epochs"`
	Window   int     `json:"window"`
	Negative int     `json:"negative"`
	Sample   float64 `json:"sample"`
	AlphaSG  float64 `json:"alpha_sg"`
	AlphaCB  float64 `json:"alpha_cbow"`
	MinAlpha float64 `json:"min_alpha"`
	Seeds    int     `json:"seeds"`
}

// Row is one tool on one (model, dim, threads) cell, over Seeds repetitions.
type Row struct {
	Model   string `json:"model"`
	Dim     int    `json:"dim"`
	Threads int    `json:"threads"`
	Tool    string `json:"tool"`

	// WallSeconds holds every repetition's whole-process wall time (reading
	// the corpus, training, writing the vectors); Wall is their median.
	WallSeconds []float64 `json:"wall_seconds"`
	Wall        float64   `json:"wall_median_seconds"`
	// CPU is the median user + system time: CPU/Wall is the cores kept busy.
	CPU float64 `json:"cpu_median_seconds"`
	// PeakRSSMiB is the largest peak resident set of the repetitions.
	PeakRSSMiB float64 `json:"peak_rss_mib"`
	// TokensPerSec is corpus tokens x epochs / Wall; PairsPerSec is the
	// nominal pairs (ExpectedPairs) x epochs / Wall.
	TokensPerSec float64 `json:"tokens_per_sec"`
	PairsPerSec  float64 `json:"pairs_per_sec"`
	// NMI and AMI hold each repetition's NMI@200 and AMI@200 (empty
	// without Quality or when there are fewer than 200 labelled codes).
	NMI []float64 `json:"nmi200,omitempty"`
	AMI []float64 `json:"ami200,omitempty"`

	// SpeedRatio is hiervec's tokens/s over this tool's on the same cell,
	// MemRatio hiervec's peak RSS over this tool's; all ratios are 0 on
	// hiervec's own rows.
	SpeedRatio float64 `json:"speed_ratio_hiervec_over_tool,omitempty"`
	MemRatio   float64 `json:"rss_ratio_hiervec_over_tool,omitempty"`
	// CPURatio is hiervec's CPU time over this tool's: less sensitive than
	// wall time to other load on the machine.
	CPURatio float64 `json:"cpu_ratio_hiervec_over_tool,omitempty"`
}

// NMIMean returns the mean NMI@200 and its sample standard deviation (0 for
// one repetition); ok is false when no NMI was computed.
func (r Row) NMIMean() (mean, sd float64, ok bool) { return meanSD(r.NMI) }

// AMIMean is NMIMean for AMI@200.
func (r Row) AMIMean() (mean, sd float64, ok bool) { return meanSD(r.AMI) }

func meanSD(xs []float64) (mean, sd float64, ok bool) {
	if len(xs) == 0 {
		return 0, 0, false
	}
	for _, v := range xs {
		mean += v
	}
	mean /= float64(len(xs))
	if len(xs) > 1 {
		for _, v := range xs {
			sd += (v - mean) * (v - mean)
		}
		sd = math.Sqrt(sd / float64(len(xs)-1))
	}
	return mean, sd, true
}

// median returns the median of xs (xs is not modified).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// WriteJSON writes r as one indented JSON object.
func (r *Results) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("benchmarks: %w", err)
	}
	return nil
}

// WriteTable writes r as Markdown: what was measured and on what, then one
// table row per tool and cell.
func (r *Results) WriteTable(w io.Writer) error {
	var b strings.Builder
	c := r.Corpus
	fmt.Fprintf(&b, "Measured %s on %s (%d cores, %s/%s). hiervec %s.\n\n",
		r.Date.UTC().Format("2006-01-02 15:04 MST"), r.Machine.CPU, r.Machine.Cores, r.Machine.OS, r.Machine.Arch, r.Hiervec.describe())
	if len(r.Versions) > 0 {
		var vs []string
		for _, k := range slices.Sorted(maps.Keys(r.Versions)) {
			vs = append(vs, k+" "+r.Versions[k])
		}
		fmt.Fprintf(&b, "Tools: %s.\n\n", strings.Join(vs, ", "))
	}
	fmt.Fprintf(&b, "Corpus: %d synthetic patients (seed %d), %d patient-years, %d code tokens, %d codes (%d with a CCSR category, %d categories); %.4g nominal pairs per epoch at window %d.\n\n",
		c.Patients, c.Seed, c.PatientYears, c.Tokens, c.Vocabulary, c.Labelled, c.Categories, c.PairsPerEpoch, c.Window)
	if c.ChanceNMI != 0 {
		fmt.Fprintf(&b, "Chance level: random vectors for the same codes score NMI@200 %.3f, AMI@200 %.3f.\n\n", c.ChanceNMI, c.ChanceAMI)
	}
	s := r.Settings
	fmt.Fprintf(&b, "Settings (every tool): %d epochs, window %d, negative %d, sample %g, alpha %g (SG) / %g (CBOW) to %g, min-count 1, %d repetition(s) per cell (training seeds 1..%d).\n\n",
		s.Epochs, s.Window, s.Negative, s.Sample, s.AlphaSG, s.AlphaCB, s.MinAlpha, s.Seeds, s.Seeds)
	b.WriteString("| model | dim | threads | tool | wall s | CPU s | tokens/s | pairs/s | peak RSS MiB | NMI@200 | AMI@200 | speed hiervec/tool | CPU tool/hiervec | RSS hiervec/tool |\n")
	b.WriteString("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, row := range r.Rows {
		score := func(xs []float64) string {
			m, sd, ok := meanSD(xs)
			switch {
			case !ok:
				return "-"
			case len(xs) > 1:
				return fmt.Sprintf("%.3f ± %.3f", m, sd)
			}
			return fmt.Sprintf("%.3f", m)
		}
		ratio := func(x float64) string {
			if x == 0 {
				return "-"
			}
			return fmt.Sprintf("%.2fx", x)
		}
		cpuRatio := 0.0
		if row.CPURatio > 0 {
			cpuRatio = 1 / row.CPURatio
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %.2f | %.2f | %s | %s | %.0f | %s | %s | %s | %s | %s |\n",
			strings.ToUpper(row.Model), row.Dim, row.Threads, row.Tool, row.Wall, row.CPU,
			si(row.TokensPerSec), si(row.PairsPerSec), row.PeakRSSMiB, score(row.NMI), score(row.AMI),
			ratio(row.SpeedRatio), ratio(cpuRatio), ratio(row.MemRatio))
	}
	b.WriteString("\nwall: whole process (read corpus, train, write vectors), median over repetitions. " +
		"tokens/s = tokens x epochs / wall; pairs/s = nominal (centre, context) pairs under the reduced window, before subsampling (the same count for every tool) x epochs / wall. " +
		"peak RSS: ru_maxrss of the process. NMI@200, AMI@200: k-means (k = 200, seed 1) of the code vectors against their CCSR category, mean ± sd over repetitions (AMI corrects for chance). " +
		"Ratios on the same cell: hiervec's tokens/s over the tool's (above 1: hiervec faster), the tool's CPU time over hiervec's (above 1: hiervec needs less CPU; robust to other load on the machine), hiervec's peak RSS over the tool's (below 1: hiervec leaner).\n")
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("benchmarks: %w", err)
	}
	return nil
}

func (bi BuildInfo) describe() string {
	if bi.Revision == "" {
		return "(revision unknown)"
	}
	s := "commit " + bi.Revision
	if len(bi.Revision) > 12 {
		s = "commit " + bi.Revision[:12]
	}
	if bi.Modified {
		s += " (with uncommitted changes)"
	}
	return s
}

// si formats x with a k/M/G suffix and three significant digits.
func si(x float64) string {
	switch a := math.Abs(x); {
	case a >= 1e9:
		return fmt.Sprintf("%.3gG", x/1e9)
	case a >= 1e6:
		return fmt.Sprintf("%.3gM", x/1e6)
	case a >= 1e3:
		return fmt.Sprintf("%.3gk", x/1e3)
	}
	return fmt.Sprintf("%.3g", x)
}
