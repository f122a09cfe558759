package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/preprocess"
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
	model   modelFlags
	data    string
	split   string
	images  string
	asJSON  bool
	seed    uint64
	distort distortFlags
}

func runTest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c testConfig
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	c.model.register(fs)
	fs.StringVar(&c.split, "split", "test", "MNIST split to score: test or train")
	fs.StringVar(&c.images, "images", "", "score the labelled image files in this folder instead of MNIST")
	fs.StringVar(&c.data, "data", "", dataHelp)
	fs.BoolVar(&c.asJSON, "json", false, "print the report as JSON")
	c.distort.register(fs, augment.Params{})
	fs.Uint64Var(&c.seed, "seed", 1, "seeds the distorted copy")
	if err := parse(fs, args, stdout, testSummary); err != nil {
		return err
	}
	dp, err := c.distort.params()
	if err != nil {
		return err
	}
	if c.split != "test" && c.split != "train" {
		return fmt.Errorf("invalid --split %q (expected test or train)", c.split)
	}
	m, err := c.model.load()
	if err != nil {
		return err
	}
	set, source, err := c.inputs(m.data)
	if err != nil {
		return err
	}
	ev, err := graph.NewEvaluator(m.params, graph.DefaultEvalBatch)
	if err != nil {
		return err
	}
	defer ev.Close()
	pred, err := ev.Predict(dataset.Floats(set))
	if err != nil {
		return err
	}
	r := newReport(m.name, source, m.data, pred, set.Labels, c.images == "")
	if !dp.IsZero() {
		if pred, err = ev.Predict(augment.DistortAll(set, dp, c.seed)); err != nil {
			return err
		}
		d := tally(pred, set.Labels, 0, set.Count)
		d.Name = fmt.Sprintf("distorted copy (%s, seed %d)", describe(dp), c.seed)
		r.Distorted = &d
	}
	if c.asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	r.print(stdout)
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
	dir, err := dataDirFor(ds, c.data)
	if err != nil {
		return nil, "", err
	}
	s, err := dataset.Load(dir, c.split)
	return s, ds.Title + " " + c.split, err
}

// score is a count of right answers.
type score struct {
	Name     string  `json:"name"`
	Correct  int     `json:"correct"`
	Total    int     `json:"total"`
	Accuracy float64 `json:"accuracy"`
}

func (s score) String() string {
	return fmt.Sprintf("%.2f%% (%d/%d)", 100*s.Accuracy, s.Correct, s.Total)
}

// tally scores pred against labels over records [lo, hi).
func tally(pred []int, labels []byte, lo, hi int) score {
	s := score{Total: hi - lo}
	for i := lo; i < hi; i++ {
		if pred[i] == int(labels[i]) {
			s.Correct++
		}
	}
	if s.Total > 0 {
		s.Accuracy = float64(s.Correct) / float64(s.Total)
	}
	return s
}

// report is what test prints.
type report struct {
	Model     string                                `json:"model"`
	Source    string                                `json:"source"`
	Overall   score                                 `json:"overall"`
	Halves    []score                               `json:"halves,omitempty"`
	Dataset   string                                `json:"dataset"`
	Classes   [dataset.Classes]string               `json:"classes"`
	PerClass  []score                               `json:"per_class"`
	Confusion [dataset.Classes][dataset.Classes]int `json:"confusion"` // [true label][guess]
	Distorted *score                                `json:"distorted,omitempty"`
}

func newReport(model, source string, ds dataset.Dataset, pred []int, labels []byte, halves bool) report {
	r := report{Model: model, Source: source, Dataset: ds.Name, Classes: ds.Classes, Overall: tally(pred, labels, 0, len(labels))}
	r.Overall.Name = "all"
	if halves {
		h := len(labels) / 2
		first, last := tally(pred, labels, 0, h), tally(pred, labels, h, len(labels))
		first.Name, last.Name = fmt.Sprintf("first %d", h), fmt.Sprintf("last %d", len(labels)-h)
		r.Halves = []score{first, last}
	}
	for i, p := range pred {
		r.Confusion[labels[i]][p]++
	}
	for d := range dataset.Classes {
		s := score{Name: ds.Classes[d], Correct: r.Confusion[d][d]}
		for _, n := range r.Confusion[d] {
			s.Total += n
		}
		if s.Total > 0 {
			s.Accuracy = float64(s.Correct) / float64(s.Total)
		}
		r.PerClass = append(r.PerClass, s)
	}
	return r
}

func (r report) print(w io.Writer) {
	fmt.Fprintf(w, "model %s\n%s: accuracy %s\n", r.Model, r.Source, r.Overall)
	for _, h := range r.Halves {
		fmt.Fprintf(w, "  %-10s %s\n", h.Name+":", h)
	}
	noun := "digit"
	if r.Dataset != dataset.MNIST.Name {
		noun = "class"
	}
	fmt.Fprintf(w, "per %s:\n", noun)
	for i, d := range r.PerClass {
		if noun == "digit" {
			fmt.Fprintf(w, "  %s: %s\n", d.Name, d)
		} else {
			fmt.Fprintf(w, "  %d %-12s %s\n", i, d.Name+":", d)
		}
	}
	fmt.Fprintf(w, "confusion matrix (rows: true %s, columns: guess):\n", noun)
	var head strings.Builder
	for d := range dataset.Classes {
		fmt.Fprintf(&head, "%6d", d)
	}
	fmt.Fprintf(w, "     %s\n", head.String())
	for t, row := range r.Confusion {
		fmt.Fprintf(w, "  %d: ", t)
		for _, n := range row {
			fmt.Fprintf(w, "%6d", n)
		}
		fmt.Fprintln(w)
	}
	if r.Distorted != nil {
		fmt.Fprintf(w, "%s: %s\n", r.Distorted.Name, r.Distorted)
	}
}
