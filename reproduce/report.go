package reproduce

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/evaluate"
	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/hierarchy"
	"github.com/hiervec/hiervec/internal/atomicfile"
	"github.com/hiervec/hiervec/release"
)

// EvalConfig returns the evaluation settings of a reproduction's first
// seed: those of "hiervec evaluate" (the evaluate package's defaults with
// raw and unit vectors and the random baseline) with cfg's k, seed and
// threads, so that evaluating embeddings.json again as report.md prints
// gives the report's numbers. Repeat r is scored with the seed + r.
func EvalConfig(cfg Config) evaluate.Config {
	ec := evaluate.DefaultConfig()
	ec.Ks = append([]int(nil), cfg.Ks...)
	ec.Seed, ec.Workers = cfg.Word2Vec.Seed, cfg.Word2Vec.Workers
	ec.Vectors, ec.Random = evaluate.VectorsBoth, true
	return ec
}

// scoreAll evaluates every set as "hiervec evaluate" does.
func scoreAll(ctx context.Context, cfg Config, repeat int, sets []*embedding.Set, m *hierarchy.Map, policy hierarchy.Policy,
	base *corpus.Corpus, patientIDs []string, say func(string, ...any)) ([]*evaluate.SetScore, error) {
	ec := EvalConfig(cfg)
	ec.Seed += uint64(repeat)
	var down *evaluate.Downstream
	if cfg.Outcomes != "" {
		o, err := evaluate.ReadOutcomes(cfg.Outcomes)
		if err != nil {
			return nil, err
		}
		dc := evaluate.DefaultDownstreamConfig()
		dc.Seed = ec.Seed
		if down, err = evaluate.NewDownstream(base, patientIDs, o, dc); err != nil {
			return nil, err
		}
		j := down.Join
		say("outcomes %s: %d of %d patient-years matched", strings.Join(down.Names, ", "), j.Matched, j.Sequences)
		if down.Kept < j.Matched {
			say("outcome classifiers use a sample of %d of them, stratified by outcome", down.Kept)
		}
	}
	start := time.Now()
	return evaluate.EvaluateSets(ctx, sets, hierarchy.NewLabeler(m, policy).Label, ec, down, func(done, total int, set string) {
		say("evaluated %s (%d/%d, %s)", set, done, total, time.Since(start).Round(100*time.Millisecond))
	})
}

// Report files beside those named in run.go: the AMI charts (ChartFile is
// the NMI chart) and the HTML report.
const (
	ChartAMIFile  = "ami.svg"
	ChartUnitFile = "ami_unit.svg"
	ReportHTML    = "report.html"
)

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

// WhyRawAndUnit is the report's one-sentence explanation of why raw and
// unit vectors score differently.
const WhyRawAndUnit = "Raw and unit vectors differ because Euclidean k-means on raw vectors groups codes by vector length " +
	"as much as by direction, and word2vec's vector lengths grow with a code's frequency (CBOW's most of all), " +
	"so on raw vectors a few clusters take most of the codes; unit vectors keep only the direction."

// WriteTable writes the headline of a reproduction: AMI and NMI of the code
// vectors against the CCSR categories in the shape of the paper's Table 2
// (one row per model and dimension, SEP and CO side by side), on raw
// vectors with the paper's values beside them and on unit vectors, each
// with the random vectors' row (the chance level); the category vectors
// against the body systems; and the findings. runs holds the scores of
// each seed (one slice per seed); with several, a cell is the mean and the
// standard deviation over the seeds.
func WriteTable(w io.Writer, runs ...[]*evaluate.SetScore) error {
	var b bytes.Buffer
	ix := newScoreIndex(runs)
	headlineTable(ix, false).markdown(&b)
	b.WriteString("\n")
	headlineTable(ix, true).markdown(&b)
	b.WriteString("\n" + WhyRawAndUnit + "\n")
	if ix.hasCategories() {
		b.WriteString("\n")
		categoryTable(ix).markdown(&b)
	}
	b.WriteString("\n")
	writeFindings(&b, ix, "")
	_, err := w.Write(b.Bytes())
	return err
}

// scoreIndex holds the scores of every seed, by set name.
type scoreIndex struct {
	runs  []map[string]*evaluate.SetScore
	first []*evaluate.SetScore // the first seed's scores, in evaluation order
	ks    []int                // the code sets' k
}

