package reproduce

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/evaluate"
	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/internal/atomicfile"
)

// EvalConfig returns the evaluation settings of a reproduction: the
// evaluate package's defaults (those of "hiervec evaluate") with cfg's
// k, seed and threads, so that evaluating embeddings.json again with the
// same flags gives the report's numbers.
func EvalConfig(cfg Config) evaluate.Config {
	ec := evaluate.DefaultConfig()
	ec.Ks = append([]int(nil), cfg.Ks...)
	ec.Seed, ec.Workers = cfg.Word2Vec.Seed, cfg.Word2Vec.Workers
	ec.Vectors, ec.Random = evaluate.VectorsBoth, true
	return ec
}

// scoreAll evaluates every set as "hiervec evaluate" does.
func scoreAll(ctx context.Context, cfg Config, sets []*embedding.Set, m *hierarchy.Map, policy hierarchy.Policy,
	base *corpus.Corpus, patientIDs []string, say func(string, ...any)) ([]*evaluate.SetScore, error) {
	var down *evaluate.Downstream
	if cfg.Outcomes != "" {
		o, err := evaluate.ReadOutcomes(cfg.Outcomes)
		if err != nil {
			return nil, err
		}
		if down, err = evaluate.NewDownstream(base, patientIDs, o, evaluate.DefaultDownstreamConfig()); err != nil {
			return nil, err
		}
		j := down.Join
		say("outcomes %s: %d of %d patient-years matched", strings.Join(o.Names, ", "), j.Matched, j.Sequences)
	}
	start := time.Now()
	return evaluate.EvaluateSets(ctx, sets, hierarchy.NewLabeler(m, policy).Label, EvalConfig(cfg), down, func(done, total int, set string) {
		say("evaluated %s (%d/%d, %s)", set, done, total, time.Since(start).Round(100*time.Millisecond))
	})
}

// paperTable2 holds the NMI@200 / NMI@400 Finch et al. reported (their
// Table 2) for the variants they quote, by released key.
var paperTable2 = map[string][2]float64{
	"SG_SEP_embeddings_100":   {.529, .575},
	"SG_CO_embeddings_100":    {.561, .613},
	"SG_CO_embeddings_50":     {.573, .614},
	"CBOW_SEP_embeddings_100": {.401, .434},
	"CBOW_CO_embeddings_100":  {.448, .483},
	"Med2Vec_embeddings_200":  {.201, .240},
}

// WriteTable writes the scores in the shape of the paper's Table 2: one
// row per model and dimension, NMI at each k for SEP and CO side by side.
func WriteTable(w io.Writer, scores []*evaluate.SetScore) error {
	var b bytes.Buffer
	writeTable2(&b, scores)
	_, err := w.Write(b.Bytes())
	return err
}

type rowKey struct {
	algo string
	dim  int
}

func writeTable2(b *bytes.Buffer, scores []*evaluate.SetScore) {
	byKey := map[string]*evaluate.SetScore{}
	var rows []rowKey
	seen := map[rowKey]bool{}
	var ks []int
	for _, s := range scores {
		if s.Category() {
			continue
		}
		info, err := export.ParseReleasedKey(s.Set)
		if err != nil {
			continue
		}
		byKey[s.Set] = s
		algo := info.Algorithm
		rk := rowKey{algo, info.Dim}
		if !seen[rk] {
			seen[rk] = true
			rows = append(rows, rk)
		}
		for k := range s.NMI {
			if !containsInt(ks, k) {
				ks = append(ks, k)
			}
		}
	}
	sort.Ints(ks)
	sort.SliceStable(rows, func(i, j int) bool {
		if algoRank(rows[i].algo) != algoRank(rows[j].algo) {
			return algoRank(rows[i].algo) < algoRank(rows[j].algo)
		}
		return rows[i].dim < rows[j].dim
	})
	kcols := make([]string, len(ks))
	for i, k := range ks {
		kcols[i] = fmt.Sprintf("NMI@%d", k)
	}
	head := "| Model | Dim | SEP " + strings.Join(kcols, " / ") + " | CO " + strings.Join(kcols, " / ") + " | paper SEP | paper CO |\n"
	b.WriteString(head)
	b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: |\n")
	for _, r := range rows {
		var sep, co, psep, pco string
		if r.algo == string(AlgoMed2Vec) {
			key := fmt.Sprintf("Med2Vec_embeddings_%d", r.dim)
			sep, psep = nmiCell(byKey[key], ks), paperCell(key)
			co, pco = "", ""
		} else {
			sk, ck := releasedKey(Algorithm(r.algo), "SEP", false, r.dim), releasedKey(Algorithm(r.algo), "CO", false, r.dim)
			sep, co, psep, pco = nmiCell(byKey[sk], ks), nmiCell(byKey[ck], ks), paperCell(sk), paperCell(ck)
		}
		fmt.Fprintf(b, "| %s | %d | %s | %s | %s | %s |\n", r.algo, r.dim, sep, co, psep, pco)
	}
}

