package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/preprocess"
	"github.com/lenet/lenet/render"
	"github.com/spf13/pflag"
)

const predictSummary = `Usage: lenet predict [--checkpoint DIR] [--show] FILE...

Classifies PNG, JPEG or GIF pictures of single digits, of any size and either polarity
(dark on light or light on dark). Each is turned into what MNIST looks like first: grey
levels, ink bright on dark, cropped to the ink, the longer side scaled to 20 pixels,
placed in 28x28 with its centre of mass at the centre. Prints the guess and the
probabilities; --show also draws the 28x28 image the network saw. With a Fashion-MNIST
model (--dataset fashion) the pictures are of clothes, scaled to fill the 28x28 field.`

func runPredict(_ context.Context, args []string, stdout, _ io.Writer) error {
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
	ev, err := graph.NewEvaluator(mod.Params, 1)
	if err != nil {
		return err
	}
	defer ev.Close()
	for _, f := range files {
		px, err := preprocess.ReadFile(f, preprocess.FitFor(mod.Dataset))
		if err != nil {
			return err
		}
		probs, err := ev.Probabilities(px)
		if err != nil {
			return err
		}
		all := make([]string, len(probs))
		for c, p := range probs {
			all[c] = fmt.Sprintf("%s:%.3f", mod.Dataset.Classes[c], p)
		}
		fmt.Fprintf(stdout, "%s: %s\n  probabilities %s\n", f, render.Guess(probs, mod.Dataset.Classes), strings.Join(all, " "))
		if show {
			fmt.Fprint(stdout, render.Terminal(px))
		}
	}
	return nil
}