func newScoreIndex(runs [][]*evaluate.SetScore) *scoreIndex {
	ix := &scoreIndex{}
	for i, scores := range runs {
		m := map[string]*evaluate.SetScore{}
		for _, s := range scores {
			m[s.Set] = s
			if !s.Category() {
				for k := range s.AMI {
					ix.ks = append(ix.ks, k)
				}
				for k := range s.UnitAMI {
					ix.ks = append(ix.ks, k)
				}
			}
		}
		ix.runs = append(ix.runs, m)
		if i == 0 {
			ix.first = scores
		}
	}
	slices.Sort(ix.ks)
	ix.ks = slices.Compact(ix.ks)
	return ix
}

func (ix *scoreIndex) hasCategories() bool {
	for _, s := range ix.first {
		if s.Category() {
			return true
		}
	}
	return false
}

// summary is one metric of one set over the seeds.
type summary struct {
	mean, sd float64
	n        int
}

// get summarises metric over the seeds that scored set.
func (ix *scoreIndex) get(set string, metric func(*evaluate.SetScore) (float64, bool)) summary {
	var vals []float64
	for _, run := range ix.runs {
		if s, ok := run[set]; ok {
			if v, ok := metric(s); ok && !math.IsNaN(v) {
				vals = append(vals, v)
			}
		}
	}
	return summarize(vals)
}

// summarize returns the mean and the sample standard deviation of vals.
func summarize(vals []float64) summary {
	s := summary{n: len(vals)}
	if s.n == 0 {
		return s
	}
	for _, v := range vals {
		s.mean += v
	}
	s.mean /= float64(s.n)
	if s.n > 1 {
		var ss float64
		for _, v := range vals {
			ss += (v - s.mean) * (v - s.mean)
		}
		s.sd = math.Sqrt(ss / float64(s.n-1))
	}
	return s
}

func (s summary) String() string {
	switch {
	case s.n == 0:
		return "-"
	case s.n == 1:
		return fmt.Sprintf("%.3f", s.mean)
	}
	return fmt.Sprintf("%.3f±%.3f", s.mean, s.sd)
}

// Metric accessors.
func amiAt(k int, unit bool) func(*evaluate.SetScore) (float64, bool) {
	return func(s *evaluate.SetScore) (float64, bool) {
		if unit {
			v, ok := s.UnitAMI[k]
			return v, ok
		}
		v, ok := s.AMI[k]
		return v, ok
	}
}

func nmiAt(k int, unit bool) func(*evaluate.SetScore) (float64, bool) {
	return func(s *evaluate.SetScore) (float64, bool) {
		if unit {
			v, ok := s.UnitNMI[k]
			return v, ok
		}
		v, ok := s.NMI[k]
		return v, ok
	}
}

// cell prints a set's metric at each k: "0.512 / 0.560".
func (ix *scoreIndex) cell(set string, ks []int, metric func(k int, unit bool) func(*evaluate.SetScore) (float64, bool), unit bool) string {
	if set == "" {
		return ""
	}
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = ix.get(set, metric(k, unit)).String()
	}
	return strings.Join(parts, " / ")
}

type rowKey struct {
	algo string
	dim  int
}

// codeRows returns the (model, dimension) rows of the code sets, in the
// order of the paper's table: CBOW, SG, Med2Vec, by dimension.
func (ix *scoreIndex) codeRows() []rowKey {
	var rows []rowKey
	for _, s := range ix.first {
		if s.Category() || s.Random {
			continue
		}
		info, err := export.ParseReleasedKey(s.Set)
		if err != nil {
			continue
		}
		if rk := (rowKey{info.Algorithm, info.Dim}); !slices.Contains(rows, rk) {
			rows = append(rows, rk)
		}
	}
	sortRows(rows)
	return rows
}

func sortRows(rows []rowKey) {
	sort.SliceStable(rows, func(i, j int) bool {
		if algoRank(rows[i].algo) != algoRank(rows[j].algo) {
			return algoRank(rows[i].algo) < algoRank(rows[j].algo)
		}
		return rows[i].dim < rows[j].dim
	})
}

// randomDims returns the dimensions of the random baselines.
func (ix *scoreIndex) randomDims() []int {
	var dims []int
	for _, s := range ix.first {
		var d int
		if _, err := fmt.Sscanf(s.Set, "random_%d", &d); err == nil && s.Random {
			dims = append(dims, d)
		}
	}
	slices.Sort(dims)
	return dims
}

// variantKeys returns the released keys of a row's SEP and CO code sets
// (Med2Vec's one set stands in the SEP column).
func variantKeys(r rowKey, categories bool) (sep, co string) {
	if r.algo == string(AlgoMed2Vec) {
		if categories {
			return "", ""
		}
		return export.ReleasedKey(r.algo, false, false, r.dim), ""
	}
	return export.ReleasedKey(r.algo, false, categories, r.dim), export.ReleasedKey(r.algo, true, categories, r.dim)
}