func algoRank(a string) int {
	switch Algorithm(a) {
	case AlgoCBOW:
		return 0
	case AlgoSG:
		return 1
	}
	return 2
}

func containsInt(xs []int, v int) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}

// nmiCell prints "0.512 / 0.560" for a set's NMI at each k.
func nmiCell(s *evaluate.SetScore, ks []int) string {
	if s == nil {
		return "-"
	}
	parts := make([]string, len(ks))
	for i, k := range ks {
		if v, ok := s.NMI[k]; ok {
			parts[i] = fmt.Sprintf("%.3f", v)
		} else {
			parts[i] = "-"
		}
	}
	return strings.Join(parts, " / ")
}

func paperCell(key string) string {
	if v, ok := paperTable2[key]; ok {
		return fmt.Sprintf("%.3f / %.3f", v[0], v[1])
	}
	return ""
}

// writeReports writes report.md, report.json and nmi.svg.
func writeReports(cfg Config, res *Result, m *hierarchy.Map, elapsed time.Duration) error {
	var js bytes.Buffer
	if err := evaluate.WriteJSON(&js, res.Scores); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(cfg.Out, ReportJSON), js.Bytes()); err != nil {
		return err
	}
	var md bytes.Buffer
	writeMarkdown(&md, cfg, res, m, elapsed)
	if err := atomicfile.WriteFile(filepath.Join(cfg.Out, ReportMarkdown), md.Bytes()); err != nil {
		return err
	}
	var bars []Bar
	for _, s := range res.Scores {
		if s.Category() {
			continue
		}
		info, err := export.ParseReleasedKey(s.Set)
		if err != nil {
			continue
		}
		variant := "SEP"
		switch {
		case info.Med2Vec:
			variant = ""
		case info.CO:
			variant = "CO"
		}
		for k, v := range s.NMI {
			bars = append(bars, Bar{Model: info.Algorithm, Dim: info.Dim, Variant: variant, K: k, NMI: v})
		}
	}
	sort.SliceStable(bars, func(i, j int) bool {
		if algoRank(bars[i].Model) != algoRank(bars[j].Model) {
			return algoRank(bars[i].Model) < algoRank(bars[j].Model)
		}
		return bars[i].Dim < bars[j].Dim
	})
	if len(bars) == 0 {
		return nil
	}
	return PlotNMI(filepath.Join(cfg.Out, ChartFile), bars)
}

