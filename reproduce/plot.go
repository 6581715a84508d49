package reproduce

import (
	"encoding/xml"
	"fmt"
	"image/color"
	"math"
	"sort"
	"strings"

	"github.com/hiervec/hiervec/internal/atomicfile"
)

// Bar is one bar of a chart: a model at a dimension, a variant (SEP or
// CO) and a k, with its value (the mean over the seeds) and its spread (the
// standard deviation over the seeds; 0 with one seed, drawn as no
// whisker).
type Bar struct {
	Model   string // "CBOW", "SG" or "Med2Vec"
	Dim     int
	Variant string // "SEP", "CO" or "" for Med2Vec
	K       int
	Value   float64
	Spread  float64
}

// Chart is a bar chart of one metric: bars grouped by model and dimension,
// and a dashed line per k at the chance level (the random vectors' score).
type Chart struct {
	Title  string
	Metric string // the y axis label, "AMI"
	Bars   []Bar
	Chance map[int]float64 // by k; may be empty
}

// variantColors gives each variant a fixed colour so charts compare.
var variantColors = map[string]color.RGBA{
	"SEP": {R: 0x4c, G: 0x72, B: 0xb0, A: 0xff},
	"CO":  {R: 0xdd, G: 0x84, B: 0x52, A: 0xff},
	"":    {R: 0x55, G: 0xa8, B: 0x68, A: 0xff},
}

// otherColor fills the bars of a variant missing from variantColors.
var otherColor = color.RGBA{R: 0x8c, G: 0x8c, B: 0x8c, A: 0xff}

// Chart geometry, in SVG user units (pixels).
const (
	chartHeight  = 400.0 // whole picture
	marginLeft   = 64.0  // tick labels and the y-axis label
	marginRight  = 16.0
	marginTop    = 40.0 // title
	marginBottom = 36.0 // group labels
	barWidth     = 14.0
	titleSize    = 14.0 // font sizes
	labelSize    = 12.0
	charWidth    = 0.6 // rough advance of a sans-serif glyph, in font sizes
	yHeadroom    = 1.45
	legendLine   = 16.0 // legend row height
	legendSwatch = 10.0
)

// PlotChart draws c and writes it as an SVG picture to path (atomically).
func PlotChart(path string, c Chart) error {
	svg, err := renderChart(c)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+svg)); err != nil {
		return fmt.Errorf("reproduce: write chart: %w", err)
	}
	return nil
}

