package robust

import (
	"fmt"

	"github.com/lenet/lenet/internal/chart"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Chart draws results side by side as a PNG, one panel a model: accuracy against the
// level of each family's strength (1 the mildest), one line a family.
func Chart(results []Result, path string) error {
	if len(results) == 0 {
		return fmt.Errorf("chart %s: no results", path)
	}
	var panels []*plot.Plot
	for _, r := range results {
		p := plot.New()
		p.Title.Text = fmt.Sprintf("%s: clean %.2f%%, suite mean %.2f%%", r.Model, 100*r.Clean, 100*r.Mean)
		p.X.Label.Text, p.Y.Label.Text = "strength level (1 = mildest; the strengths are in the table)", "accuracy %"
		p.Y.Min, p.Y.Max = 0, 100
		p.Legend.Left, p.Legend.Top = true, false
		for i, name := range families() {
			var xy plotter.XYs
			level := 0
			for _, c := range r.Cells {
				if c.Family == name {
					level++
					xy = append(xy, plotter.XY{X: float64(level), Y: 100 * c.Accuracy})
				}
			}
			l, pts, err := plotter.NewLinePoints(xy)
			if err != nil {
				return fmt.Errorf("chart %s: %w", path, err)
			}
			c := plotutil.Color(i)
			l.Color, pts.Color = c, c
			l.Dashes, pts.Shape = plotutil.Dashes(i/7), plotutil.Shape(i)
			p.Add(l, pts)
			p.Legend.Add(name, l, pts)
		}
		panels = append(panels, p)
	}
	return chart.WritePNG(path, panels, 7*vg.Inch, 5.5*vg.Inch)
}
