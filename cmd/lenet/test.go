package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/preprocess"
	"github.com/lenet/lenet/report"
	"github.com/spf13/pflag"
)

const testSummary = `Usage: lenet test [--checkpoint DIR] [flags]

Reports a model's accuracy on the 10,000 MNIST test images (or --split train, or
your own labelled images with --images DIR): overall, on the first and the last 5,000
(the seed's two halves), per digit, and as a 10x10 confusion matrix. DIR is a checkpoint
folder, or a run folder, whose best checkpoint is used (default: the built-in model);
--npy DIR evaluates .npy weights as 'lenet export' writes them (or NumPy code does).

--images DIR reads every PNG, JPEG and GIF file in DIR whose name starts with its label
digit followed by a non-digit, e.g. 7.png, 7-mine.png, 3_2026-11-24.jpg; each picture is
preprocessed like 'lenet predict' does it.

With any distortion flag, test also scores a copy of the images distorted with those
strengths (fixed by --seed): digits that are not centred and sized like MNIST's.`

// testConfig holds the test command's flags.
type testConfig struct {
	model   checkpoints.Source
	data    string
	split   string
	images  string
	asJSON  bool
	seed    uint64
	distort augment.Params
}

func runTest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c testConfig
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	registerModel(fs, &c.model)
	fs.StringVar(&c.split, "split", "test", "MNIST split to score: test or train")
	fs.StringVar(&c.images, "images", "", "score the labelled image files in this folder instead of MNIST")
	fs.StringVar(&c.data, "data", "", dataHelp)
	fs.BoolVar(&c.asJSON, "json", false, "print the report as JSON")
	registerDistortions(fs, &c.distort)
	fs.Uint64Var(&c.seed, "seed", 1, "seeds the distorted copy")
	if err := parse(fs, args, stdout, testSummary); err != nil {
		return err
	}
	if err := c.distort.Validate(); err != nil {
		return err
	}
	if c.split != "test" && c.split != "train" {
		return fmt.Errorf("invalid --split %q (expected test or train)", c.split)
	}
	m, err := checkpoints.Open(c.model)
	if err != nil {
		return err
	}
	set, source, err := c.inputs(m.Dataset)
	if err != nil {
		return err
	}
	ev, err := graph.NewEvaluator(m.Params, graph.DefaultEvalBatch)
	if err != nil {
		return err
	}
	defer ev.Close()
	pred, err := ev.Predict(dataset.Floats(set))
	if err != nil {
		return err
	}
	r := report.New(m.Name, source, m.Dataset, pred, set.Labels, c.images == "")
	if !c.distort.IsZero() {
		if pred, err = ev.Predict(augment.DistortAll(set, c.distort, c.seed)); err != nil {
			return err
		}
		d := report.Tally(pred, set.Labels, 0, set.Count)
		d.Name = fmt.Sprintf("distorted copy (%s, seed %d)", c.distort, c.seed)
		r.Distorted = &d
	}
	if c.asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	fmt.Fprint(stdout, r.Text())
	return nil
}

// inputs loads the images to score: a folder of labelled files, or an MNIST split.
func (c *testConfig) inputs(ds dataset.Dataset) (*dataset.Set, string, error) {
	if c.images != "" {
		s, err := preprocess.ReadLabelled(c.images, preprocess.FitFor(ds))
		if err != nil {
			return nil, "", fmt.Errorf("--images: %w", err)
		}
		return s, "images in " + c.images, nil
	}
	s, err := ds.Load(c.data, c.split)
	return s, ds.Title + " " + c.split, err
}
