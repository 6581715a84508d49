package trainer

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/evaluate"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/synth"
)

// envInt reads a positive integer setting of the quality comparison.
func envInt(t *testing.T, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil || v <= 0 {
		t.Fatalf("%s=%q: want a positive integer", name, s)
	}
	return v
}

// TestSharedNegativesQuality compares Skip-Gram with per-pair and with
// shared negatives on a synthetic extract shaped like the paper's corpus
// (package synth), by the paper's measure: NMI of k-means clusters
// (k = 200) of the code vectors against each code's CCSR category, for
// seeds 1..3. It takes minutes, so it runs only with HIERVEC_QUALITY=1;
// HIERVEC_QUALITY_PATIENTS, _EPOCHS and _DIMS ("10,100") size it, and
// HIERVEC_QUALITY_SYNC sets the staged write-back interval in tokens,
// HIERVEC_QUALITY_WORKERS the workers (default: all cores). The
// figures it logs are the evidence recorded in benchmarks/RESULTS.md.
func TestSharedNegativesQuality(t *testing.T) {
	if os.Getenv("HIERVEC_QUALITY") == "" {
		t.Skip("set HIERVEC_QUALITY=1 to compare per-pair and shared negatives on a synthetic corpus (minutes)")
	}
	patients := envInt(t, "HIERVEC_QUALITY_PATIENTS", 40000)
	epochs := envInt(t, "HIERVEC_QUALITY_EPOCHS", 5)
	workers := envInt(t, "HIERVEC_QUALITY_WORKERS", DefaultConfig(SkipGram).Workers)
	dims := []int{10, 100}
	if s := os.Getenv("HIERVEC_QUALITY_DIMS"); s != "" {
		dims = nil
		for _, f := range bytes.Split([]byte(s), []byte(",")) {
			d, err := strconv.Atoi(string(f))
			if err != nil || d <= 0 {
				t.Fatalf("HIERVEC_QUALITY_DIMS=%q: want dimensions like 10,100", s)
			}
			dims = append(dims, d)
		}
	}

	scfg := synth.DefaultConfig()
	scfg.Patients = patients
	var extract, ccsr bytes.Buffer
	if _, err := synth.Generate(scfg, &extract, &ccsr, io.Discard); err != nil {
		t.Fatal(err)
	}
	c, _, err := corpus.ReadExtract(&extract, "synth.csv", corpus.DefaultReadOptions())
	if err != nil {
		t.Fatal(err)
	}
	m, err := hierarchy.ReadMap(&ccsr, "synth-ccsr.csv")
	if err != nil {
		t.Fatal(err)
	}
	// The codes with a category, and their category numbers.
	var rows []int
	var labels []int
	catID := map[string]int{}
	for i, w := range c.Vocab.Words {
		cat, ok := m.Category(w)
		if !ok {
			continue
		}
		if _, seen := catID[cat]; !seen {
			catID[cat] = len(catID)
		}
		rows = append(rows, i)
		labels = append(labels, catID[cat])
	}
	t.Logf("synthetic corpus: %d patients, %d sequences, %d tokens, %d codes in %d categories",
		patients, c.NumSeqs(), c.Tokens.Len(), len(rows), len(catID))

	tune := defaultTuning()
	if os.Getenv("HIERVEC_QUALITY_SYNC") != "" {
		tune.syncTokens = int64(envInt(t, "HIERVEC_QUALITY_SYNC", 0))
		t.Logf("write-back every %d tokens", tune.syncTokens)
	}
	for _, dim := range dims {
		for _, v := range qualityVariants(t) {
			shared := v.shared
			var sum float64
			var line string
			for seed := uint64(1); seed <= 3; seed++ {
				cfg := DefaultConfig(SkipGram)
				cfg.Dim, cfg.Window, cfg.Epochs, cfg.Seed = dim, 100, epochs, seed
				cfg.SharedNegatives, cfg.Workers, cfg.PlainHogwild = shared, workers, v.unstaged
				start := time.Now()
				set, err := train(context.Background(), c, cfg, tune, nil)
				if err != nil {
					t.Fatalf("dim %d shared %v seed %d: %v", dim, shared, seed, err)
				}
				took := time.Since(start)
				x := make([]float32, 0, len(rows)*dim)
				for _, r := range rows {
					x = append(x, set.Vector(r)...)
				}
				kc := evaluate.DefaultKMeansConfig()
				kc.K, kc.Seed = 200, seed
				km, err := evaluate.KMeans(context.Background(), x, len(rows), dim, kc)
				if err != nil {
					t.Fatal(err)
				}
				nmi := evaluate.NMI(labels, km.Labels)
				sum += nmi
				line += fmt.Sprintf(" %.4f (%.1fs)", nmi, took.Seconds())
			}
			t.Logf("SG dim %d window 100 epochs %d workers %d shared %v staged %v: NMI@200 mean %.4f; seeds 1-3:%s",
				dim, epochs, workers, shared, !v.unstaged, sum/3, line)
		}
	}
}

type qualityVariant struct{ shared, unstaged bool }

// qualityVariants reads HIERVEC_QUALITY_VARIANTS, a comma-separated list
// of per-pair and shared, and per-pair-unstaged and
// shared-unstaged (plain Hogwild, without hot-row staging) (default:
// per-pair,shared).
func qualityVariants(t *testing.T) []qualityVariant {
	s := os.Getenv("HIERVEC_QUALITY_VARIANTS")
	if s == "" {
		s = "per-pair,shared"
	}
	var vs []qualityVariant
	for _, f := range bytes.Split([]byte(s), []byte(",")) {
		switch string(f) {
		case "per-pair":
			vs = append(vs, qualityVariant{})
		case "shared":
			vs = append(vs, qualityVariant{shared: true})
		case "per-pair-unstaged":
			vs = append(vs, qualityVariant{unstaged: true})
		case "shared-unstaged":
			vs = append(vs, qualityVariant{shared: true, unstaged: true})
		default:
			t.Fatalf("HIERVEC_QUALITY_VARIANTS=%q: want per-pair, shared, per-pair-unstaged or shared-unstaged", s)
		}
	}
	return vs
}
