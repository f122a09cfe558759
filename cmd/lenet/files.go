// The commands that write pictures and files: plot, augment, export, and version.

package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"path/filepath"
	"runtime"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/graph/kernels"
	"github.com/lenet/lenet/internal/atomicfile"
	"github.com/lenet/lenet/internal/bounds"
	"github.com/lenet/lenet/internal/buildinfo"
	"github.com/lenet/lenet/onnx"
	"github.com/lenet/lenet/train"
	"github.com/spf13/pflag"
)

const plotSummary = `Usage: lenet plot --run DIR [--out FILE.png]

Draws a run's cost and accuracy per epoch from DIR/metrics.csv (training draws
DIR/curves.png itself when it ends).`

func runPlot(_ context.Context, args []string, stdout, _ io.Writer) error {
	var dir, out string
	fs := pflag.NewFlagSet("plot", pflag.ContinueOnError)
	fs.StringVar(&dir, "run", "", "run folder holding metrics.csv (required)")
	fs.StringVar(&out, "out", "", "PNG file to write (default RUN/curves.png)")
	if err := parse(fs, args, stdout, plotSummary); err != nil {
		return err
	}
	if dir == "" {
		return errors.New("plot: --run DIR is required")
	}
	if out == "" {
		out = filepath.Join(dir, train.CurvesFile)
	}
	if err := train.Plot(filepath.Join(dir, train.MetricsFile), out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", out)
	return nil
}

const augmentSummary = `Usage: lenet augment --preview FILE.png [flags]

Writes a grid of training images, each followed by distortions of it as train draws
them (same flags, same defaults): what the network is trained on.`

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

const exportSummary = `Usage: lenet export [--checkpoint DIR] --out PATH [--dtype float32|float64] [--format npy|checkpoint|onnx]

Writes a model's weights (the built-in model's by default) into a new folder as one
NumPy .npy file a tensor (c1_kernels.npy ... f7_biases.npy) and arch.json, for NumPy
code such as checkpoints/numpy_forward.py ('lenet test --npy DIR' reads them back); a
committee's members in subfolders, listed with its temperature in committee.json.
--format checkpoint writes a checkpoint to share: weights and manifest, no Adam state.
--format onnx writes one ONNX file (float32) for ONNX Runtime: see docs/onnx.md.`

func runExport(_ context.Context, args []string, stdout, _ io.Writer) error {
	var m checkpoints.Source
	var out, dtype, format string
	fs := pflag.NewFlagSet("export", pflag.ContinueOnError)
	fs.StringVar(&m.Checkpoint, "checkpoint", "", "checkpoint folder, or a run folder (its best checkpoint) (default: the built-in model)")
	fs.StringVar(&out, "out", "", "new folder for the .npy files or checkpoint, or the .onnx file (required)")
	fs.StringVar(&dtype, "dtype", "", "float32 or float64 (default: the checkpoint's)")
	fs.StringVar(&format, "format", "npy", "npy (for NumPy), checkpoint (weights and manifest, no optimiser state) or onnx")
	if err := parse(fs, args, stdout, exportSummary); err != nil {
		return err
	}
	if out == "" {
		return errors.New("export: --out PATH is required")
	}
	if format != "npy" && format != "checkpoint" && format != "onnx" {
		return fmt.Errorf("invalid --format %q (expected npy, checkpoint or onnx)", format)
	}
	dt, err := graph.ParseDtype(cmp.Or(dtype, "float32"))
	if err != nil {
		return err
	}
	mod, err := checkpoints.Open(m)
	if err != nil {
		return err
	}
	if dtype == "" {
		dt = mod.Params.Dtype
	}
	what := map[string]string{"npy": fmt.Sprintf("10 .npy files a network (%s)", dt), "checkpoint": "checkpoint (weights and manifest)",
		"onnx": fmt.Sprintf("ONNX opset %d, input image [N,1,28,28], output probabilities [N,10]", onnx.Opset)}[format]
	switch {
	case format == "onnx" && dtype == "float64":
		return errors.New("--format onnx writes float32 (a float64 model's weights rounded, its probabilities moved by under 1e-5); --dtype float64 is for .npy")
	case format == "onnx":
		err = onnx.Export(out, mod)
	case format == "checkpoint" && dt != mod.Params.Dtype:
		return fmt.Errorf("--format checkpoint keeps the checkpoint's dtype (%s); --dtype %s is for .npy", mod.Params.Dtype, dtype)
	case format == "checkpoint":
		err = checkpoints.Share(out, mod)
	default:
		err = checkpoints.ExportModel(out, mod, dt)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %s from %s\n", out, what, mod.Name)
	return nil
}

const versionSummary = `Usage: lenet version

Prints what a bug report needs: lenet's version and source revision, Go's version and
platform, the kernels it computes with (AVX2/FMA or AVX-512, OpenBLAS or pure Go), and
how its graphs run (gorgonia's RunAll, slower, when built with another gorgonia).`

func runVersion(_ context.Context, args []string, stdout, _ io.Writer) error {
	fs := pflag.NewFlagSet("version", pflag.ContinueOnError)
	if err := parse(fs, args, stdout, versionSummary); err != nil {
		return err
	}
	version, revision := buildinfo.Describe()
	gemm, sigmoid := kernels.Describe()
	fmt.Fprintf(stdout, "lenet %s\nrevision %s\n%s %s/%s, %d CPUs\nkernels: matrix products %s, sigmoid %s, evaluation's convolutions %s\ngraphs run by %s\n",
		version, revision, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), gemm, sigmoid, kernels.DescribeConv(), graph.Runner())
	return nil
}
