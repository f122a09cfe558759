package main

import (
	"context"
	"fmt"
	"io"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/internal/bounds"
	"github.com/lenet/lenet/render"
	"github.com/spf13/pflag"
)

const viewSummary = `Usage: lenet view [--checkpoint DIR] [--index N | --wrong] [--png FILE]

Shows MNIST test images with the network's guess (the seed's viewtest): --index N draws
test image N in the terminal with its label, the guess and the top 3 probabilities;
--wrong walks through the misclassified images from --index on, --count at a time;
--png FILE writes a montage of mistakes, each captioned "label -> guess (p)".`

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
	ev, err := graph.NewEvaluator(mod.Params, graph.DefaultEvalBatch)
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
func viewWrong(ev *graph.Evaluator, x []float32, labels []byte, names [10]string, index, count int, show bool, pngPath string, stdout io.Writer) error {
	probs, err := ev.Probabilities(x)
	if err != nil {
		return err
	}
	var digits [][]float32
	var captions []string
	pred := graph.Argmax(probs)
	for i := index; i < len(labels) && len(digits) < count; i++ {
		if pred[i] == int(labels[i]) {
			continue
		}
		px, p := x[i*dataset.Pixels:(i+1)*dataset.Pixels], probs[i*dataset.Classes:(i+1)*dataset.Classes]
		digits = append(digits, px)
		captions = append(captions, fmt.Sprintf("%s -> %s (%.2f)", names[labels[i]], names[pred[i]], p[pred[i]]))
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
