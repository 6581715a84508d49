package reproduce

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestPlotNMIWritesPNG(t *testing.T) {
	var bars []Bar
	for _, model := range []string{"CBOW", "SG"} {
		for _, dim := range []int{10, 50, 100} {
			for _, v := range []string{"SEP", "CO"} {
				for _, k := range []int{200, 400} {
					bars = append(bars, Bar{Model: model, Dim: dim, Variant: v, K: k, NMI: 0.3 + float64(dim)/1000})
				}
			}
		}
	}
	bars = append(bars, Bar{Model: "Med2Vec", Dim: 200, K: 200, NMI: 0.2})
	path := filepath.Join(t.TempDir(), "nmi.png")
	if err := PlotNMI(path, bars); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 200 || b.Dy() < 200 {
		t.Fatalf("image too small: %v", b)
	}
}

func TestPlotNMIRejectsEmpty(t *testing.T) {
	if err := PlotNMI(filepath.Join(t.TempDir(), "x.png"), nil); err == nil {
		t.Fatal("want an error for no bars")
	}
}
