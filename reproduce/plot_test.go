package reproduce

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// svgNode is any element of the written SVG, with its attributes, text and
// children.
type svgNode struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []svgNode  `xml:",any"`
}

func (n *svgNode) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n *svgNode) walk(f func(*svgNode)) {
	f(n)
	for i := range n.Nodes {
		n.Nodes[i].walk(f)
	}
}

// readSVG checks that path is well-formed XML with an svg root and returns
// its tree.
func readSVG(t *testing.T, path string) *svgNode {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
	}
	var root svgNode
	if err := xml.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	if root.XMLName.Space != "http://www.w3.org/2000/svg" || root.XMLName.Local != "svg" {
		t.Fatalf("root element is %v, want svg in the SVG namespace", root.XMLName)
	}
	for _, a := range []string{"width", "height", "viewBox"} {
		if root.attr(a) == "" {
			t.Errorf("svg element lacks %s", a)
		}
	}
	return &root
}

func TestPlotChartWritesSVG(t *testing.T) {
	var bars []Bar
	for _, model := range []string{"CBOW", "SG"} {
		for _, dim := range []int{10, 50, 100} {
			for _, v := range []string{"SEP", "CO"} {
				for _, k := range []int{200, 400} {
					// Distinct values at three decimals, so each title is unique.
					bars = append(bars, Bar{Model: model, Dim: dim, Variant: v, K: k, Value: 0.2 + 0.007*float64(len(bars))})
				}
			}
		}
	}
	bars = append(bars, Bar{Model: "Med2Vec", Dim: 200, K: 200, Value: 0.05})
	path := filepath.Join(t.TempDir(), "nmi.svg")
	if err := PlotChart(path, Chart{Title: "NMI of k-means clusters of code vectors against CCSR categories", Metric: "NMI", Bars: bars}); err != nil {
		t.Fatal(err)
	}
	root := readSVG(t, path)

	rects := map[string]*svgNode{} // bar rects by title
	texts := map[string]int{}
	nBars := 0
	root.walk(func(n *svgNode) {
		switch n.XMLName.Local {
		case "rect":
			if n.attr("class") != "bar" {
				return
			}
			nBars++
			for i := range n.Nodes {
				if c := &n.Nodes[i]; c.XMLName.Local == "title" {
					rects[c.Text] = n
				}
			}
		case "text":
			texts[n.Text]++
		}
	})
	if nBars != len(bars) {
		t.Fatalf("%d bar rects, want %d", nBars, len(bars))
	}

	height := func(n *svgNode) float64 {
		t.Helper()
		h, err := strconv.ParseFloat(n.attr("height"), 64)
		if err != nil {
			t.Fatalf("bar height: %v", err)
		}
		return h
	}
	bottom := func(n *svgNode) float64 {
		y, err := strconv.ParseFloat(n.attr("y"), 64)
		if err != nil {
			t.Fatalf("bar y: %v", err)
		}
		return y + height(n)
	}
	top := bars[len(bars)-2] // the largest NMI
	topRect := rects[barTitle(top)]
	if topRect == nil {
		t.Fatalf("no bar titled %q", barTitle(top))
	}
	for _, b := range bars {
		r := rects[barTitle(b)]
		if r == nil {
			t.Errorf("no bar titled %q", barTitle(b))
			continue
		}
		got, want := height(r)/height(topRect), b.Value/top.Value
		if math.Abs(got-want) > 0.01*want {
			t.Errorf("%s: height ratio %.4f to the tallest bar, want %.4f", barTitle(b), got, want)
		}
		if math.Abs(bottom(r)-bottom(topRect)) > 0.01 {
			t.Errorf("%s: bottom at %.2f, the tallest bar's at %.2f", barTitle(b), bottom(r), bottom(topRect))
		}
	}
	if lo, hi := rects[barTitle(bars[0])], rects[barTitle(bars[1])]; lo != nil && hi != nil && height(lo) >= height(hi) {
		t.Errorf("NMI %.3f drawn %.2f high, NMI %.3f only %.2f", bars[1].Value, height(hi), bars[0].Value, height(lo))
	}

	for _, want := range []string{"SEP k=200", "CO k=200", "SEP k=400", "CO k=400", "Med2Vec k=200"} {
		if texts[want] != 1 {
			t.Errorf("legend text %q appears %d times, want once", want, texts[want])
		}
	}
	for _, want := range []string{"CBOW-10", "CBOW-50", "CBOW-100", "SG-10", "SG-50", "SG-100", "Med2Vec-200", "NMI",
		"NMI of k-means clusters of code vectors against CCSR categories"} {
		if texts[want] == 0 {
			t.Errorf("no text %q", want)
		}
	}

	for _, tc := range []struct {
		name string
		bar  Bar
		fill string
	}{
		{"SEP first k", Bar{Model: "SG", Dim: 100, Variant: "SEP", K: 200}, "#4c72b0"},
		{"CO first k", Bar{Model: "SG", Dim: 100, Variant: "CO", K: 200}, "#dd8452"},
		{"SEP second k", Bar{Model: "CBOW", Dim: 10, Variant: "SEP", K: 400}, "#a5b8d7"},
		{"CO second k", Bar{Model: "CBOW", Dim: 10, Variant: "CO", K: 400}, "#eec1a8"},
		{"Med2Vec", Bar{Model: "Med2Vec", Dim: 200, K: 200}, "#55a868"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, b := range bars {
				if b.Model == tc.bar.Model && b.Dim == tc.bar.Dim && b.Variant == tc.bar.Variant && b.K == tc.bar.K {
					r := rects[barTitle(b)]
					if r == nil {
						t.Fatalf("no bar titled %q", barTitle(b))
					}
					if got := r.attr("fill"); got != tc.fill {
						t.Errorf("fill %s, want %s", got, tc.fill)
					}
					return
				}
			}
			t.Fatalf("test bar %+v not in the chart data", tc.bar)
		})
	}
}

