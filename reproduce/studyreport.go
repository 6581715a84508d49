package reproduce

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hiervec/hiervec/internal/atomicfile"
)

// writeStudy writes study.json (every row, sorted) and study.md.
func writeStudy(cfg Config, st *study, res *StudyResult) error {
	sortStudyRows(res.Rows, st)
	b, err := json.MarshalIndent(res.Rows, "", " ")
	if err != nil {
		return fmt.Errorf("reproduce: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(cfg.Out, StudyJSON), append(b, '\n')); err != nil {
		return err
	}
	var md bytes.Buffer
	writeStudyMarkdown(&md, cfg, st, res)
	return atomicfile.WriteFile(filepath.Join(cfg.Out, StudyMarkdown), md.Bytes())
}

// stratumOrder returns the strata's names in report order: all, the
// frequency strata, unseen, the unseen strata.
func (st *study) stratumOrder() []string {
	out := []string{"all"}
	for _, s := range st.strata {
		out = append(out, s.Name)
	}
	out = append(out, unseenStratum)
	for _, s := range st.strata {
		out = append(out, unseenStratum+" "+s.Name)
	}
	return out
}

func sortStudyRows(rows []StudyRow, st *study) {
	order := st.stratumOrder()
	method := func(m string) int { return slices.Index(StudyMethods, Method(m)) }
	slices.SortStableFunc(rows, func(a, b StudyRow) int {
		return cmp.Or(cmp.Compare(a.Model, b.Model), cmp.Compare(a.Dim, b.Dim), cmp.Compare(method(a.Method), method(b.Method)),
			cmp.Compare(a.Baseline, b.Baseline), cmp.Compare(slices.Index(order, a.Stratum), slices.Index(order, b.Stratum)),
			cmp.Compare(a.Seed, b.Seed))
	})
}

// meanSD returns the mean and the sample standard deviation (NaN for one
// value) of the finite values of v, and how many there were.
func meanSD(v []float64) (mean, sd float64, n int) {
	var s float64
	for _, x := range v {
		if !math.IsNaN(x) {
			s += x
			n++
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN(), 0
	}
	mean = s / float64(n)
	if n < 2 {
		return mean, math.NaN(), n
	}
	var ss float64
	for _, x := range v {
		if !math.IsNaN(x) {
			ss += (x - mean) * (x - mean)
		}
	}
	return mean, math.Sqrt(ss / float64(n-1)), n
}

// cell formats a mean and its spread over seeds.
func cell(v []float64, digits int) string {
	m, sd, n := meanSD(v)
	switch {
	case n == 0:
		return "–"
	case n == 1 || math.IsNaN(sd):
		return fmt.Sprintf("%.*f", digits, m)
	}
	return fmt.Sprintf("%.*f ± %.*f", digits, m, digits, sd)
}

// values collects a metric over seeds for the rows matching the key.
func values(rows []StudyRow, method, baseline, model string, dim int, stratum, metric string) []float64 {
	var out []float64
	for _, r := range rows {
		if r.Method == method && r.Baseline == baseline && r.Model == model && r.Dim == dim && r.Stratum == stratum {
			if v, ok := r.Metrics[metric]; ok {
				out = append(out, v)
			}
		}
	}
	return out
}

// paired returns, per seed, method's metric minus SEP's in the same
// stratum, model and dimension.
func paired(rows []StudyRow, method, model string, dim int, stratum, metric string) []float64 {
	ref := map[uint64]float64{}
	for _, r := range rows {
		if r.Method == string(MethodSEP) && r.Baseline == "" && r.Model == model && r.Dim == dim && r.Stratum == stratum {
			if v, ok := r.Metrics[metric]; ok {
				ref[r.Seed] = v
			}
		}
	}
	var out []float64
	for _, r := range rows {
		if r.Method == method && r.Baseline == "" && r.Model == model && r.Dim == dim && r.Stratum == stratum {
			if v, ok := r.Metrics[metric]; ok {
				if s, ok := ref[r.Seed]; ok {
					out = append(out, v-s)
				}
			}
		}
	}
	return out
}

// present returns the strata (of names) that some row has.
func present(rows []StudyRow, names []string) []string {
	var out []string
	for _, n := range names {
		if slices.ContainsFunc(rows, func(r StudyRow) bool { return r.Stratum == n }) {
			out = append(out, n)
		}
	}
	return out
}

// codesOf returns the number of codes of a stratum (the same for every
// method on all data; for unseen strata, the hidden codes a method's
// vectors cover, so it is given per row elsewhere).
func codesOf(rows []StudyRow, stratum string) []float64 {
	var out []float64
	seen := map[uint64]bool{}
	for _, r := range rows {
		if r.Stratum == stratum && r.Method == string(MethodSEP) && r.Baseline == "" && !seen[r.Seed] {
			seen[r.Seed] = true
			out = append(out, float64(r.Codes))
		}
	}
	return out
}

func mdTable(b *bytes.Buffer, head []string, body [][]string) {
	b.WriteString("| " + strings.Join(head, " | ") + " |\n|")
	for range head {
		b.WriteString(" --- |")
	}
	b.WriteString("\n")
	for _, r := range body {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	b.WriteString("\n")
}

func writeStudyMarkdown(b *bytes.Buffer, cfg Config, st *study, res *StudyResult) {
	d := &studyDoc{b: b, cfg: cfg, st: st, res: res, rows: res.Rows}
	d.header()
	d.layout()
	d.codes()
	d.cost()
	d.strataTables()
	d.differences()
	d.unseen()
	d.downstream()
}

// studyDoc writes study.md, one section per method.
type studyDoc struct {
	b      *bytes.Buffer
	cfg    Config
	st     *study
	res    *StudyResult
	rows   []StudyRow
	strata []string // "all" and the strata present in rows
	models []string
	dims   []int
	// metrics are the scores of the strata tables: AMI at each k, P@10,
	// NMI at each k.
	metrics []struct{ key, name string }
}

// header writes the title and what was done.
func (d *studyDoc) header() {
	b, cfg, st := d.b, d.cfg, d.st
	w := cfg.Word2Vec
	fmt.Fprintf(b, "# Where the hierarchy helps\n\n")
	src := "input " + cfg.Input
	if st.in.synthetic {
		src = fmt.Sprintf("the built-in synthetic extract, %d patients (seed %d)", cfg.Patients, cfg.SynthSeed)
	}
	fmt.Fprintf(b, "Data: %s; %d patient-years, %d code tokens, %d distinct codes; map %s, policy %s.\n\n",
		src, st.in.base.NumSeqs(), st.in.base.Tokens.Len(), len(st.codes), cfg.CCSR, st.in.policy)
	fmt.Fprintf(b, "Training: window %d, %d epochs, negative %d, sample %g, alpha %g, %d threads; seeds %d to %d (%d); "+
		"levels of CO-levels, composition and retrofitting: %s; composition by the mean.\n\n",
		w.Window, w.Epochs, w.Negative, w.Subsample, w.Alpha, w.Workers, w.Seed, w.Seed+uint64(cfg.Repeats)-1, cfg.Repeats, st.levels)
	fmt.Fprintf(b, "Each cell is the mean ± the standard deviation over the %d seeds (a seed drives training, the hidden codes and k-means). "+
		"In each method's space k-means is fitted once per k on the unit vectors of the seen codes (10 restarts), and a hidden code is placed in "+
		"the cluster of its nearest centroid, as a code met after training would be; a stratum's AMI and NMI compare the clusters of its own codes "+
		"with their CCSR categories. P@10 is the share of a code's 10 nearest seen codes (cosine) in its category. "+
		"Every method trains once per seed, on the corpus with the hidden codes' rows dropped: the strata score its seen codes, "+
		"by their distinct patients in all the data; a stratum of fewer than %d codes is not reported. "+
		"Only aggregate scores are written here: no code and no count under %d patients.\n\n", cfg.Repeats, cfg.MinPatients, cfg.MinPatients)
}

// layout finds the strata, models, dimensions and metrics to report.
func (d *studyDoc) layout() {
	rows, cfg, st := d.rows, d.cfg, d.st
	d.strata = present(rows, append([]string{"all"}, func() []string {
		var s []string
		for _, x := range st.strata {
			s = append(s, x.Name)
		}
		return s
	}()...))
	for _, m := range cfg.Models {
		d.models = append(d.models, string(AlgorithmOf(m)))
	}
	d.dims = cfg.Dims

	for _, k := range cfg.Ks {
		d.metrics = append(d.metrics, struct{ key, name string }{fmt.Sprintf("ami_%d", k), fmt.Sprintf("AMI at k = %d", k)})
	}
	d.metrics = append(d.metrics, struct{ key, name string }{"p_at_10", "P@10"})
	for _, k := range cfg.Ks {
		d.metrics = append(d.metrics, struct{ key, name string }{fmt.Sprintf("nmi_%d", k), fmt.Sprintf("NMI at k = %d", k)})
	}
}

// codes writes the codes per stratum and the hidden codes per seed.
func (d *studyDoc) codes() {
	b, cfg, st, res, rows, strata := d.b, d.cfg, d.st, d.res, d.rows, d.strata
	head := []string{"codes"}
	body := [][]string{{"codes"}}
	for _, s := range strata {
		head = append(head, s)
		body[0] = append(body[0], cell(codesOf(rows, s), 0))
	}
	fmt.Fprintf(b, "Seen codes per stratum (distinct patients):\n\n")
	mdTable(b, head, body)
	hid := make([]float64, len(res.Hidden))
	for i, h := range res.Hidden {
		hid[i] = float64(h)
	}
	fmt.Fprintf(b, "Unseen codes: %s of the %d codes with a category hidden per seed (share %g), their rows dropped from training.\n\n",
		cell(hid, 0), len(st.codes), cfg.HoldoutCodes)

}

// cost writes the training time of each method and its ratio to SEP's.
func (d *studyDoc) cost() {
	b, st, rows := d.b, d.st, d.rows
	fmt.Fprintf(b, "## What the hierarchy costs: training time\n\n")
	fmt.Fprintf(b, "Wall-clock seconds of the method's training run (for retrofitting: the run it retrofits plus the retrofitting), and its ratio to SEP's in the same seed. The machine may be shared: compare ratios.\n\n")
	for _, model := range d.models {
		for _, dim := range d.dims {
			var body [][]string
			for _, m := range st.methods {
				t := values(rows, string(m), "", model, dim, "all", "train_seconds")
				sep := values(rows, string(MethodSEP), "", model, dim, "all", "train_seconds")
				var ratio []float64
				for i := range min(len(t), len(sep)) {
					ratio = append(ratio, t[i]/sep[i])
				}
				body = append(body, []string{string(m), cell(t, 1), cell(ratio, 2)})
			}
			fmt.Fprintf(b, "%s, dim %d:\n\n", model, dim)
			mdTable(b, []string{"method", "seconds", "× SEP"}, body)
		}
	}

}

// strataTables writes each metric by method and frequency stratum.
func (d *studyDoc) strataTables() {
	b, st, rows, strata := d.b, d.st, d.rows, d.strata
	fmt.Fprintf(b, "## Frequency strata (seen codes)\n\n")
	for _, mt := range d.metrics {
		for _, model := range d.models {
			for _, dim := range d.dims {
				fmt.Fprintf(b, "### %s, %s, dim %d\n\n", mt.name, model, dim)
				var body [][]string
				for _, m := range st.methods {
					r := []string{string(m)}
					for _, s := range strata {
						r = append(r, cell(values(rows, string(m), "", model, dim, s, mt.key), 3))
					}
					body = append(body, r)
				}
				mdTable(b, append([]string{"method"}, strata...), body)
			}
		}
	}
}

// differences writes each method's paired difference from SEP.
func (d *studyDoc) differences() {
	b, cfg, st, rows, strata := d.b, d.cfg, d.st, d.rows, d.strata
	fmt.Fprintf(b, "## Which method helps which stratum: difference from SEP\n\n")
	fmt.Fprintf(b, "Each cell is the method's score minus SEP's in the same seed (paired), mean ± standard deviation over seeds.\n\n")
	for _, mt := range d.metrics[:min(len(d.metrics), len(cfg.Ks)+1)] {
		for _, model := range d.models {
			for _, dim := range d.dims {
				fmt.Fprintf(b, "### %s − SEP, %s, dim %d\n\n", mt.name, model, dim)
				var body [][]string
				for _, m := range st.methods {
					if m == MethodSEP {
						continue
					}
					r := []string{string(m)}
					for _, s := range strata {
						r = append(r, signed(paired(rows, string(m), model, dim, s, mt.key), 3))
					}
					body = append(body, r)
				}
				mdTable(b, append([]string{"method"}, strata...), body)
			}
		}
	}

}

// unseen writes the scores of the codes hidden from training, beside the
// baselines, overall and by stratum.
func (d *studyDoc) unseen() {
	b, cfg, st, rows := d.b, d.cfg, d.st, d.rows
	fmt.Fprintf(b, "## Codes hidden from training\n\n")
	fmt.Fprintf(b, "A hidden code's vector: composition composes it from its ancestors' rows; CO-levels takes the mean of its ancestors' token rows; "+
		"retrofitting gives it its neighbours' mean. The baselines give it its category's row alone (%s: the category token's row, or the category "+
		"unit's row of a composition) or, in a space without category rows, the centroid of its category's seen codes (%s): they sit at their "+
		"category by construction, so category_top10 is near 1 for them whatever the data. \"codes\" counts the hidden codes, \"with a vector\" the share of them the space gives a vector (none where no ancestor has a row): category_top10 and top 1 count a code without one as a miss; the other scores are over the codes with one. neighbour_overlap_10 (\"overlap\") is the share of the code's 10 "+
		"nearest seen codes that are also its 10 nearest in SEP trained on every code, where the code was seen: the reference without any "+
		"hierarchy, which no construction from the category reaches for free (_own, with -study-full-runs: against the same method trained on "+
		"every code). A method that does not beat its baseline on neighbour overlap has placed the code no better than its category does.\n\n", BaselineCategoryRow, BaselineCategoryCentroid)
	unseenCols := []struct{ key, name string }{{"with_vector", "with a vector"}, {"category_top10", "category in top 10"}, {"category_top1", "top 1"},
		{"category_rank_median", "median rank"}, {"p_at_10", "P@10"}, {"ami_" + fmt.Sprint(cfg.Ks[0]), fmt.Sprintf("AMI@%d", cfg.Ks[0])},
		{"neighbour_overlap_10", "overlap"}}
	if slices.ContainsFunc(rows, func(r StudyRow) bool { _, ok := r.Metrics["neighbour_overlap_10_own"]; return ok }) {
		unseenCols = append(unseenCols, struct{ key, name string }{"neighbour_overlap_10_own", "overlap (own)"})
	}
	for _, model := range d.models {
		for _, dim := range d.dims {
			fmt.Fprintf(b, "### Unseen codes, %s, dim %d\n\n", model, dim)
			head := []string{"method", "vectors", "codes"}
			for _, c := range unseenCols {
				head = append(head, c.name)
			}
			var body [][]string
			for _, m := range st.methods {
				for _, base := range []string{"", BaselineCategoryRow, BaselineCategoryCentroid} {
					codes := values2codes(rows, string(m), base, model, dim, unseenStratum)
					if len(codes) == 0 {
						continue
					}
					what := "own"
					if base != "" {
						what = base
					}
					r := []string{string(m), what, cell(codes, 0)}
					for _, c := range unseenCols {
						r = append(r, cell(values(rows, string(m), base, model, dim, unseenStratum, c.key), 3))
					}
					body = append(body, r)
				}
			}
			mdTable(b, head, body)
		}
	}
	var us []string
	for _, s := range st.strata {
		us = append(us, unseenStratum+" "+s.Name)
	}
	us = present(rows, us)
	for _, key := range []string{"neighbour_overlap_10", "category_top10"} {
		for _, model := range d.models {
			for _, dim := range d.dims {
				fmt.Fprintf(b, "### %s of hidden codes by stratum, %s, dim %d\n\n", key, model, dim)
				var body [][]string
				for _, m := range st.methods {
					for _, base := range []string{"", BaselineCategoryRow, BaselineCategoryCentroid} {
						if len(values2codes(rows, string(m), base, model, dim, unseenStratum)) == 0 {
							continue
						}
						what := string(m)
						if base != "" {
							what += " (" + base + ")"
						}
						r := []string{what}
						for _, s := range us {
							r = append(r, cell(values(rows, string(m), base, model, dim, s, key), 3))
						}
						body = append(body, r)
					}
				}
				mdTable(b, append([]string{"method"}, us...), body)
			}
		}
	}

}

// downstream writes the outcome AUCs of each method.
func (d *studyDoc) downstream() {
	b, st, rows := d.b, d.st, d.rows
	if len(st.outcomes) > 0 {
		fmt.Fprintf(b, "## Downstream: test AUC of logistic regression on patient-year vectors\n\n")
		fmt.Fprintf(b, "A patient-year's vector is the mean of its codes' vectors in the method's held-out run: a hidden code counts where the method gives it a vector.\n\n")
		for _, model := range d.models {
			for _, dim := range d.dims {
				fmt.Fprintf(b, "%s, dim %d:\n\n", model, dim)
				var body [][]string
				for _, m := range st.methods {
					r := []string{string(m)}
					for _, o := range st.outcomes {
						r = append(r, cell(values(rows, string(m), "", model, dim, "all", "auc_"+o), 3))
					}
					body = append(body, r)
				}
				mdTable(b, append([]string{"method"}, st.outcomes...), body)
			}
		}
	}
}

// values2codes returns the codes counts of the matching rows.
func values2codes(rows []StudyRow, method, baseline, model string, dim int, stratum string) []float64 {
	var out []float64
	for _, r := range rows {
		if r.Method == method && r.Baseline == baseline && r.Model == model && r.Dim == dim && r.Stratum == stratum {
			out = append(out, float64(r.Codes))
		}
	}
	return out
}

// signed formats a paired difference with its sign.
func signed(v []float64, digits int) string {
	m, sd, n := meanSD(v)
	switch {
	case n == 0:
		return "–"
	case n == 1 || math.IsNaN(sd):
		return fmt.Sprintf("%+.*f", digits, m)
	}
	return fmt.Sprintf("%+.*f ± %.*f", digits, m, digits, sd)
}
