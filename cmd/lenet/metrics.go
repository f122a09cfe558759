package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/lenet/lenet/train"
	"github.com/spf13/pflag"
)

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
		out = filepath.Join(dir, train.CurvesFile)
	}
	if err := train.Plot(filepath.Join(dir, train.MetricsFile), out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", out)
	return nil
}
