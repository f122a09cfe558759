// The commands that show a model at work: view and predict.

package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/internal/bounds"
	"github.com/lenet/lenet/preprocess"
	"github.com/lenet/lenet/reader"
	"github.com/lenet/lenet/render"
	"github.com/lenet/lenet/report"
	"github.com/spf13/pflag"
)

const viewSummary = `Usage: lenet view [--checkpoint DIR] [--index N | --wrong] [--png FILE]

Draws test image --index in the terminal with its label and the network's guess;
--wrong walks through the mistakes from --index on, --count at a time, and --png FILE
writes a montage of them, each captioned "label -> guess (p)".`

func runView(_ context.Context, args []string, stdout, _ io.Writer) error {
	var m checkpoints.Source
	var index, count int
	var wrong bool
	var pngPath, data string
	fs := pflag.NewFlagSet("view", pflag.ContinueOnError)
	registerModel(fs, &m)
	fs.IntVar(&index, "index", 0, "test image to show, or where --wrong starts (0 to 9999)")
	fs.BoolVar(&wrong, "wrong", false, "show misclassified images only")
	fs.IntVar(&count, "count", 10, "how many misclassified images --wrong shows, or --png draws (1 to 10000)")
	fs.StringVar(&pngPath, "png", "", "write a montage of misclassified images to this PNG file")
	fs.StringVar(&data, "data", "", dataHelp)
	if err := parse(fs, args, stdout, viewSummary); err != nil {
		return err
	}
	if err := bounds.Int("count", count, 1, 10000); err != nil {
		return err
	}
	mod, err := checkpoints.Open(m)
	if err != nil {
		return err
	}
	set, err := mod.Dataset.Load(data, "test")
	if err != nil {
		return err
	}
	if err := bounds.Int("index", index, 0, set.Count-1); err != nil {
		return err
	}
	ev, err := mod.Evaluator(graph.DefaultEvalBatch)
	if err != nil {
		return err
	}
	defer ev.Close()
	x := dataset.Floats(set)
	if !wrong && pngPath == "" {
		px := x[index*dataset.Pixels : (index+1)*dataset.Pixels]
		probs, err := ev.Probabilities(px)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "test image %d: label %s, %s\n%s", index, mod.Dataset.Classes[set.Labels[index]], render.Guess(probs, mod.Dataset.Classes), render.Terminal(px))
		return nil
	}
	return viewWrong(ev, x, set.Labels, mod.Dataset.Classes, index, count, wrong, pngPath, stdout)
}

// viewWrong shows (with show) the first count misclassified images from index on, and
// draws them into a montage at pngPath when it is set.
func viewWrong(ev *graph.Evaluator, x []float32, labels []byte, names []string, index, count int, show bool, pngPath string, stdout io.Writer) error {
	probs, err := ev.Probabilities(x)
	if err != nil {
		return err
	}
	var digits [][]float32
	var captions []string
	classes := ev.Classes()
	pred := graph.Argmax(probs, classes)
	for _, i := range report.Mistakes(pred, labels, index, count) {
		px, p := x[i*dataset.Pixels:(i+1)*dataset.Pixels], probs[i*classes:(i+1)*classes]
		digits, captions = append(digits, px), append(captions, fmt.Sprintf("%s -> %s (%.2f)", names[labels[i]], names[pred[i]], p[pred[i]]))
		if show {
			fmt.Fprintf(stdout, "test image %d: label %s, %s\n%s", i, names[labels[i]], render.Guess(p, names), render.Terminal(px))
		}
	}
	if pngPath == "" {
		return nil
	}
	if err := writePNG(pngPath, render.Montage(digits, captions)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d misclassified test images from image %d on\n", pngPath, len(digits), index)
	return nil
}

const predictSummary = `Usage: lenet predict [--checkpoint DIR] [--show] FILE...

Classifies PNG, JPEG or GIF pictures of single digits, of any size and either polarity,
each first made to look like MNIST (ink cropped, scaled to 20 pixels, centred by mass
in 28x28). Prints the guess and the probabilities; --show draws what the network saw.
A digit's guess says "not sure" under the reader's threshold, and "not sure it is a
digit" when the reader's gate finds no writing of digits (a letter, a scribble).
A file it cannot read is said on stderr and the next one read; the exit status is 1
if any was not read.`

func runPredict(_ context.Context, args []string, stdout, stderr io.Writer) error {
	var m checkpoints.Source
	var show bool
	fs := pflag.NewFlagSet("predict", pflag.ContinueOnError)
	registerModel(fs, &m)
	fs.BoolVar(&show, "show", false, "draw the preprocessed 28x28 image in the terminal")
	if err := parseArgs(fs, args, stdout, predictSummary); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		return errors.New("predict: no image files given (see 'lenet predict --help')")
	}
	mod, err := checkpoints.Open(m)
	if err != nil {
		return err
	}
	ev, err := mod.Evaluator(1)
	if err != nil {
		return err
	}
	defer ev.Close()
	var gate *graph.Evaluator // the reader's gate, for a digit model
	if g, err := reader.BuiltinGate(); err != nil {
		return err
	} else if mod.Dataset.Name == dataset.MNIST.Name {
		if gate, err = g.Evaluator(1); err != nil {
			return err
		}
		defer gate.Close()
	}
	failed := 0
	for _, f := range files {
		px, err := preprocess.ReadFile(f, preprocess.FitFor(mod.Dataset))
		if err != nil { // said, and the next file read
			fmt.Fprintf(stderr, "lenet: %v\n", err)
			failed++
			continue
		}
		probs, err := ev.Probabilities(px)
		if err != nil {
			return err
		}
		line := render.Guess(probs, mod.Dataset.Classes)
		if unsure, ok := reader.Unsure(probs); ok && gate != nil {
			line = unsure + "; " + line
		}
		if gate != nil {
			g, err := gate.Probabilities(px)
			if err != nil {
				return err
			}
			if not, ok := reader.NotADigitSaid(g); ok {
				line = not + "; " + line
			}
		}
		fmt.Fprintf(stdout, "%s: %s\n  probabilities %s\n", f, line, render.Probabilities(probs, mod.Dataset.Classes))
		if show {
			fmt.Fprint(stdout, render.Terminal(px))
		}
	}
	if failed > 0 {
		return fmt.Errorf("predict: %d of %d files not read", failed, len(files))
	}
	return nil
}
