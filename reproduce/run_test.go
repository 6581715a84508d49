package reproduce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/trainer"
)

// tinyConfig is the paper's plan (both models, three dimensions, CO and
// SEP) shrunk to run in a second or two.
func tinyConfig(t *testing.T) Config {
	cfg := DefaultConfig()
	cfg.Out = t.TempDir()
	cfg.Patients = 300
	cfg.Dims = []int{4, 6, 8}
	cfg.Word2Vec.Epochs = 1
	cfg.Word2Vec.Window = 10
	cfg.Word2Vec.Workers = 1
	cfg.Ks = []int{5, 10}
	return cfg
}

func TestRunWritesTheReleasedLayoutAndReports(t *testing.T) {
	cfg := tinyConfig(t)
	var events int
	res, err := Run(context.Background(), cfg, func(Event) { events++ })
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Trained) != 18 || len(res.Resumed) != 0 {
		t.Fatalf("trained %d, resumed %d; want 18 runs trained", len(res.Trained), len(res.Resumed))
	}
	sets, err := export.ReadReleased(filepath.Join(cfg.Out, EmbeddingsFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 24 {
		t.Fatalf("embeddings.json has %d sets, want 24", len(sets))
	}
	for _, s := range sets {
		info, err := export.ParseReleasedKey(s.Name)
		if err != nil {
			t.Fatalf("key %s: %v", s.Name, err)
		}
		if s.Dim != info.Dim {
			t.Errorf("%s has dimension %d", s.Name, s.Dim)
		}
		switch {
		case info.Categories && (s.Len() == 0 || s.Len() > 400):
			t.Errorf("%s holds %d category vectors", s.Name, s.Len())
		case !info.Categories && s.Len() != res.Codes-res.Suppression.SuppressedCodes:
			t.Errorf("%s holds %d code vectors, the corpus has %d codes of which %d are under %d patients",
				s.Name, s.Len(), res.Codes, res.Suppression.SuppressedCodes, cfg.MinPatients)
		}
	}
	for _, f := range []string{ReportMarkdown, ReportJSON, ReportHTML, ChartFile, ChartAMIFile, ChartUnitFile, SynthCCSR, SynthExtract, SynthOutcomes, manifestName} {
		if st, err := os.Stat(filepath.Join(cfg.Out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty (%v)", f, err)
		}
	}
	if res.Suppression.SuppressedCodes == 0 || res.Suppression.SuppressedCodes == res.Codes {
		t.Errorf("suppression %+v: the tiny corpus should have codes on both sides of %d patients", res.Suppression, cfg.MinPatients)
	}
	md, _ := os.ReadFile(filepath.Join(cfg.Out, ReportMarkdown))
	release := fmt.Sprintf("Release: small-cell suppression (fewer than %d patients): %d of %d codes not written",
		cfg.MinPatients, res.Suppression.SuppressedCodes, res.Suppression.Codes)
	for _, want := range []string{"| SG | 8 |", "| CBOW | 4 |", "NMI@5", "AUC mortality", release} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	var report struct {
		Runs []struct{ Sets []map[string]any }
	}
	js, _ := os.ReadFile(filepath.Join(cfg.Out, ReportJSON))
	if err := json.Unmarshal(js, &report); err != nil {
		t.Fatalf("report.json: %v", err)
	}
	if len(report.Runs) != 1 || len(report.Runs[0].Sets) != 27 {
		t.Errorf("report.json has %d runs, want 1 with 24 sets and 3 random baselines", len(report.Runs))
	}
	if events == 0 {
		t.Error("no progress events")
	}
}

func TestRunResumesFinishedRuns(t *testing.T) {
	cfg := tinyConfig(t)
	cfg.Models = []trainer.Model{trainer.SkipGram}
	cfg.Dims = []int{4}
	first, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	// An interrupted run leaves some variants finished: remove one and its
	// assembled outputs, then run again with the same settings.
	if err := os.Remove(filepath.Join(cfg.Out, VariantsDir, "SG_CO_4.json")); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(cfg.Out, EmbeddingsFile))
	second, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(second.Trained, ",") != "SG_CO_4" || len(second.Resumed) != 2 {
		t.Fatalf("second run trained %v and resumed %v; want only SG_CO_4 trained", second.Trained, second.Resumed)
	}
	if len(first.Sets) != len(second.Sets) {
		t.Fatalf("first run %d sets, second %d", len(first.Sets), len(second.Sets))
	}
	// The resumed SEP vectors are the ones written the first time.
	for i, s := range first.Sets {
		if s.Name == "SG_SEP_embeddings_4" {
			a, b := s.Vectors, second.Sets[i].Vectors
			for j := range a {
				if a[j] != b[j] {
					t.Fatalf("resumed %s differs at %d", s.Name, j)
				}
			}
		}
	}

	cfg.Word2Vec.Epochs = 2
	if _, err := Run(context.Background(), cfg, nil); !errors.Is(err, ErrOtherRun) {
		t.Fatalf("other settings in the same folder: got %v, want ErrOtherRun", err)
	}
}

func TestRunCancelled(t *testing.T) {
	cfg := tinyConfig(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, cfg, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if _, err := os.Stat(filepath.Join(cfg.Out, EmbeddingsFile)); !os.IsNotExist(err) {
		t.Errorf("a cancelled run wrote %s", EmbeddingsFile)
	}
}

func TestConfigValidateListsEveryProblem(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Input = "x.csv"
	cfg.Dims = []int{0}
	cfg.Variants = []string{"both"}
	cfg.Word2Vec.Epochs = 0
	cfg.Ks = []int{1}
	err := cfg.Validate()
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{"output folder", "CCSR", "dimension 0", "both", "Epochs is 0", "k-means k 1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

// TestRunRetrainsWhatIsNotProven: a finished run whose file was changed
// (500 codes deleted, say) is trained again, with a message.
func TestRunRetrainsWhatIsNotProven(t *testing.T) {
	cfg := tinyConfig(t)
	cfg.Models = []trainer.Model{trainer.SkipGram}
	cfg.Dims = []int{4}
	if _, err := Run(context.Background(), cfg, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(cfg.Out, VariantsDir, "SG_SEP_4.json")
	sets, err := export.ReadReleased(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sets[0]
	cut := s.Subset(func(i int) bool { return i%2 == 0 })
	if err := export.WriteReleased(path, []*embedding.Set{cut}); err != nil {
		t.Fatal(err)
	}
	var msgs []string
	second, err := Run(context.Background(), cfg, func(e Event) {
		if e.Message != "" {
			msgs = append(msgs, e.Message)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(second.Trained, ",") != "SG_SEP_4" {
		t.Errorf("trained %v, want SG_SEP_4 only", second.Trained)
	}
	if !strings.Contains(strings.Join(msgs, "\n"), "SG_SEP_4.json does not match its recorded checksum") {
		t.Errorf("no message about the changed file: %q", msgs)
	}
	again, _ := export.ReadReleased(path)
	if again[0].Len() != s.Len() {
		t.Errorf("retrained file holds %d codes, want %d", again[0].Len(), s.Len())
	}
}

// TestRunWritesNothingBeforeTheInputReads: a bad input leaves no run.json,
// so the corrected command runs in the same folder.
func TestRunWritesNothingBeforeTheInputReads(t *testing.T) {
	cfg := tinyConfig(t)
	cfg.Models = []trainer.Model{trainer.SkipGram}
	cfg.Dims = []int{4}
	dir := t.TempDir()
	src := tinyConfig(t)
	src.Out = dir
	src.Models, src.Dims = cfg.Models, cfg.Dims
	if _, err := Run(context.Background(), src, nil); err != nil {
		t.Fatal(err)
	}
	cfg.Input = filepath.Join(dir, SynthExtract)
	cfg.CCSR = filepath.Join(dir, SynthCCSR)
	cfg.Read.CodeCol = "no_such_column"
	if _, err := Run(context.Background(), cfg, nil); err == nil {
		t.Fatal("a missing code column was accepted")
	}
	if _, err := os.Stat(filepath.Join(cfg.Out, manifestName)); !os.IsNotExist(err) {
		t.Fatalf("a failed read left %s (%v)", manifestName, err)
	}
	cfg.Read.CodeCol = ""
	if _, err := Run(context.Background(), cfg, nil); err != nil {
		t.Fatalf("the corrected run was refused: %v", err)
	}
}

// Repeats train every run with each seed, report means and spreads, and a
// later call with more repeats trains only the new seeds.
func TestRunRepeats(t *testing.T) {
	cfg := tinyConfig(t)
	cfg.Models = []trainer.Model{trainer.SkipGram}
	cfg.Dims = []int{4}
	cfg.Repeats = 2
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Trained) != 6 || len(res.Repeats) != 2 || len(res.Repeats[0]) != len(res.Repeats[1]) {
		t.Fatalf("trained %v, %d repeats of scores", res.Trained, len(res.Repeats))
	}
	a, b := res.Repeats[0][0], res.Repeats[1][0]
	if a.Set != b.Set || a.NMI[5] == b.NMI[5] && a.AMI[10] == b.AMI[10] && a.UnitNMI[5] == b.UnitNMI[5] {
		t.Errorf("seed 1 and seed 2 score %s identically: %v %v", a.Set, a.NMI, b.NMI)
	}
	var report struct {
		Settings map[string]any
		Runs     []struct {
			Seed uint64
			Sets []map[string]any
		}
	}
	js, _ := os.ReadFile(filepath.Join(cfg.Out, ReportJSON))
	if err := json.Unmarshal(js, &report); err != nil {
		t.Fatal(err)
	}
	if len(report.Runs) != 2 || report.Runs[0].Seed != 1 || report.Runs[1].Seed != 2 || report.Settings["repeats"] != 2.0 {
		t.Errorf("report.json runs %d, settings %v", len(report.Runs), report.Settings)
	}
	md, _ := os.ReadFile(filepath.Join(cfg.Out, ReportMarkdown))
	if !strings.Contains(string(md), "mean±standard deviation over 2 training seeds") || !strings.Contains(string(md), "±") {
		t.Errorf("report.md shows no spread:\n%s", md)
	}
	if _, err := os.Stat(filepath.Join(cfg.Out, VariantsDir, "SG_CO_4_r2.json")); err != nil {
		t.Errorf("second seed's run file: %v", err)
	}
	cfg.Repeats = 3
	res, err = Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(res.Trained, ",") != "SG_SEP_4_r3,SG_SEP_cat_4_r3,SG_CO_4_r3" || len(res.Resumed) != 6 {
		t.Errorf("three repeats after two: trained %v, resumed %v", res.Trained, res.Resumed)
	}
}
