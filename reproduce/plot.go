package reproduce

import (
	"fmt"
	"image/color"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/hiervec/hiervec/internal/atomicfile"
)

// Bar is one bar of the NMI chart: a model at a dimension, a variant
// (SEP or CO) and a k.
type Bar struct {
	Model   string // "CBOW", "SG" or "Med2Vec"
	Dim     int
	Variant string // "SEP", "CO" or "" for Med2Vec
	K       int
	NMI     float64
}

// variantColors gives each variant a fixed colour so charts compare.
var variantColors = map[string]color.Color{
	"SEP": color.RGBA{R: 0x4c, G: 0x72, B: 0xb0, A: 0xff},
	"CO":  color.RGBA{R: 0xdd, G: 0x84, B: 0x52, A: 0xff},
	"":    color.RGBA{R: 0x55, G: 0xa8, B: 0x68, A: 0xff},
}

// PlotNMI draws NMI by model and dimension (groups on the x axis), one bar
// per variant and k, and writes it as a PNG to path (atomically).
func PlotNMI(path string, bars []Bar) error {
	if len(bars) == 0 {
		return fmt.Errorf("reproduce: no scores to plot")
	}
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
	var seriesList []series
	seenSeries := map[series]bool{}
	for _, b := range bars {
		g := group{b.Model, b.Dim}
		if _, ok := seen[g]; !ok {
			seen[g] = len(groups)
			groups = append(groups, g)
		}
		s := series{b.Variant, b.K}
		if !seenSeries[s] {
			seenSeries[s] = true
			seriesList = append(seriesList, s)
		}
	}
	sort.SliceStable(seriesList, func(i, j int) bool {
		if seriesList[i].k != seriesList[j].k {
			return seriesList[i].k < seriesList[j].k
		}
		return variantRank(seriesList[i].variant) < variantRank(seriesList[j].variant)
	})

	p := plot.New()
	p.Title.Text = "NMI of k-means clusters of code vectors against CCSR categories"
	p.Y.Label.Text = "NMI"
	p.Y.Min = 0
	width := vg.Points(10)
	maxNMI := 0.0
	inGroup := make([][]Bar, len(groups))
	for _, b := range bars {
		g := seen[group{b.Model, b.Dim}]
		inGroup[g] = append(inGroup[g], b)
		maxNMI = max(maxNMI, b.NMI)
	}
	legend := map[series]bool{}
	for gi, gb := range inGroup {
		sort.SliceStable(gb, func(i, j int) bool {
			if gb[i].K != gb[j].K {
				return gb[i].K < gb[j].K
			}
			return variantRank(gb[i].Variant) < variantRank(gb[j].Variant)
		})
		for i, b := range gb {
			vals := make(plotter.Values, len(groups))
			vals[gi] = b.NMI
			bc, err := plotter.NewBarChart(vals, width)
			if err != nil {
				return fmt.Errorf("reproduce: chart: %w", err)
			}
			bc.LineStyle.Width = 0
			c := variantColors[b.Variant]
			if b.K != seriesList[0].k {
				c = lighter(c)
			}
			bc.Color = c
			bc.Offset = vg.Length(float64(i)-float64(len(gb)-1)/2) * width
			p.Add(bc)
			if s := (series{b.Variant, b.K}); !legend[s] {
				legend[s] = true
				name := b.Variant
				if name == "" {
					name = "Med2Vec"
				}
				p.Legend.Add(fmt.Sprintf("%s k=%d", name, b.K), bc)
			}
		}
	}
	p.Y.Max = maxNMI * 1.45
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = fmt.Sprintf("%s-%d", g.model, g.dim)
	}
	p.NominalX(names...)
	p.Legend.Top = true
	p.Legend.Left = true

	wt, err := p.WriterTo(vg.Length(60+len(groups)*len(seriesList)*12)*vg.Millimeter/3, 10*vg.Centimeter, "png")
	if err != nil {
		return fmt.Errorf("reproduce: chart: %w", err)
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := wt.WriteTo(f); err != nil {
		return fmt.Errorf("reproduce: write %s: %w", path, err)
	}
	return f.Commit()
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

// lighter mixes c halfway with white (the second k of a variant).
func lighter(c color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	mix := func(v uint32) uint8 { return uint8((v>>8 + 255) / 2) }
	return color.RGBA{R: mix(r), G: mix(g), B: mix(b), A: 0xff}
}
