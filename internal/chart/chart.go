// Package chart writes gonum/plot panels side by side into a PNG file, whole or not at
// all: the training curves and the robustness chart are drawn this way.
package chart

import (
	"io"

	"github.com/lenet/lenet/internal/atomicfile"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// WritePNG draws panels in one row, each width wide and height high, aligned on their
// axes, into the PNG file path.
func WritePNG(path string, panels []*plot.Plot, width, height vg.Length) error {
	img := vgimg.New(vg.Length(len(panels))*width, height)
	tiles := draw.Tiles{Rows: 1, Cols: len(panels), PadX: vg.Inch / 4, PadTop: vg.Inch / 8, PadBottom: vg.Inch / 8, PadLeft: vg.Inch / 8, PadRight: vg.Inch / 8}
	for i, c := range plot.Align([][]*plot.Plot{panels}, tiles, draw.New(img))[0] {
		panels[i].Draw(c)
	}
	return atomicfile.WriteFile(path, func(w io.Writer) error {
		_, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(w)
		return err
	})
}
