package chart

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// TestWritePNG draws two panels and checks the picture's size (a row of two panels)
// and that each half has something drawn on it.
func TestWritePNG(t *testing.T) {
	var panels []*plot.Plot
	for i := range 2 {
		p := plot.New()
		p.Title.Text = "panel"
		line, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: float64(i + 1)}})
		if err != nil {
			t.Fatal(err)
		}
		p.Add(line)
		panels = append(panels, p)
	}
	path := filepath.Join(t.TempDir(), "chart.png")
	if err := WritePNG(path, panels, 3*vg.Inch, 2*vg.Inch); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if w, h := b.Dx(), b.Dy(); w < 2*h || w > 4*h {
		t.Fatalf("picture %dx%d, want two 3x2 panels side by side", w, h)
	}
	for half := range 2 {
		dark := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X + half*b.Dx()/2; x < b.Min.X+(half+1)*b.Dx()/2; x++ {
				if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
					dark++
				}
			}
		}
		if dark < 100 {
			t.Errorf("panel %d: %d dark pixels, nothing drawn", half, dark)
		}
	}
	if err := WritePNG(filepath.Join(t.TempDir(), "missing", "c.png"), panels, vg.Inch, vg.Inch); err == nil {
		t.Error("writing into a missing folder succeeded")
	}
}