// renderChart draws c's bars by model and dimension (groups on the x
// axis), one bar per variant and k with a whisker of +/- its spread, and a
// dashed line across the plot at each k's chance level, as an svg element
// (no XML declaration, so it can also stand inside HTML). Each bar carries a
// title with its value, which viewers show on hover. Negative values (AMI
// can dip below 0 at chance) are drawn as empty bars.
func renderChart(c Chart) (string, error) {
	bars := c.Bars
	if len(bars) == 0 {
		return "", fmt.Errorf("reproduce: no scores to plot")
	}
	chartTitle := c.Title
	type group struct {
		model string
		dim   int
	}
	var groups []group
	seen := map[group]int{}
	type series struct {
		variant string
		k       int
	}
	seenSeries := map[series]bool{} // the distinct (variant, k) pairs
	firstK := bars[0].K             // the smallest k: its bars take the full colour
	inGroup := [][]Bar{}
	maxNMI := 0.0
	for _, b := range bars {
		g := group{b.Model, b.Dim}
		gi, ok := seen[g]
		if !ok {
			gi = len(groups)
			seen[g] = gi
			groups = append(groups, g)
			inGroup = append(inGroup, nil)
		}
		inGroup[gi] = append(inGroup[gi], b)
		seenSeries[series{b.Variant, b.K}] = true
		firstK = min(firstK, b.K)
		if top := b.Value + max(b.Spread, 0); !math.IsInf(top, 0) && !math.IsNaN(top) && top > maxNMI {
			maxNMI = top
		}
	}
	chanceKs := make([]int, 0, len(c.Chance))
	for k, v := range c.Chance {
		chanceKs = append(chanceKs, k)
		if !math.IsNaN(v) && v > maxNMI {
			maxNMI = v
		}
	}
	sort.Ints(chanceKs)
	names := make([]string, len(groups))
	longest := 0
	for i, g := range groups {
		names[i] = fmt.Sprintf("%s-%d", g.model, g.dim)
		longest = max(longest, len(names[i]))
	}

	// Geometry: one slot per group, wide enough for its bars and its label;
	// the picture is wide enough for the slots and the title.
	slot := max(float64(len(seenSeries)+1)*barWidth, float64(longest)*labelSize*charWidth+8)
	plotW := float64(len(groups)) * slot
	width := max(marginLeft+plotW+marginRight, float64(len(chartTitle))*titleSize*charWidth+2*marginRight)
	plotW = width - marginLeft - marginRight
	slot = plotW / float64(len(groups))
	plotH := chartHeight - marginTop - marginBottom
	bottom := marginTop + plotH
	yMax := yHeadroom * maxNMI
	if yMax <= 0 {
		yMax = 1
	}
	yOf := func(v float64) float64 { return bottom - v/yMax*plotH }

	var w strings.Builder
	fmt.Fprintf(&w, `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="%s" height="%s" viewBox="0 0 %s %s" font-family="sans-serif">`+"\n",
		coord(width), coord(chartHeight), coord(width), coord(chartHeight))
	fmt.Fprintf(&w, `<rect width="100%%" height="100%%" fill="#ffffff"/>`+"\n")
	fmt.Fprintf(&w, `<text x="%s" y="%s" font-size="%s" text-anchor="middle">%s</text>`+"\n",
		coord(width/2), coord(marginTop/2+titleSize/3), coord(titleSize), escape(chartTitle))

	// Y axis: grid lines, ticks and labels, then the axis label.
	step := tickStep(yMax)
	decimals := max(2, int(math.Ceil(-math.Log10(step)-1e-9)))
	for i := 0; float64(i)*step <= yMax*(1+1e-9); i++ {
		v := float64(i) * step
		y := yOf(v)
		if i > 0 {
			fmt.Fprintf(&w, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e5e5e5"/>`+"\n",
				coord(marginLeft), coord(y), coord(marginLeft+plotW), coord(y))
		}
		fmt.Fprintf(&w, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#000000"/>`+"\n",
			coord(marginLeft-4), coord(y), coord(marginLeft), coord(y))
		fmt.Fprintf(&w, `<text x="%s" y="%s" font-size="%s" text-anchor="end">%.*f</text>`+"\n",
			coord(marginLeft-6), coord(y+labelSize/3), coord(labelSize), decimals, v)
	}
	yLabelX, yLabelY := marginLeft/4+labelSize/2, marginTop+plotH/2
	fmt.Fprintf(&w, `<text x="%s" y="%s" font-size="%s" text-anchor="middle" transform="rotate(-90 %s %s)">%s</text>`+"\n",
		coord(yLabelX), coord(yLabelY), coord(labelSize), coord(yLabelX), coord(yLabelY), escape(c.Metric))

	// Bars, centred in their group's slot, and the group labels.
	var legend []legendEntry
	inLegend := map[series]bool{}
	for gi, gb := range inGroup {
		sort.SliceStable(gb, func(i, j int) bool {
			if gb[i].K != gb[j].K {
				return gb[i].K < gb[j].K
			}
			return variantRank(gb[i].Variant) < variantRank(gb[j].Variant)
		})
		centre := marginLeft + (float64(gi)+0.5)*slot
		for i, b := range gb {
			fill := barFill(b.Variant, b.K != firstK)
			x := centre + (float64(i)-float64(len(gb))/2)*barWidth
			h := 0.0
			if b.Value > 0 {
				h = min(b.Value, yMax) / yMax * plotH
			}
			title := fmt.Sprintf("%s %s k=%d: %s %.3f", names[gi], variantName(b.Variant), b.K, c.Metric, b.Value)
			if b.Spread > 0 {
				title += fmt.Sprintf(" +/- %.3f", b.Spread)
			}
			fmt.Fprintf(&w, `<rect class="bar" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`+"\n",
				coord(x), coord(bottom-h), coord(barWidth), coord(h), fill, escape(title))
			if b.Spread > 0 {
				lo, hi := max(b.Value-b.Spread, 0), min(b.Value+b.Spread, yMax)
				fmt.Fprintf(&w, `<line class="spread" x1="%s" y1="%s" x2="%s" y2="%s" stroke="#333333"/>`+"\n",
					coord(x+barWidth/2), coord(yOf(lo)), coord(x+barWidth/2), coord(yOf(hi)))
			}
			if s := (series{b.Variant, b.K}); !inLegend[s] {
				inLegend[s] = true
				legend = append(legend, legendEntry{fmt.Sprintf("%s k=%d", variantName(b.Variant), b.K), fill, false})
			}
		}
		fmt.Fprintf(&w, `<text x="%s" y="%s" font-size="%s" text-anchor="middle">%s</text>`+"\n",
			coord(centre), coord(bottom+6+labelSize), coord(labelSize), escape(names[gi]))
	}

	// The chance level of each k, across the whole plot.
	for i, k := range chanceKs {
		v := c.Chance[k]
		if math.IsNaN(v) {
			continue
		}
		stroke := chanceColor(i > 0)
		y := yOf(max(v, 0))
		fmt.Fprintf(&w, `<line class="chance" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5" stroke-dasharray="6 4"><title>%s</title></line>`+"\n",
			coord(marginLeft), coord(y), coord(marginLeft+plotW), coord(y), stroke,
			escape(fmt.Sprintf("random vectors k=%d: %s %.3f", k, c.Metric, v)))
		legend = append(legend, legendEntry{fmt.Sprintf("random vectors k=%d", k), stroke, true})
	}

	// Axes on top of the bars.
	fmt.Fprintf(&w, `<path d="M%s %sV%sH%s" fill="none" stroke="#000000"/>`+"\n",
		coord(marginLeft), coord(marginTop), coord(bottom), coord(marginLeft+plotW))

	// Legend in the top left of the plot.
	writeLegend(&w, legend, marginLeft+8, marginTop+8)
	w.WriteString("</svg>\n")
	return w.String(), nil
}

