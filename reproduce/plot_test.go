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

func TestPlotNMIWritesSVG(t *testing.T) {
	var bars []Bar
	for _, model := range []string{"CBOW", "SG"} {
		for _, dim := range []int{10, 50, 100} {
			for _, v := range []string{"SEP", "CO"} {
				for _, k := range []int{200, 400} {
					// Distinct values at three decimals, so each title is unique.
					bars = append(bars, Bar{Model: model, Dim: dim, Variant: v, K: k, NMI: 0.2 + 0.007*float64(len(bars))})
				}
			}
		}
	}
	bars = append(bars, Bar{Model: "Med2Vec", Dim: 200, K: 200, NMI: 0.05})
	path := filepath.Join(t.TempDir(), "nmi.svg")
	if err := PlotNMI(path, bars); err != nil {
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
		got, want := height(r)/height(topRect), b.NMI/top.NMI
		if math.Abs(got-want) > 0.01*want {
			t.Errorf("%s: height ratio %.4f to the tallest bar, want %.4f", barTitle(b), got, want)
		}
		if math.Abs(bottom(r)-bottom(topRect)) > 0.01 {
			t.Errorf("%s: bottom at %.2f, the tallest bar's at %.2f", barTitle(b), bottom(r), bottom(topRect))
		}
	}
	if lo, hi := rects[barTitle(bars[0])], rects[barTitle(bars[1])]; lo != nil && hi != nil && height(lo) >= height(hi) {
		t.Errorf("NMI %.3f drawn %.2f high, NMI %.3f only %.2f", bars[1].NMI, height(hi), bars[0].NMI, height(lo))
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
	return fmt.Sprintf("%s-%d %s k=%d: NMI %.3f", b.Model, b.Dim, v, b.K, b.NMI)
}

func TestPlotNMIEscapesText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nmi.svg")
	if err := PlotNMI(path, []Bar{{Model: `A<&"B>`, Dim: 5, Variant: "SEP", K: 2, NMI: 0.5}}); err != nil {
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

func TestPlotNMIRejectsEmpty(t *testing.T) {
	err := PlotNMI(filepath.Join(t.TempDir(), "x.svg"), nil)
	if err == nil {
		t.Fatal("want an error for no bars")
	}
	if !strings.HasPrefix(err.Error(), "reproduce:") {
		t.Errorf("error %q lacks the reproduce: prefix", err)
	}
}
