package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/internal/atomicfile"
	"github.com/lenet/lenet/internal/bounds"
	"github.com/lenet/lenet/train"
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
	distort := train.DefaultRecipe().Augment
	fs := pflag.NewFlagSet("augment", pflag.ContinueOnError)
	fs.StringVar(&out, "preview", "", "PNG file to write (required)")
	fs.IntVar(&rows, "rows", 8, "training images shown, one per row (1 to 100)")
	fs.IntVar(&cols, "cols", 8, "distortions shown per image (1 to 50)")
	fs.Uint64Var(&seed, "seed", 1, "seeds which images are shown and their distortions")
	fs.StringVar(&data, "data", "", "folder with the MNIST IDX files, .gz or raw (default: the copy in the Go module cache)")
	registerDistortions(fs, &distort)
	if err := parse(fs, args, stdout, augmentSummary); err != nil {
		return err
	}
	if out == "" {
		return errors.New("augment: --preview FILE.png is required")
	}
	if err := bounds.First(bounds.Int("rows", rows, 1, 100), bounds.Int("cols", cols, 1, 50), distort.Validate()); err != nil {
		return err
	}
	s, err := dataset.MNIST.Load(data, "train")
	if err != nil {
		return err
	}
	img := augment.Preview(s, distort, seed, rows, cols)
	if err := writePNG(out, img); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d training images, each followed by %d distortions (%s)\n", out, rows, cols, distort)
	return nil
}

// writePNG writes img to path whole or not at all.
func writePNG(path string, img image.Image) error {
	return atomicfile.WriteFile(path, func(w io.Writer) error { return png.Encode(w, img) })
}
