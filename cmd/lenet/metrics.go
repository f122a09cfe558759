package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/pflag"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// The run folder's record of training, one row per epoch, and its picture.
const (
	metricsFile = "metrics.csv"
	curvesFile  = "curves.png"
)

var metricsHeader = []string{"epoch", "train_cost", "train_accuracy", "test_accuracy", "seconds", "lr"}

// metricsRow is one epoch: cost and accuracy on the (distorted) training batches, test
// accuracy, seconds, and the learning rate of the epoch's last step.
type metricsRow struct {
	Epoch                                  int
	TrainCost, TrainAccuracy, TestAccuracy float64
	Seconds, LR                            float64
}

// writeMetrics replaces path with rows, whole or not at all.
func writeMetrics(path string, rows []metricsRow) error {
	return writeAtomic(path, func(f io.Writer) error {
		w := csv.NewWriter(f)
		w.Write(metricsHeader)
		for _, r := range rows {
			w.Write([]string{strconv.Itoa(r.Epoch), ff(r.TrainCost), ff(r.TrainAccuracy), ff(r.TestAccuracy), ff(r.Seconds), ff(r.LR)})
		}
		w.Flush()
		return w.Error()
	})
}

func ff(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }

// readMetrics reads the rows of epochs 1 to upTo from path, all of them when upTo is
// negative; with upTo 0 a missing file is no error.
func readMetrics(path string, upTo int) ([]metricsRow, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) && upTo == 0 {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(records) == 0 || len(records[0]) != len(metricsHeader) {
		return nil, fmt.Errorf("read %s: expected the header %v", path, metricsHeader)
	}
	var rows []metricsRow
	for i, rec := range records[1:] {
		var r metricsRow
		var errs [6]error
		r.Epoch, errs[0] = strconv.Atoi(rec[0])
		r.TrainCost, errs[1] = strconv.ParseFloat(rec[1], 64)
		r.TrainAccuracy, errs[2] = strconv.ParseFloat(rec[2], 64)
		r.TestAccuracy, errs[3] = strconv.ParseFloat(rec[3], 64)
		r.Seconds, errs[4] = strconv.ParseFloat(rec[4], 64)
		r.LR, errs[5] = strconv.ParseFloat(rec[5], 64)
		if err := errors.Join(errs[:]...); err != nil || r.Epoch != i+1 {
			return nil, fmt.Errorf("read %s: line %d: expected epoch %d and numbers: %v", path, i+2, i+1, rec)
		}
		if upTo < 0 || r.Epoch <= upTo {
			rows = append(rows, r)
		}
	}
	if len(rows) != upTo && upTo > 0 {
		return nil, fmt.Errorf("read %s: %d epochs recorded, the checkpoint is at epoch %d", path, len(rows), upTo)
	}
	return rows, nil
}

const plotSummary = `Usage: lenet plot --run DIR [--out FILE.png]

Draws a training run's curves from DIR/metrics.csv: the training cost, and the training
and test accuracy per epoch. Training draws DIR/curves.png itself when it finishes.`

func runPlot(_ context.Context, args []string, stdout, _ io.Writer) error {
	var dir, out string
	fs := pflag.NewFlagSet("plot", pflag.ContinueOnError)
	fs.StringVar(&dir, "run", "", "run folder holding metrics.csv (required)")
	fs.StringVar(&out, "out", "", "PNG file to write (default RUN/curves.png)")
	if err := parse(fs, args, stdout, plotSummary); err != nil {
		return err
	}
	if dir == "" {
		return errors.New("plot: --run DIR is required")
	}
	if out == "" {
		out = filepath.Join(dir, curvesFile)
	}
	if err := plotMetrics(filepath.Join(dir, metricsFile), out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", out)
	return nil
}

// plotRun draws the run folder's curves.png.
func plotRun(dir string) error {
	return plotMetrics(filepath.Join(dir, metricsFile), filepath.Join(dir, curvesFile))
}

// plotMetrics draws cost (left) and accuracy (right) against epochs.
func plotMetrics(csvPath, pngPath string) error {
	rows, err := readMetrics(csvPath, -1)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return fmt.Errorf("plot %s: no epochs recorded yet", csvPath)
	}
	cost, trainAcc, testAcc := make(plotter.XYs, len(rows)), make(plotter.XYs, len(rows)), make(plotter.XYs, len(rows))
	for i, r := range rows {
		x := float64(r.Epoch)
		cost[i], trainAcc[i], testAcc[i] = plotter.XY{X: x, Y: r.TrainCost}, plotter.XY{X: x, Y: 100 * r.TrainAccuracy}, plotter.XY{X: x, Y: 100 * r.TestAccuracy}
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
	}{{left, cost, "training", color.RGBA{B: 200, A: 255}}, {right, trainAcc, "training (distorted batches)", color.RGBA{B: 200, A: 255}}, {right, testAcc, "test", color.RGBA{R: 200, A: 255}}} {
		l, pts, err := plotter.NewLinePoints(s.xy)
		if err != nil {
			return fmt.Errorf("plot %s: %w", csvPath, err)
		}
		l.Color, pts.Color = s.c, s.c
		s.p.Add(l, pts)
		s.p.Legend.Add(s.name, l)
	}
	img := vgimg.New(12*vg.Inch, 4.5*vg.Inch)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Inch / 4, PadTop: vg.Inch / 8, PadBottom: vg.Inch / 8, PadLeft: vg.Inch / 8, PadRight: vg.Inch / 8}
	for i, c := range plot.Align([][]*plot.Plot{{left, right}}, tiles, dc)[0] {
		[]*plot.Plot{left, right}[i].Draw(c)
	}
	return writeAtomic(pngPath, func(w io.Writer) error {
		_, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(w)
		return err
	})
}