func writeMarkdown(b *bytes.Buffer, cfg Config, res *Result, m *hierarchy.Map, elapsed time.Duration) {
	b.WriteString("# hiervec reproduction of Finch et al. 2021, Table 2\n\n")
	if res.Synthetic {
		fmt.Fprintf(b, "Data: the built-in synthetic extract, %d patients (seed %d), with its CCSR-shaped hierarchy.\n", cfg.Patients, cfg.SynthSeed)
	} else {
		fmt.Fprintf(b, "Data: `%s` with the CCSR map `%s`.\n", filepath.Base(cfg.Input), filepath.Base(cfg.CCSR))
	}
	fmt.Fprintf(b, "Corpus: %d patient-years, %d code tokens, %d distinct codes; map: %d codes in %d categories.\n\n",
		res.Sequences, res.Tokens, res.Codes, m.NumCodes(), m.NumCategories())
	w := cfg.Word2Vec
	fmt.Fprintf(b, "Training: window %d, %d epochs, negative %d, sample %g, alpha %g -> %g, seed %d, %d threads. "+
		"%d runs trained, %d resumed from an earlier invocation; %s in all.\n\n",
		w.Window, w.Epochs, w.Negative, w.Subsample, w.Alpha, w.MinAlpha, w.Seed, w.Workers,
		len(res.Trained), len(res.Resumed), elapsed.Round(time.Second))
	b.WriteString("## NMI of k-means clusters of the code vectors against the CCSR categories\n\n")
	b.WriteString("Paper columns: the values Finch et al. reported on their 600,000 patients (where they quote them); ")
	b.WriteString("they are the target shape, not numbers synthetic data should match.\n\n")
	writeTable2(b, res.Scores)
	b.WriteString("\n![NMI by model, dimension and variant](nmi.svg)\n\n")
	b.WriteString("## Every set\n\n")
	var outcomes []string
	for _, s := range res.Scores {
		for name := range s.AUC {
			if !containsString(outcomes, name) {
				outcomes = append(outcomes, name)
			}
		}
	}
	sort.Strings(outcomes)
	var ks []int
	for _, s := range res.Scores {
		for k := range s.NMI {
			if !containsInt(ks, k) {
				ks = append(ks, k)
			}
		}
	}
	sort.Ints(ks)
	b.WriteString("| Set | Codes scored | ")
	for _, k := range ks {
		fmt.Fprintf(b, "NMI@%d | ", k)
	}
	for _, k := range ks {
		fmt.Fprintf(b, "AMI@%d | ", k)
	}
	b.WriteString("Silhouette | P@10 | ")
	for _, o := range outcomes {
		fmt.Fprintf(b, "AUC %s (95%% CI) | ", o)
	}
	b.WriteString("\n|" + strings.Repeat(" --- |", 4+2*len(ks)+len(outcomes)) + "\n")
	for _, s := range res.Scores {
		if s.Category() {
			fmt.Fprintf(b, "| %s | category vectors: not clustered |%s\n", s.Set, strings.Repeat(" |", 2+2*len(ks)+len(outcomes)))
			continue
		}
		fmt.Fprintf(b, "| %s | %d | ", s.Set, s.Vectors)
		for _, k := range ks {
			b.WriteString(num(s.NMI, k) + " | ")
		}
		for _, k := range ks {
			b.WriteString(num(s.AMI, k) + " | ")
		}
		fmt.Fprintf(b, "%s | %s | ", fnum(s.Silhouette), fnum(s.PAtN))
		for _, o := range outcomes {
			if a, ok := s.AUC[o]; ok {
				fmt.Fprintf(b, "%.3f (%.3f-%.3f) | ", a.AUC, a.Lo, a.Hi)
			} else {
				b.WriteString("- | ")
			}
		}
		b.WriteString("\n")
	}
	var notes []string
	for _, s := range res.Scores {
		for _, n := range s.Notes {
			notes = append(notes, fmt.Sprintf("- %s: %s", s.Set, n))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\nNotes:\n\n" + strings.Join(notes, "\n") + "\n")
	}
	fmt.Fprintf(b, "\nEvaluate `%s` again with `hiervec evaluate -embeddings %s -ccsr %s -seed %d`", EmbeddingsFile, EmbeddingsFile,
		filepath.Base(cfg.CCSR), cfg.Word2Vec.Seed)
	if cfg.Outcomes != "" {
		fmt.Fprintf(b, " -outcomes %s -input %s", filepath.Base(cfg.Outcomes), filepath.Base(cfg.Input))
	}
	b.WriteString(" (from this folder).\n")
}

func containsString(xs []string, v string) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}

func num(m map[int]float64, k int) string {
	if v, ok := m[k]; ok {
		return fnum(v)
	}
	return "-"
}

func fnum(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.3f", v)
}
