package reproduce

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/hiervec/hiervec/corpus"
	"github.com/hiervec/hiervec/embedding"
	"github.com/hiervec/hiervec/evaluate"
	"github.com/hiervec/hiervec/export"
	"github.com/hiervec/hiervec/hierarchy"
)

// MapPoint is one code on report.html's map: its position on the first two
// principal components of the unit code vectors, and what the hover shows.
type MapPoint struct {
	X           float64 `json:"x"`
	Y           float64 `json:"y"`
	Code        string  `json:"c"` // dotted, as the released file writes it
	Description string  `json:"d"`
	Category    string  `json:"g"`
	CatDesc     string  `json:"gd"`
	System      string  `json:"s"` // CCSR body system, colours the point
}

// CodeMap projects the code vectors of s, scaled to unit length, on their
// first two principal components (gonum's stat.PrincipalComponents), each
// component's sign fixed so that its largest loading is positive: the same
// vectors always give the same picture. Codes without a category under
// label are left out.
func CodeMap(s *embedding.Set, m *hierarchy.Map, label evaluate.Labeler) ([]MapPoint, error) {
	var rows []int
	for i, k := range s.Kinds {
		if k != corpus.KindCode {
			continue
		}
		if _, ok := label(s.Tokens[i]); ok {
			rows = append(rows, i)
		}
	}
	if len(rows) < 2 || s.Dim < 2 {
		return nil, fmt.Errorf("reproduce: map of %s: %d labelled codes of dimension %d; need 2 of at least 2", s.Name, len(rows), s.Dim)
	}
	x := mat.NewDense(len(rows), s.Dim, nil)
	for r, i := range rows {
		v := s.Vector(i)
		var n float64
		for _, f := range v {
			n += float64(f) * float64(f)
		}
		n = math.Sqrt(n)
		if n == 0 {
			n = 1
		}
		for j, f := range v {
			x.Set(r, j, float64(f)/n)
		}
	}
	var pc stat.PC
	if !pc.PrincipalComponents(x, nil) {
		return nil, fmt.Errorf("reproduce: map of %s: principal components did not converge", s.Name)
	}
	var vecs mat.Dense
	pc.VectorsTo(&vecs)
	proj := mat.NewDense(s.Dim, 2, nil)
	for c := range 2 {
		big, sign := 0.0, 1.0
		for j := range s.Dim {
			if v := vecs.At(j, c); math.Abs(v) > big {
				big = math.Abs(v)
				sign = math.Copysign(1, v)
			}
		}
		for j := range s.Dim {
			proj.Set(j, c, sign*vecs.At(j, c))
		}
	}
	var xy mat.Dense
	xy.Mul(x, proj)
	pts := make([]MapPoint, len(rows))
	for r, i := range rows {
		code := s.Tokens[i]
		cat, _ := label(code)
		bs, _ := hierarchy.BodySystem(cat)
		sys := bs.Abbrev
		pts[r] = MapPoint{X: round4(xy.At(r, 0)), Y: round4(xy.At(r, 1)), Code: hierarchy.Dotted(code),
			Description: m.CodeDescription(corpus.NormalizeCode(code)), Category: cat, CatDesc: m.CategoryDescription(cat), System: sys}
	}
	return pts, nil
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// mapSet picks the set report.html maps: the Word2Vec code set with the
// highest AMI at the first k on unit vectors (the map's own geometry).
func mapSet(ix *scoreIndex, sets []*embedding.Set) *embedding.Set {
	var best *embedding.Set
	bestAMI := math.Inf(-1)
	for _, s := range sets {
		info, err := export.ParseReleasedKey(s.Name)
		if err != nil || info.Med2Vec || info.Categories || len(ix.ks) == 0 {
			continue
		}
		if v := ix.get(s.Name, amiAt(ix.ks[0], true)); v.n > 0 && v.mean > bestAMI {
			best, bestAMI = s, v.mean
		}
	}
	return best
}

// systemPalette colours the body systems on the map (distinct hues, fixed
// order so that a system keeps its colour from report to report).
var systemPalette = []string{
	"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
	"#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
	"#e6550d", "#31a354", "#756bb1", "#636363", "#9c9ede", "#cedb9c", "#e7ba52", "#e7969c",
}

type htmlTable struct {
	ID, Caption, Foot string
	Head              []htmlCell
	Rows              [][]htmlCell
}

type htmlCell struct {
	Text    string
	Numeric bool
}

func (t table) forHTML() htmlTable {
	h := htmlTable{ID: t.id, Caption: t.caption, Foot: t.foot}
	cell := func(i int, s string) htmlCell { return htmlCell{s, i < len(t.numeric) && t.numeric[i]} }
	for i, s := range t.head {
		h.Head = append(h.Head, cell(i, s))
	}
	for _, r := range t.rows {
		var row []htmlCell
		for i, s := range r {
			row = append(row, cell(i, s))
		}
		h.Rows = append(h.Rows, row)
	}
	return h
}

type htmlFinding struct {
	Summary string
	Table   *htmlTable
}

type htmlSystem struct{ Name, Colour string }

type htmlPage struct {
	Title, Data, Corpus, Release, Training, Evaluation, Why string
	Headline                                                []htmlTable
	Charts                                                  []template.HTML
	Categories, EveryCode, EveryCategory                    *htmlTable
	FindingsIntro                                           string
	Findings                                                []htmlFinding
	MapSet, MapNote                                         string
	Points                                                  []MapPoint
	Systems                                                 []htmlSystem
	Notes                                                   []string
	Command                                                 string
}

// renderHTML renders report.html: one file with no outside reference (no
// script, style, font or image is fetched), holding the tables, the charts
// and the map of one set's code vectors, coloured by body system, with the
// code, its description and its category on hover.
func renderHTML(cfg Config, res *Result, ix *scoreIndex, m *hierarchy.Map, charts []Chart, elapsed time.Duration) ([]byte, error) {
	var md bytes.Buffer
	writeMarkdownHead(&md, cfg, res, ix, m, elapsed)
	lines := strings.Split(strings.TrimSpace(md.String()), "\n")
	p := htmlPage{Title: "hiervec reproduction of Finch et al. 2021", Why: WhyRawAndUnit, FindingsIntro: ix.findingsIntro(),
		Command: strings.Join(EvaluateCommand(cfg), " ")}
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "Data: "):
			p.Data = strings.ReplaceAll(l, "`", "")
		case strings.HasPrefix(l, "Corpus: "):
			p.Corpus = l
		case strings.HasPrefix(l, "Release: "):
			p.Release = l
		case strings.HasPrefix(l, "Training: "):
			p.Training = l
		case strings.HasPrefix(l, "Evaluation: "):
			p.Evaluation = l
		}
	}
	p.Headline = []htmlTable{headlineTable(ix, false).forHTML(), headlineTable(ix, true).forHTML()}
	for _, c := range charts {
		if len(c.Bars) == 0 {
			continue
		}
		svg, err := renderChart(c)
		if err != nil {
			return nil, err
		}
		p.Charts = append(p.Charts, template.HTML(svg)) // built by renderChart, every text escaped
	}
	if ix.hasCategories() {
		t := categoryTable(ix).forHTML()
		p.Categories = &t
		e := everySetTable(ix, true).forHTML()
		p.EveryCategory = &e
	}
	e := everySetTable(ix, false).forHTML()
	p.EveryCode = &e
	if len(ix.ks) > 0 {
		for _, c := range ix.check() {
			f := htmlFinding{Summary: c.summaryLine()}
			if c.missing == "" {
				t := c.table.forHTML()
				f.Table = &t
			}
			p.Findings = append(p.Findings, f)
		}
	}
	for _, s := range ix.first {
		for _, n := range s.Notes {
			p.Notes = append(p.Notes, s.Set+": "+n)
		}
	}
	if s := mapSet(ix, res.Sets); s != nil {
		pts, err := CodeMap(s, m, hierarchy.NewLabeler(m, policyOf(cfg, m)).Label)
		if err != nil {
			return nil, err
		}
		p.MapSet, p.Points = s.Name, pts
		p.MapNote = fmt.Sprintf("%d code vectors of %s (the set with the highest unit-vector AMI@%d), scaled to unit length and projected on their first two principal components; colour: CCSR body system.",
			len(pts), s.Name, ix.ks[0])
		seen := map[string]bool{}
		for _, pt := range pts {
			seen[pt.System] = true
		}
		var names []string
		for n := range seen {
			names = append(names, n)
		}
		sort.Strings(names)
		for i, n := range names {
			label := n
			if label == "" {
				label = "(no body system)"
			}
			p.Systems = append(p.Systems, htmlSystem{label, systemPalette[i%len(systemPalette)]})
		}
	}
	var b bytes.Buffer
	if err := reportTemplate.Execute(&b, p); err != nil {
		return nil, fmt.Errorf("reproduce: %s: %w", filepath.Base(ReportHTML), err)
	}
	return b.Bytes(), nil
}

