package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/graph/robust"
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
	if err := intIn("count", count, 100, 10000); err != nil {
		return err
	}
	if dir := filepath.Dir(png); png != "" {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return fmt.Errorf("invalid --png %s: no folder %s to write it in", png, dir) // before the suite's minute
		}
	}
	dir, err := dataDir(data)
	if err != nil {
		return err
	}
	set, err := dataset.Load(dir, "test")
	if err != nil {
		return err
	}
	set = set.Limit(count)
	var results []robust.Result
	for _, name := range models {
		r, err := robustOne(name, set, seed)
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
	printRobust(stdout, results)
	if png != "" {
		fmt.Fprintf(stdout, "wrote %s\n", png)
	}
	return nil
}

// robustOne runs the suite on the model name names.
func robustOne(name string, set *dataset.Set, seed uint64) (robust.Result, error) {
	m := modelFlags{checkpoint: name}
	if name == "builtin" {
		m.checkpoint = ""
	}
	mod, err := m.load()
	if err != nil {
		return robust.Result{}, err
	}
	if mod.data.Name != dataset.MNIST.Name {
		return robust.Result{}, fmt.Errorf("robustness is for handwritten digits; %s classifies %s", name, mod.data.Title)
	}
	ev, err := graph.NewEvaluator(mod.params, graph.DefaultEvalBatch)
	if err != nil {
		return robust.Result{}, err
	}
	defer ev.Close()
	r, err := robust.Run(ev, set, seed)
	r.Model = name
	return r, err
}

// printRobust prints the results as a table: a row per family and strength, a column
// per model.
func printRobust(w io.Writer, results []robust.Result) {
	fmt.Fprintf(w, "robustness on the first %d MNIST test images, seed %d\n", results[0].Images, results[0].Seed)
	row := func(label string, acc func(robust.Result) float64) {
		fmt.Fprintf(w, "%-26s", label)
		for _, r := range results {
			fmt.Fprintf(w, " %*.2f%%", max(8, len(r.Model))-1, 100*acc(r))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%-26s", "family, strength")
	for _, r := range results {
		fmt.Fprintf(w, " %*s", max(8, len(r.Model)), r.Model)
	}
	fmt.Fprintln(w)
	row("clean", func(r robust.Result) float64 { return r.Clean })
	for i, c := range results[0].Cells {
		row(fmt.Sprintf("%s %g", c.Family, c.Strength), func(r robust.Result) float64 { return r.Cells[i].Accuracy })
	}
	fmt.Fprintln(w, "each family, mean over its strengths:")
	for _, f := range robust.Families {
		row("  "+f.Name, func(r robust.Result) float64 { return r.FamilyMean(f.Name) })
	}
	row("mean over the suite", func(r robust.Result) float64 { return r.Mean })
	fmt.Fprintln(w, strings.Repeat("-", 26), "units:", robustUnits())
}

// robustUnits says what each family's strength measures.
func robustUnits() string {
	var parts []string
	for _, f := range robust.Families {
		parts = append(parts, f.Name+": "+f.Unit)
	}
	return strings.Join(parts, "; ")
}
