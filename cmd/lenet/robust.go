package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/internal/bounds"
	"github.com/lenet/lenet/robust"
	"github.com/spf13/pflag"
)

const robustSummary = `Usage: lenet robustness [--checkpoint DIR]... [--png FILE] [--json]

Scores models on the MNIST test images corrupted the ways real handwriting differs from
MNIST's: translated, rotated, scaled, sheared, thinner and thicker strokes, blurred,
Gaussian and salt-and-pepper noise, low resolution, elastic, and "picture" (drawn as a
picture and read back through the preprocessing of predict, draw and test --images),
each family at several strengths, fixed by --seed. Prints a table, one column a model;
its last line, the suite's mean accuracy (the mean of each family's mean), is the
summary. --checkpoint may be repeated to compare models; "builtin" names the built-in
model, the default.`

func runRobust(_ context.Context, args []string, stdout, _ io.Writer) error {
	var models []string
	var count int
	var seed uint64
	var asJSON bool
	var png, data string
	fs := pflag.NewFlagSet("robustness", pflag.ContinueOnError)
	fs.StringSliceVar(&models, "checkpoint", []string{"builtin"}, `a model: checkpoint or run folder, or "builtin" (repeat to compare)`)
	fs.IntVar(&count, "count", 10000, "test images used, the first N (100 to 10000)")
	fs.Uint64Var(&seed, "seed", 1, "seeds every corruption")
	fs.BoolVar(&asJSON, "json", false, "print the results as JSON")
	fs.StringVar(&png, "png", "", "also draw the results as a chart into this PNG file")
	fs.StringVar(&data, "data", "", dataHelp)
	if err := parse(fs, args, stdout, robustSummary); err != nil {
		return err
	}
	if err := bounds.Int("count", count, 100, 10000); err != nil {
		return err
	}
	if dir := filepath.Dir(png); png != "" {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return fmt.Errorf("invalid --png %s: no folder %s to write it in", png, dir) // before the suite's minute
		}
	}
	set, err := dataset.MNIST.Load(data, "test")
	if err != nil {
		return err
	}
	set = set.Limit(count)
	var results []robust.Result
	for _, name := range models {
		r, err := robust.RunModel(name, set, seed)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	if png != "" {
		if err := robust.Chart(results, png); err != nil {
			return err
		}
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	fmt.Fprint(stdout, robust.Table(results))
	if png != "" {
		fmt.Fprintf(stdout, "wrote %s\n", png)
	}
	return nil
}