func ksLabel(metric string, ks []int) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = fmt.Sprintf("%s@%d", metric, k)
	}
	return strings.Join(parts, " / ")
}

// table is a report table, rendered as Markdown (report.md, stdout) or
// HTML (report.html) from the same cells.
type table struct {
	id      string // HTML id
	caption string
	head    []string
	numeric []bool // per column: right-aligned
	rows    [][]string
	foot    string
}

func (t table) markdown(b *bytes.Buffer) {
	if t.caption != "" {
		b.WriteString(t.caption + ":\n\n")
	}
	b.WriteString("| " + strings.Join(t.head, " | ") + " |\n|")
	for i := range t.head {
		if i < len(t.numeric) && t.numeric[i] {
			b.WriteString(" ---: |")
		} else {
			b.WriteString(" --- |")
		}
	}
	b.WriteString("\n")
	for _, r := range t.rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	if t.foot != "" {
		b.WriteString("\n" + t.foot + "\n")
	}
}

// headlineTable is the Table 2 shaped table of AMI then NMI, on raw or unit
// vectors, with the random rows last.
func headlineTable(ix *scoreIndex, unit bool) table {
	ks := ix.ks
	t := table{id: "headline-raw", caption: "Raw vectors (as the paper clustered them), AMI and NMI of k-means clusters of the code vectors against the CCSR categories"}
	if unit {
		t.id, t.caption = "headline-unit", "Unit vectors (each scaled to length 1), AMI and NMI of k-means clusters of the code vectors against the CCSR categories"
	}
	ami, nmi := ksLabel("AMI", ks), ksLabel("NMI", ks)
	t.head = []string{"Model", "Dim", "SEP " + ami, "CO " + ami, "SEP " + nmi, "CO " + nmi}
	t.numeric = []bool{false, true, true, true, true, true, true, true}
	if !unit {
		paper := ksLabel("NMI", []int{200, 400}) // what the paper reported, whatever k this run used
		t.head = append(t.head, "paper SEP "+paper, "paper CO "+paper)
	}
	for _, r := range ix.codeRows() {
		sk, ck := variantKeys(r, false)
		row := []string{r.algo, fmt.Sprint(r.dim), ix.cell(sk, ks, amiAt, unit), ix.cell(ck, ks, amiAt, unit), ix.cell(sk, ks, nmiAt, unit), ix.cell(ck, ks, nmiAt, unit)}
		if !unit {
			row = append(row, paperCell(sk), paperCell(ck))
		}
		t.rows = append(t.rows, row)
	}
	for _, d := range ix.randomDims() {
		name := evaluate.RandomName(d)
		row := []string{"random vectors", fmt.Sprint(d), ix.cell(name, ks, amiAt, unit), "", ix.cell(name, ks, nmiAt, unit), ""}
		if !unit {
			row = append(row, "", "")
		}
		t.rows = append(t.rows, row)
	}
	if n := len(ix.runs); n > 1 {
		t.foot = fmt.Sprintf("Each cell: mean±standard deviation over %d training seeds.", n)
	}
	return t
}

