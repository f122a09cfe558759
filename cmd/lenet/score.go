// The commands that score a model: test and robustness.

package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/internal/bounds"
	"github.com/lenet/lenet/preprocess"
	"github.com/lenet/lenet/report"
	"github.com/lenet/lenet/robust"
	"github.com/lenet/lenet/train"
	"github.com/spf13/pflag"
)

const testSummary = `Usage: lenet test [--checkpoint DIR] [flags]

Reports a model's accuracy on the 10,000 test images (or --split train, or val): overall, on
each half, per digit and as a confusion matrix, and its calibration (negative
log-likelihood, expected calibration error, accuracy at 90/95/99% coverage). --images DIR scores your own pictures
instead, each named for its digit (7.png, 7-mine.png, 3_2026.jpg). With a distortion
flag it also scores a copy distorted with those strengths (fixed by --seed).`

func runTest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var m checkpoints.Source
	var data, split, images string
	var asJSON bool
	var seed uint64
	var distort augment.Params
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	registerModel(fs, &m)
	fs.StringVar(&split, "split", "test", "images to score: test, train, or val (the training images the model held out)")
	fs.StringVar(&images, "images", "", "score the labelled image files in this folder instead of MNIST")
	fs.StringVar(&data, "data", "", dataHelp)
	fs.BoolVar(&asJSON, "json", false, "print the report as JSON")
	registerDistortions(fs, &distort)
	fs.Uint64Var(&seed, "seed", 1, "seeds the distorted copy")
	if err := parse(fs, args, stdout, testSummary); err != nil {
		return err
	}
	if err := distort.Validate(); err != nil || !slices.Contains([]string{"test", "train", "val"}, split) {
		return cmp.Or(err, fmt.Errorf("invalid --split %q (expected test, train or val)", split))
	}
	mod, err := checkpoints.Open(m)
	if err != nil {
		return err
	}
	set, source := (*dataset.Set)(nil), mod.Dataset.Title+" "+split
	var unread []preprocess.Unread
	if images != "" {
		source = "images in " + images
		if set, unread, err = preprocess.ReadLabelled(images, preprocess.FitFor(mod.Dataset)); err != nil {
			err = fmt.Errorf("--images: %w", err)
		}
	} else if split == "val" {
		set, err = train.ValidationSet(mod.Manifest, data)
	} else {
		set, err = mod.Dataset.Load(data, split)
	}
	if err != nil {
		return err
	}
	ev, err := mod.Evaluator(graph.DefaultEvalBatch)
	if err != nil {
		return err
	}
	defer ev.Close()
	probs, err := ev.Probabilities(dataset.Floats(set))
	if err != nil {
		return err
	}
	var notRead []report.NotRead
	for _, u := range unread {
		notRead = append(notRead, report.NotRead{File: u.Path, Label: u.Label, Reason: strings.TrimPrefix(u.Err.Error(), u.Path+": ")})
	}
	probs, pred, labels := report.Missed(notRead, ev.Classes(), probs, graph.Argmax(probs, ev.Classes()), set.Labels)
	r := report.New(mod.Name, source, mod.Dataset, pred, labels, images == "")
	r.Calibration = new(report.Calibrate(probs, labels))
	r.NotRead = notRead
	if !distort.IsZero() {
		pred, err := ev.Predict(augment.DistortAll(set, distort, seed))
		if err != nil {
			return err
		}
		d := report.Tally(pred, set.Labels, 0, set.Count)
		d.Name = fmt.Sprintf("distorted copy (%s, seed %d)", distort, seed)
		r.Distorted = &d
	}
	return printJSONOr(stdout, asJSON, r, r.Text())
}

const robustSummary = `Usage: lenet robustness [--checkpoint DIR]... [--png FILE] [--json]

Scores models on the test images corrupted as real handwriting differs from MNIST's
(shifted, rotated, scaled, slanted, thin, thick, blurred, noisy, low-resolution,
elastic, drawn as pictures and read back), each family at several strengths fixed by
--seed: a table with a column a model, its last line the suite's mean. Then photos one
condition at a time, simulated photos with every condition at once (single digits,
numbers, two lines, pictures without digits), and numbers read whole. Repeat
--checkpoint to compare models; "builtin" is the built-in one.`

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
	if err := printJSONOr(stdout, asJSON, results, robust.Table(results)); err != nil || asJSON {
		return err
	}
	if png != "" {
		fmt.Fprintf(stdout, "wrote %s\n", png)
	}
	return nil
}