// legendEntry is one line of a chart's legend: a filled swatch, or a
// dashed line for a chance level.
type legendEntry struct {
	label, fill string
	dashed      bool
}

// writeLegend draws the legend's box with its top left corner at lx, ly.
func writeLegend(w *strings.Builder, legend []legendEntry, lx, ly float64) {
	longestEntry := 0
	for _, e := range legend {
		longestEntry = max(longestEntry, len(e.label))
	}
	fmt.Fprintf(w, `<rect x="%s" y="%s" width="%s" height="%s" fill="#ffffff" fill-opacity="0.85" stroke="#cccccc"/>`+"\n",
		coord(lx), coord(ly), coord(legendSwatch+14+float64(longestEntry)*labelSize*charWidth), coord(float64(len(legend))*legendLine+8))
	for i, e := range legend {
		y := ly + 4 + float64(i)*legendLine
		if e.dashed {
			fmt.Fprintf(w, `<line class="swatch" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5" stroke-dasharray="3 2"/>`+"\n",
				coord(lx+6), coord(y+legendLine/2), coord(lx+6+legendSwatch), coord(y+legendLine/2), e.fill)
		} else {
			fmt.Fprintf(w, `<rect class="swatch" x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n",
				coord(lx+6), coord(y+(legendLine-legendSwatch)/2), coord(legendSwatch), coord(legendSwatch), e.fill)
		}
		fmt.Fprintf(w, `<text x="%s" y="%s" font-size="%s">%s</text>`+"\n",
			coord(lx+legendSwatch+10), coord(y+legendLine/2+labelSize/3), coord(labelSize), escape(e.label))
	}
}

// chanceColor is the stroke of a chance line, lighter for the second k.
func chanceColor(second bool) string {
	if second {
		return "#8c8c8c"
	}
	return "#333333"
}

func variantRank(v string) int {
	switch v {
	case "SEP":
		return 0
	case "CO":
		return 1
	}
	return 2
}

// variantName is the variant as the chart labels it ("" is Med2Vec).
func variantName(v string) string {
	if v == "" {
		return "Med2Vec"
	}
	return v
}

// barFill is the fill colour of a variant's bars, lighter for its second k.
func barFill(variant string, second bool) string {
	c, ok := variantColors[variant]
	if !ok {
		c = otherColor
	}
	if second {
		c = lighter(c)
	}
	return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
}

// lighter mixes c halfway with white (the second k of a variant).
func lighter(c color.RGBA) color.RGBA {
	mix := func(v uint8) uint8 { return uint8((uint16(v) + 255) / 2) }
	return color.RGBA{R: mix(c.R), G: mix(c.G), B: mix(c.B), A: 0xff}
}

// tickStep is the smallest round step (1, 2 or 5 times a power of ten) that
// divides 0 to yMax into at most ten steps: 0.1 for an NMI of 0.5 or 0.6.
func tickStep(yMax float64) float64 {
	raw := yMax / 10
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			return m * mag
		}
	}
	return 10 * mag
}

// coord formats a coordinate with two decimals at most.
func coord(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// escape makes s safe as SVG text content.
func escape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
	return b.String()
}