// barTitle is the hover title PlotNMI gives b.
func barTitle(b Bar) string {
	v := b.Variant
	if v == "" {
		v = "Med2Vec"
	}
	return fmt.Sprintf("%s-%d %s k=%d: NMI %.3f", b.Model, b.Dim, v, b.K, b.Value)
}

func TestPlotChartEscapesText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nmi.svg")
	if err := PlotChart(path, Chart{Title: "t", Metric: "NMI", Bars: []Bar{{Model: `A<&"B>`, Dim: 5, Variant: "SEP", K: 2, Value: 0.5}}}); err != nil {
		t.Fatal(err)
	}
	root := readSVG(t, path)
	found := false
	root.walk(func(n *svgNode) {
		if n.XMLName.Local == "text" && strings.Contains(n.Text, `A<&"B>-5`) {
			found = true
		}
	})
	if !found {
		t.Error(`group label "A<&"B>-5" missing after a round trip through XML`)
	}
}

func TestPlotChartRejectsEmpty(t *testing.T) {
	err := PlotChart(filepath.Join(t.TempDir(), "x.svg"), Chart{Title: "t", Metric: "AMI"})
	if err == nil {
		t.Fatal("want an error for no bars")
	}
	if !strings.HasPrefix(err.Error(), "reproduce:") {
		t.Errorf("error %q lacks the reproduce: prefix", err)
	}
}

// The chance level is a dashed line at its value, one per k, in the legend;
// a bar's spread is a whisker from value-spread to value+spread; a negative
// value draws an empty bar.
func TestPlotChartChanceAndSpread(t *testing.T) {
	bars := []Bar{
		{Model: "SG", Dim: 10, Variant: "SEP", K: 200, Value: 0.4, Spread: 0.05},
		{Model: "SG", Dim: 10, Variant: "CO", K: 200, Value: -0.01},
		{Model: "SG", Dim: 10, Variant: "SEP", K: 400, Value: 0.3},
	}
	path := filepath.Join(t.TempDir(), "ami.svg")
	if err := PlotChart(path, Chart{Title: "AMI", Metric: "AMI", Bars: bars, Chance: map[int]float64{200: 0.1, 400: 0.2}}); err != nil {
		t.Fatal(err)
	}
	root := readSVG(t, path)
	var chance, spread []*svgNode
	var barRects []*svgNode
	texts := map[string]bool{}
	root.walk(func(n *svgNode) {
		switch {
		case n.XMLName.Local == "line" && n.attr("class") == "chance":
			chance = append(chance, n)
		case n.XMLName.Local == "line" && n.attr("class") == "spread":
			spread = append(spread, n)
		case n.XMLName.Local == "rect" && n.attr("class") == "bar":
			barRects = append(barRects, n)
		case n.XMLName.Local == "text":
			texts[n.Text] = true
		}
	})
	num := func(n *svgNode, a string) float64 {
		v, err := strconv.ParseFloat(n.attr(a), 64)
		if err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		return v
	}
	if len(chance) != 2 || chance[0].attr("stroke-dasharray") == "" {
		t.Fatalf("%d chance lines, want 2 dashed", len(chance))
	}
	// The first bar (0.4) stands on the axis at the same bottom as every
	// bar; the chance line of 0.2 is half its height above that bottom.
	b0 := barRects[0]
	for _, r := range barRects {
		if strings.Contains(r.Nodes[0].Text, "SEP k=200") {
			b0 = r
		}
	}
	bottom := num(b0, "y") + num(b0, "height")
	yOf := func(v float64) float64 { return bottom - v/0.4*num(b0, "height") }
	for i, want := range []float64{0.1, 0.2} {
		if got := num(chance[i], "y1"); math.Abs(got-yOf(want)) > 0.05 {
			t.Errorf("chance line %d at y %.2f, want %.2f (value %.1f)", i, got, yOf(want), want)
		}
	}
	if len(spread) != 1 || math.Abs(num(spread[0], "y1")-yOf(0.35)) > 0.05 || math.Abs(num(spread[0], "y2")-yOf(0.45)) > 0.05 {
		t.Errorf("spread whiskers %d, want one from 0.35 to 0.45", len(spread))
	}
	for _, r := range barRects {
		if strings.Contains(r.Nodes[0].Text, "CO k=200") && num(r, "height") != 0 {
			t.Errorf("negative value drawn %v high", r.attr("height"))
		}
	}
	if !texts["random vectors k=200"] || !texts["random vectors k=400"] {
		t.Errorf("legend lacks the random vectors: %v", texts)
	}
}