func paperCell(key string) string {
	if v, ok := paperTable2[key]; ok {
		return fmt.Sprintf("%.3f / %.3f", v[0], v[1])
	}
	return ""
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

// categoryKs returns the k the category sets were clustered with.
func (ix *scoreIndex) categoryKs() []int {
	var ks []int
	for _, s := range ix.first {
		if s.Category() {
			for k := range s.AMI {
				ks = append(ks, k)
			}
			for k := range s.UnitAMI {
				ks = append(ks, k)
			}
		}
	}
	slices.Sort(ks)
	return slices.Compact(ks)
}

// categoryTable is the category vectors' AMI and NMI against the CCSR
// body systems, raw / unit in each cell.
func categoryTable(ix *scoreIndex) table {
	ks := ix.categoryKs()
	var rows []rowKey
	systems := 0
	for _, s := range ix.first {
		if !s.Category() {
			continue
		}
		systems = max(systems, s.Labels)
		if info, err := export.ParseReleasedKey(s.Set); err == nil {
			if rk := (rowKey{info.Algorithm, info.Dim}); !slices.Contains(rows, rk) {
				rows = append(rows, rk)
			}
		}
	}
	sortRows(rows)
	t := table{id: "categories",
		caption: fmt.Sprintf("Category vectors against the %d CCSR body systems (the first three letters of a category), k = %s; each cell raw / unit vectors",
			systems, intsList(ks)),
		head:    []string{"Model", "Dim", "SEP AMI", "CO AMI", "SEP NMI", "CO NMI"},
		numeric: []bool{false, true, true, true, true, true}}
	both := func(set string, metric func(int, bool) func(*evaluate.SetScore) (float64, bool)) string {
		var parts []string
		for _, k := range ks {
			parts = append(parts, ix.get(set, metric(k, false)).String()+" / "+ix.get(set, metric(k, true)).String())
		}
		return strings.Join(parts, "; ")
	}
	for _, r := range rows {
		sk, ck := variantKeys(r, true)
		t.rows = append(t.rows, []string{r.algo, fmt.Sprint(r.dim), both(sk, amiAt), both(ck, amiAt), both(sk, nmiAt), both(ck, nmiAt)})
	}
	return t
}

func intsList(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}

// A comparison of the paper's findings: set a should score above set b.
type comparison struct {
	label string
	a, b  string
}

// finding is one of the paper's orderings and its comparisons.
type finding struct {
	claim, paper string
	comps        []comparison
	missing      string // why there is nothing to compare
}

// findings lists the paper's orderings over the code sets present.
func (ix *scoreIndex) findings() []finding {
	has := func(key string) bool {
		_, ok := ix.runs[0][key]
		return ok
	}
	co := finding{claim: "CO over SEP at dimensions 50 and 100",
		paper: "paper NMI@200: SG-100 0.561 over 0.529, CBOW-100 0.448 over 0.401"}
	for _, algo := range []string{"CBOW", "SG"} {
		for _, dim := range []int{50, 100} {
			c, s := export.ReleasedKey(algo, true, false, dim), export.ReleasedKey(algo, false, false, dim)
			if has(c) && has(s) {
				co.comps = append(co.comps, comparison{fmt.Sprintf("%s-%d CO vs SEP", algo, dim), c, s})
			}
		}
	}
	if len(co.comps) == 0 {
		co.missing = "needs CO and SEP runs at dimension 50 or 100"
	}
	sg := finding{claim: "SG over CBOW", paper: "paper NMI@200: SG above CBOW in every variant (SG-100 CO 0.561, CBOW-100 CO 0.448)"}
	for _, r := range ix.codeRows() {
		if r.algo != "SG" {
			continue
		}
		for _, v := range []bool{false, true} {
			a, b := export.ReleasedKey("SG", v, false, r.dim), export.ReleasedKey("CBOW", v, false, r.dim)
			if has(a) && has(b) {
				name := "SEP"
				if v {
					name = "CO"
				}
				sg.comps = append(sg.comps, comparison{fmt.Sprintf("%s-%d SG vs CBOW", name, r.dim), a, b})
			}
		}
	}
	if len(sg.comps) == 0 {
		sg.missing = "needs both models"
	}
	m2v := finding{claim: "Word2Vec over Med2Vec", paper: "paper NMI@200: every Word2Vec variant above Med2Vec's 0.201"}
	var med string
	for _, s := range ix.first {
		if info, err := export.ParseReleasedKey(s.Set); err == nil && info.Med2Vec {
			med = s.Set
		}
	}
	if med == "" {
		m2v.missing = "Med2Vec was not trained (add -med2vec)"
	} else {
		for _, r := range ix.codeRows() {
			if r.algo == string(AlgoMed2Vec) {
				continue
			}
			for _, v := range []bool{false, true} {
				a := export.ReleasedKey(r.algo, v, false, r.dim)
				if has(a) {
					m2v.comps = append(m2v.comps, comparison{strings.Replace(a, "_embeddings_", "-", 1) + " vs Med2Vec", a, med})
				}
			}
		}
	}
	return []finding{co, sg, m2v}
}

// verdict says whether a scored above b: with one seed by the sign of the
// difference; with several, "holds" or "reversed" only when the difference
// is more than twice its standard error, else "within noise".
func verdict(a, b summary) (string, bool) {
	if a.n == 0 || b.n == 0 {
		return "-", false
	}
	d := a.mean - b.mean
	if a.n > 1 && b.n > 1 {
		se := math.Sqrt(a.sd*a.sd/float64(a.n) + b.sd*b.sd/float64(b.n))
		switch {
		case d > 2*se:
			return "holds", true
		case d < -2*se:
			return "reversed", false
		}
		return "within noise", false
	}
	if d > 0 {
		return "holds", true
	}
	return "reversed", false
}

// checked is a finding checked on this data.
type checked struct {
	finding
	held  [2]int // comparisons that hold on raw, unit vectors
	table table
}

// findingsK is the k the findings are checked at: the first.
func (ix *scoreIndex) findingsK() int { return ix.ks[0] }

// findingsIntro says how the findings were checked.
func (ix *scoreIndex) findingsIntro() string {
	s := fmt.Sprintf("The paper's orderings, checked by AMI@%d on this data (a comparison holds when the first set scores higher", ix.findingsK())
	if len(ix.runs) > 1 {
		s += fmt.Sprintf(" by more than twice the standard error of the difference over %d seeds", len(ix.runs))
	} else {
		s += "; one training seed, so no spread: run with -repeats 3 for one"
	}
	return s + ")."
}

// check compares the sets of every finding on raw and unit vectors.
func (ix *scoreIndex) check() []checked {
	k := ix.findingsK()
	var out []checked
	for i, f := range ix.findings() {
		c := checked{finding: f, table: table{id: fmt.Sprintf("finding-%d", i+1),
			head:    []string{"Comparison", fmt.Sprintf("raw AMI@%d", k), "", fmt.Sprintf("unit AMI@%d", k), ""},
			numeric: []bool{false, true, false, true, false}}}
		for _, cmp := range f.comps {
			row := []string{cmp.label}
			for g, unit := range []bool{false, true} {
				sa, sb := ix.get(cmp.a, amiAt(k, unit)), ix.get(cmp.b, amiAt(k, unit))
				v, ok := verdict(sa, sb)
				if ok {
					c.held[g]++
				}
				row = append(row, fmt.Sprintf("%s vs %s (%+.3f)", sa, sb, sa.mean-sb.mean), v)
			}
			c.table.rows = append(c.table.rows, row)
		}
		out = append(out, c)
	}
	return out
}

// summaryLine is a finding's one-line result.
func (c checked) summaryLine() string {
	if c.missing != "" {
		return fmt.Sprintf("%s (%s): not checked, %s.", c.claim, c.paper, c.missing)
	}
	return fmt.Sprintf("%s (%s): holds in %d of %d comparisons on raw vectors, %d of %d on unit vectors.",
		c.claim, c.paper, c.held[0], len(c.comps), c.held[1], len(c.comps))
}

// writeFindings writes the paper's orderings and whether each holds here,
// on raw and unit vectors. heading prefixes the section's title ("## " in
// report.md).
func writeFindings(b *bytes.Buffer, ix *scoreIndex, heading string) {
	if len(ix.ks) == 0 {
		return
	}
	fmt.Fprintf(b, "%sFindings\n\n%s\n\n", heading, ix.findingsIntro())
	for _, c := range ix.check() {
		b.WriteString("- " + c.summaryLine() + "\n\n")
		if c.missing != "" {
			continue
		}
		var t bytes.Buffer
		c.table.markdown(&t)
		for _, line := range strings.SplitAfter(t.String(), "\n") {
			if line != "" {
				b.WriteString("  " + line)
			}
		}
		b.WriteString("\n")
	}
}

// inputShape is the size of what was trained on.
type inputShape struct {
	Rows         int64 `json:"rows,omitempty"` // extract rows read (0 for a sequence file or cache)
	Patients     int64 `json:"patients,omitempty"`
	PatientYears int   `json:"patient_years"`
	Tokens       int   `json:"tokens"`
	Codes        int   `json:"codes"`
}

// reportJSON is report.json: the settings, the input's shape and every
// seed's scores.
type reportJSON struct {
	Settings map[string]any `json:"settings"`
	Input    inputShape     `json:"input"`
	// Suppression counts what the small-cell rule kept out of every
	// written set (never which tokens).
	Suppression release.Report    `json:"suppression"`
	Runs        []reportRun       `json:"runs"`
	Files       map[string]string `json:"files"`
	Elapsed     string            `json:"elapsed"`
}

type reportRun struct {
	Seed uint64               `json:"seed"`
	Sets []*evaluate.SetScore `json:"sets"`
}

// writeReports writes report.md, report.json, report.html and the charts.
func writeReports(cfg Config, res *Result, m *hierarchy.Map, elapsed time.Duration) error {
	runs := res.Repeats
	ix := newScoreIndex(runs)
	settings := cfg.settings()
	settings["threads"] = cfg.Word2Vec.Workers
	settings["repeats"] = cfg.Repeats
	settings["k"] = slices.Clone(cfg.Ks)
	ec := EvalConfig(cfg)
	settings["kmeans_restarts"] = ec.KMeans.Restarts
	settings["vectors"] = string(ec.Vectors)
	rj := reportJSON{Settings: settings, Input: res.shape(), Suppression: res.Suppression, Elapsed: elapsed.Round(time.Second).String(),
		Files: map[string]string{"embeddings": EmbeddingsFile, "markdown": ReportMarkdown, "html": ReportHTML,
			"chart_ami": ChartAMIFile, "chart_ami_unit": ChartUnitFile, "chart_nmi": ChartFile}}
	for i, scores := range runs {
		rj.Runs = append(rj.Runs, reportRun{Seed: cfg.Word2Vec.Seed + uint64(i), Sets: scores})
	}
	js, err := json.MarshalIndent(rj, "", "  ")
	if err != nil {
		return fmt.Errorf("reproduce: report.json: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(cfg.Out, ReportJSON), append(js, '\n')); err != nil {
		return err
	}
	charts := ix.charts()
	for i, c := range charts {
		if len(c.Bars) == 0 {
			continue
		}
		if err := PlotChart(filepath.Join(cfg.Out, chartFiles[i]), c); err != nil {
			return err
		}
	}
	var md bytes.Buffer
	writeMarkdown(&md, cfg, res, ix, m, elapsed)
	if err := atomicfile.WriteFile(filepath.Join(cfg.Out, ReportMarkdown), md.Bytes()); err != nil {
		return err
	}
	html, err := renderHTML(cfg, res, ix, m, charts, elapsed)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(cfg.Out, ReportHTML), html)
}

// shape returns the size of the input.
func (r *Result) shape() inputShape {
	s := inputShape{PatientYears: r.Sequences, Tokens: r.Tokens, Codes: r.Codes}
	if r.Read != nil {
		s.Rows, s.Patients = r.Read.Rows, r.Read.Patients
	}
	return s
}

// chartFiles names the charts of charts(), in order.
var chartFiles = []string{ChartAMIFile, ChartUnitFile, ChartFile}

// charts returns the AMI chart on raw vectors, on unit vectors, and the NMI
// chart on raw vectors, each with the random vectors' level as a line.
func (ix *scoreIndex) charts() []Chart {
	type spec struct {
		title, metric string
		unit          bool
		f             func(int, bool) func(*evaluate.SetScore) (float64, bool)
	}
	specs := []spec{
		{"AMI of k-means clusters of code vectors against CCSR categories, raw vectors", "AMI", false, amiAt},
		{"AMI of k-means clusters of code vectors against CCSR categories, unit vectors", "AMI", true, amiAt},
		{"NMI of k-means clusters of code vectors against CCSR categories, raw vectors", "NMI", false, nmiAt},
	}
	var out []Chart
	for _, sp := range specs {
		c := Chart{Title: sp.title, Metric: sp.metric, Chance: map[int]float64{}}
		for _, r := range ix.codeRows() {
			sk, ck := variantKeys(r, false)
			for _, v := range []struct{ name, key string }{{"SEP", sk}, {"CO", ck}} {
				if v.key == "" {
					continue
				}
				variant := v.name
				if r.algo == string(AlgoMed2Vec) {
					variant = ""
				}
				for _, k := range ix.ks {
					if s := ix.get(v.key, sp.f(k, sp.unit)); s.n > 0 {
						c.Bars = append(c.Bars, Bar{Model: r.algo, Dim: r.dim, Variant: variant, K: k, Value: s.mean, Spread: s.sd})
					}
				}
			}
		}
		// The chance line: the highest random level over the dimensions
		// (they differ in the third decimal).
		for _, d := range ix.randomDims() {
			for _, k := range ix.ks {
				if s := ix.get(evaluate.RandomName(d), sp.f(k, sp.unit)); s.n > 0 {
					if old, ok := c.Chance[k]; !ok || s.mean > old {
						c.Chance[k] = s.mean
					}
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// writeMarkdownHead writes the lines saying what was trained on and how:
// Data, Corpus, Training, Evaluation, one paragraph each.
func writeMarkdownHead(b *bytes.Buffer, cfg Config, res *Result, ix *scoreIndex, m *hierarchy.Map, elapsed time.Duration) {
	if res.Synthetic {
		fmt.Fprintf(b, "Data: the built-in synthetic extract, %d patients (seed %d), with its CCSR-shaped hierarchy.\n", cfg.Patients, cfg.SynthSeed)
	} else {
		in := filepath.Base(cfg.Input)
		if corpus.IsDatabaseURL(cfg.Input) {
			in = corpus.InputName(cfg.Input)
		}
		fmt.Fprintf(b, "Data: `%s` with the CCSR map `%s`.\n", in, filepath.Base(cfg.CCSR))
	}
	sh := res.shape()
	fmt.Fprintf(b, "Corpus: ")
	if sh.Rows > 0 {
		fmt.Fprintf(b, "%d rows, %d patients, ", sh.Rows, sh.Patients)
	}
	fmt.Fprintf(b, "%d patient-years, %d code tokens, %d distinct codes; map: %d codes in %d categories.\n",
		sh.PatientYears, sh.Tokens, sh.Codes, m.NumCodes(), m.NumCategories())
	fmt.Fprintf(b, "Release: %s; every score below is of the vectors written.\n\n", res.Suppression)
	w := cfg.Word2Vec
	fmt.Fprintf(b, "Training: window %d, %d epochs, negative %d, sample %g, alpha %g -> %g, seed %d, %d threads. "+
		"%d runs trained, %d resumed from an earlier invocation; %s in all.\n",
		w.Window, w.Epochs, w.Negative, w.Subsample, w.Alpha, w.MinAlpha, w.Seed, w.Workers,
		len(res.Trained), len(res.Resumed), elapsed.Round(time.Second))
	ec := EvalConfig(cfg)
	fmt.Fprintf(b, "Evaluation: k-means (best of %d restarts) at k = %s on raw and on unit vectors; random vectors: "+
		"standard Gaussian vectors of the same dimension for the same codes, clustered the same way (the chance level).\n\n",
		ec.KMeans.Restarts, intsList(ix.ks))
}

func writeMarkdown(b *bytes.Buffer, cfg Config, res *Result, ix *scoreIndex, m *hierarchy.Map, elapsed time.Duration) {
	b.WriteString("# hiervec reproduction of Finch et al. 2021, Table 2\n\n")
	writeMarkdownHead(b, cfg, res, ix, m, elapsed)
	b.WriteString("## AMI and NMI of k-means clusters of the code vectors against the CCSR categories\n\n")
	b.WriteString("AMI is 0 for clusters unrelated to the categories and 1 for a perfect match; NMI, which the paper reported, " +
		"is well above 0 even for random vectors, so read it against the random row. " +
		"Paper columns: the NMI Finch et al. reported on their 600,000 patients (where they quote them); " +
		"they are the target shape, not numbers synthetic data should match.\n\n")
	headlineTable(ix, false).markdown(b)
	b.WriteString("\n")
	headlineTable(ix, true).markdown(b)
	b.WriteString("\n" + WhyRawAndUnit + "\n\n")
	fmt.Fprintf(b, "![AMI by model, dimension and variant, raw vectors](%s)\n\n![AMI, unit vectors](%s)\n\n![NMI, raw vectors](%s)\n\n",
		ChartAMIFile, ChartUnitFile, ChartFile)
	if ix.hasCategories() {
		b.WriteString("## Category vectors\n\n")
		categoryTable(ix).markdown(b)
		b.WriteString("\n")
	}
	writeFindings(b, ix, "## ")
	b.WriteString("## Every set\n\n")
	everySetTable(ix, false).markdown(b)
	if ix.hasCategories() {
		b.WriteString("\n")
		everySetTable(ix, true).markdown(b)
	}
	var notes []string
	for _, s := range ix.first {
		for _, n := range s.Notes {
			notes = append(notes, fmt.Sprintf("- %s: %s", s.Set, n))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\nNotes:\n\n" + strings.Join(notes, "\n") + "\n")
	}
	fmt.Fprintf(b, "\nEvaluate `%s` again (from this folder) with:\n\n```sh\n%s\n```\n", EmbeddingsFile, strings.Join(EvaluateCommand(cfg), " "))
}

// everySetTable has one row per set (code sets and random baselines, or
// category sets) with every metric, AUCs for code sets.
func everySetTable(ix *scoreIndex, categories bool) table {
	var outcomes []string
	ks := ix.ks
	if categories {
		ks = ix.categoryKs()
	}
	for _, s := range ix.first {
		for name := range s.AUC {
			if !slices.Contains(outcomes, name) {
				outcomes = append(outcomes, name)
			}
		}
	}
	sort.Strings(outcomes)
	t := table{id: "every-code-set", head: []string{"Set", "Codes"}}
	if categories {
		t.id, t.head, outcomes = "every-category-set", []string{"Set", "Categories"}, nil
	}
	for _, unit := range []bool{false, true} {
		prefix := ""
		if unit {
			prefix = "unit "
		}
		for _, metric := range []string{"AMI", "NMI"} {
			for _, k := range ks {
				t.head = append(t.head, fmt.Sprintf("%s%s@%d", prefix, metric, k))
			}
		}
	}
	t.head = append(t.head, "Silhouette", "P@10")
	for _, o := range outcomes {
		t.head = append(t.head, fmt.Sprintf("AUC %s (95%% CI)", o))
	}
	t.numeric = make([]bool, len(t.head))
	for i := 1; i < len(t.numeric); i++ {
		t.numeric[i] = true
	}
	for _, s := range ix.first {
		if s.Category() != categories {
			continue
		}
		row := []string{s.Set, fmt.Sprint(s.Vectors)}
		for _, unit := range []bool{false, true} {
			for _, metric := range []func(int, bool) func(*evaluate.SetScore) (float64, bool){amiAt, nmiAt} {
				for _, k := range ks {
					row = append(row, ix.get(s.Set, metric(k, unit)).String())
				}
			}
		}
		sil := ix.get(s.Set, func(s *evaluate.SetScore) (float64, bool) { return s.Silhouette, true })
		pat := ix.get(s.Set, func(s *evaluate.SetScore) (float64, bool) { return s.PAtN, true })
		row = append(row, sil.String(), pat.String())
		for _, o := range outcomes {
			auc := ix.get(s.Set, func(s *evaluate.SetScore) (float64, bool) { a, ok := s.AUC[o]; return a.AUC, ok })
			if a, ok := s.AUC[o]; ok && auc.n == 1 {
				row = append(row, fmt.Sprintf("%.3f (%.3f-%.3f)", a.AUC, a.Lo, a.Hi))
			} else {
				row = append(row, auc.String())
			}
		}
		t.rows = append(t.rows, row)
	}
	return t
}

// EvaluateCommand returns the "hiervec evaluate" command line that scores
// a reproduction's embeddings.json again, run from its output folder, with
// the settings that decide the report's numbers: the map and its policy,
// the k, the seed, and for the outcome AUCs the outcomes file and the
// extract read as the reproduction read it. Files inside the output folder
// are named relative to it, others absolutely; a word with characters a
// shell would read is single-quoted.
func EvaluateCommand(cfg Config) []string {
	path := func(p string) string {
		abs, err := filepath.Abs(p)
		if err != nil {
			return shellQuote(p)
		}
		if out, err := filepath.Abs(cfg.Out); err == nil {
			if rel, err := filepath.Rel(out, abs); err == nil && !strings.HasPrefix(rel, "..") {
				return shellQuote(rel)
			}
		}
		return shellQuote(abs)
	}
	args := []string{"hiervec", "evaluate", "-embeddings", EmbeddingsFile, "-ccsr", path(cfg.CCSR)}
	if cfg.Policy != "" {
		args = append(args, "-policy", shellQuote(cfg.Policy))
	}
	args = append(args, "-k", intsFlag(cfg.Ks), "-seed", fmt.Sprint(cfg.Word2Vec.Seed))
	if cfg.Outcomes != "" {
		input := path(cfg.Input)
		if corpus.IsDatabaseURL(cfg.Input) {
			input = shellQuote(corpus.InputName(cfg.Input)) // the password comes from PGPASSWORD or ~/.pgpass
			d := cfg.Read.Database
			for _, c := range []struct{ flag, v string }{{"-omop-schema", d.OMOPSchema}, {"-vocab-schema", d.VocabSchema}, {"-query", d.Query}} {
				if c.v != "" {
					args = append(args, c.flag, shellQuote(c.v))
				}
			}
		}
		args = append(args, "-outcomes", path(cfg.Outcomes), "-input", input)
		if cfg.InputFormat != corpus.FormatAuto {
			args = append(args, "-input-format", shellQuote(cfg.InputFormat.String()))
		}
		r := cfg.Read
		for _, c := range []struct{ flag, v string }{{"-patient-col", r.PatientCol}, {"-date-col", r.DateCol}, {"-code-col", r.CodeCol}} {
			if c.v != "" {
				args = append(args, c.flag, shellQuote(c.v))
			}
		}
		if r.Dedupe {
			args = append(args, "-dedupe")
		}
		if r.SkipBad {
			args = append(args, "-skip-bad")
		}
		if r.MinCount != 1 {
			args = append(args, "-min-count", fmt.Sprint(r.MinCount))
		}
	}
	return args
}

func intsFlag(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}

// shellQuote returns s as one POSIX shell word: as it is when it holds only
// characters no shell reads specially, else in single quotes (a single
// quote inside written as the four characters '\”).
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./,:=+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
