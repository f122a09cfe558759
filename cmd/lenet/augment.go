package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph/train"
	"github.com/spf13/pflag"
)

const augmentSummary = `Usage: lenet augment --preview FILE.png [flags]

Writes a grid of training images: each row starts with an original and goes on with
distortions of it as train would draw them (same flags, same defaults), so you can see
what the network is trained on. Digits are drawn dark on light, enlarged 3 times.`

func runAugment(_ context.Context, args []string, stdout, _ io.Writer) error {
	var out, data string
	var rows, cols int
	var seed uint64
	var distort distortFlags
	fs := pflag.NewFlagSet("augment", pflag.ContinueOnError)
	fs.StringVar(&out, "preview", "", "PNG file to write (required)")
	fs.IntVar(&rows, "rows", 8, "training images shown, one per row (1 to 100)")
	fs.IntVar(&cols, "cols", 8, "distortions shown per image (1 to 50)")
	fs.Uint64Var(&seed, "seed", 1, "seeds which images are shown and their distortions")
	fs.StringVar(&data, "data", "", "folder with the MNIST IDX files, .gz or raw (default: the copy in the Go module cache)")
	distort.register(fs, train.DefaultRecipe().Augment)
	if err := parse(fs, args, stdout, augmentSummary); err != nil {
		return err
	}
	if out == "" {
		return errors.New("augment: --preview FILE.png is required")
	}
	if err := errors.Join(intIn("rows", rows, 1, 100), intIn("cols", cols, 1, 50)); err != nil {
		return err
	}
	p, err := distort.params()
	if err != nil {
		return err
	}
	dir, err := dataDir(data)
	if err != nil {
		return err
	}
	s, err := dataset.Load(dir, "train")
	if err != nil {
		return err
	}
	img := augment.Preview(s, p, seed, rows, cols)
	if err := writePNG(out, img); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d training images, each followed by %d distortions (%s)\n", out, rows, cols, describe(p))
	return nil
}

// writePNG writes img to path whole or not at all.
func writePNG(path string, img image.Image) error {
	return checkpoints.WriteFile(path, func(w io.Writer) error { return png.Encode(w, img) })
}
