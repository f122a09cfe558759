package train

import (
	"fmt"
	"image/color"

	"github.com/lenet/lenet/internal/chart"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// CurvesFile is the run folder's picture of its metrics, drawn when a run ends.
const CurvesFile = "curves.png"

// Plot draws a metrics.csv as a PNG: the training cost (left), and the training,
// validation (when the run held images out) and test accuracy (right) against epochs.
func Plot(csvPath, pngPath string) error {
	rows, err := ReadMetrics(csvPath, -1)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return fmt.Errorf("plot %s: no epochs recorded yet", csvPath)
	}
	cost, trainAcc, testAcc := make(plotter.XYs, len(rows)), make(plotter.XYs, len(rows)), make(plotter.XYs, len(rows))
	var valAcc plotter.XYs
	for i, r := range rows {
		x := float64(r.Epoch)
		cost[i], trainAcc[i], testAcc[i] = plotter.XY{X: x, Y: r.TrainCost}, plotter.XY{X: x, Y: 100 * r.TrainAccuracy}, plotter.XY{X: x, Y: 100 * r.TestAccuracy}
		if r.ValAccuracy != 0 {
			valAcc = append(valAcc, plotter.XY{X: x, Y: 100 * r.ValAccuracy})
		}
	}
	left, right := plot.New(), plot.New()
	left.Title.Text, left.X.Label.Text, left.Y.Label.Text = "training cost", "epoch", "mean cross-entropy"
	right.Title.Text, right.X.Label.Text, right.Y.Label.Text = "accuracy", "epoch", "%"
	left.Legend.Top = true // above the falling cost; accuracy keeps its legend below the rising curves
	for _, s := range []struct {
		p    *plot.Plot
		xy   plotter.XYs
		name string
		c    color.RGBA
	}{{left, cost, "training", color.RGBA{B: 200, A: 255}}, {right, trainAcc, "training (distorted batches)", color.RGBA{B: 200, A: 255}},
		{right, valAcc, "validation (chooses the best epoch)", color.RGBA{G: 150, A: 255}}, {right, testAcc, "test", color.RGBA{R: 200, A: 255}}} {
		if len(s.xy) == 0 {
			continue
		}
		l, pts, err := plotter.NewLinePoints(s.xy)
		if err != nil {
			return fmt.Errorf("plot %s: %w", csvPath, err)
		}
		l.Color, pts.Color = s.c, s.c
		s.p.Add(l, pts)
		s.p.Legend.Add(s.name, l)
	}
	return chart.WritePNG(pngPath, []*plot.Plot{left, right}, 6*vg.Inch, 4.5*vg.Inch)
}