// policyOf is the policy a reproduction labels codes with.
func policyOf(cfg Config, m *hierarchy.Map) hierarchy.Policy {
	p, err := hierarchy.ResolvePolicy(cfg.Policy, m)
	if err != nil { // Run resolved it before training
		return m.DefaultPolicy()
	}
	return p
}

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"systems": func(s []htmlSystem) map[string]string {
		out := map[string]string{}
		for _, x := range s {
			out[x.Name] = x.Colour
		}
		return out
	},
}).Parse(reportHTML))

const reportHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; line-height: 1.4; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; }
th { background: #f4f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; } .charts svg { max-width: 100%; height: auto; margin: 0.5em 0; display: block; }
#map { border: 1px solid #ddd; background: #fff; cursor: crosshair; }
#tip { position: fixed; pointer-events: none; background: #fffff0; border: 1px solid #999; padding: 0.3em 0.5em; font-size: 0.85em; max-width: 26em; display: none; }
.legend span { display: inline-block; margin: 0 0.8em 0.3em 0; font-size: 0.85em; }
.legend i { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.3em; border-radius: 50%; }
pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p id="data">{{.Data}}<br>{{.Corpus}}<br>{{.Release}}</p>
<p>{{.Training}}</p>
<p>{{.Evaluation}}</p>

<h2>AMI and NMI of k-means clusters of the code vectors against the CCSR categories</h2>
<p>AMI is 0 for clusters unrelated to the categories and 1 for a perfect match; NMI, which the paper reported, is well above 0 even for random vectors, so read it against the random row. Paper columns: the NMI Finch et al. reported on their 600,000 patients, the target shape rather than numbers other data should match.</p>
{{range .Headline}}{{template "table" .}}{{end}}
<p id="why">{{.Why}}</p>
<div class="charts">{{range .Charts}}{{.}}{{end}}</div>

{{with .Categories}}<h2>Category vectors</h2>
{{template "table" .}}{{end}}

<h2>Findings</h2>
<p>{{.FindingsIntro}}</p>
<div id="findings">{{range .Findings}}<p class="finding">{{.Summary}}</p>{{with .Table}}{{template "table" .}}{{end}}{{end}}</div>

{{if .Points}}<h2>Map of the code vectors</h2>
<p id="map-note">{{.MapNote}}</p>
<div class="legend" id="legend">{{range .Systems}}<span><i style="background: {{.Colour}}"></i>{{.Name}}</span>{{end}}</div>
<svg id="map" width="900" height="640" viewBox="0 0 900 640" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="map of the code vectors"></svg>
<div id="tip"></div>{{end}}

<h2>Every set</h2>
{{with .EveryCode}}{{template "table" .}}{{end}}
{{with .EveryCategory}}{{template "table" .}}{{end}}
{{if .Notes}}<h3>Notes</h3><ul id="notes">{{range .Notes}}<li>{{.}}</li>{{end}}</ul>{{end}}

<h2>Evaluate again</h2>
<p>From this folder:</p>
<pre id="command">{{.Command}}</pre>
{{if .Points}}<script>
"use strict";
(function () {
  const points = {{.Points}};
  const colours = {{systems .Systems}};
  const svg = document.getElementById("map");
  const tip = document.getElementById("tip");
  const W = 900, H = 640, pad = 20, ns = "http://www.w3.org/2000/svg";
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const p of points) {
    x0 = Math.min(x0, p.x); x1 = Math.max(x1, p.x);
    y0 = Math.min(y0, p.y); y1 = Math.max(y1, p.y);
  }
  const sx = (W - 2 * pad) / ((x1 - x0) || 1), sy = (H - 2 * pad) / ((y1 - y0) || 1);
  const frag = document.createDocumentFragment();
  points.forEach(function (p, i) {
    const c = document.createElementNS(ns, "circle");
    c.setAttribute("cx", (pad + (p.x - x0) * sx).toFixed(1));
    c.setAttribute("cy", (H - pad - (p.y - y0) * sy).toFixed(1));
    c.setAttribute("r", "3");
    c.setAttribute("fill", colours[p.s || "(no body system)"] || "#999999");
    c.setAttribute("fill-opacity", "0.75");
    c.setAttribute("class", "pt");
    c.dataset.i = i;
    frag.appendChild(c);
  });
  svg.appendChild(frag);
  function show(ev) {
    const t = ev.target;
    if (!t.classList || !t.classList.contains("pt")) { tip.style.display = "none"; return; }
    const p = points[+t.dataset.i];
    tip.textContent = "";
    const head = document.createElement("b");
    head.textContent = p.c;
    tip.appendChild(head);
    for (const line of [p.d, p.g + (p.gd ? ": " + p.gd : ""), "body system " + (p.s || "-")]) {
      if (!line) { continue; }
      tip.appendChild(document.createElement("br"));
      tip.appendChild(document.createTextNode(line));
    }
    tip.style.left = (ev.clientX + 12) + "px";
    tip.style.top = (ev.clientY + 12) + "px";
    tip.style.display = "block";
  }
  svg.addEventListener("mousemove", show);
  svg.addEventListener("mouseover", show);
  svg.addEventListener("mouseleave", function () { tip.style.display = "none"; });
})();
</script>{{end}}
</body>
</html>
{{define "table"}}<div class="scroll"><table id="{{.ID}}">{{if .Caption}}<caption>{{.Caption}}</caption>{{end}}
<thead><tr>{{range .Head}}<th>{{.Text}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range .}}<td{{if .Numeric}} class="num"{{end}}>{{.Text}}</td>{{end}}</tr>
{{end}}</tbody></table>{{with .Foot}}<p>{{.}}</p>{{end}}</div>{{end}}
`
