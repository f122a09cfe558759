package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/lenet/lenet/checkpoints"
	"github.com/spf13/pflag"
	"gorgonia.org/tensor"
)

const exportSummary = `Usage: lenet export --checkpoint DIR --out DIR [--dtype float32|float64]

Writes a checkpoint's weights as one NumPy .npy file per layer's kernels, weights and
biases (c1_kernels.npy ... f7_biases.npy; shapes and meaning in README.md) into a new
folder, for NumPy code: checkpoints/numpy_forward.py classifies MNIST with them, and
'lenet test --npy DIR' evaluates such a folder here.`

func runExport(_ context.Context, args []string, stdout, _ io.Writer) error {
	var m modelFlags
	var out, dtype string
	fs := pflag.NewFlagSet("export", pflag.ContinueOnError)
	fs.StringVar(&m.checkpoint, "checkpoint", "", "checkpoint folder, or a run folder (its best checkpoint) (required)")
	fs.StringVar(&out, "out", "", "new folder for the .npy files (required)")
	fs.StringVar(&dtype, "dtype", "", "float32 or float64 (default: the checkpoint's)")
	if err := parse(fs, args, stdout, exportSummary); err != nil {
		return err
	}
	if m.checkpoint == "" || out == "" {
		return errors.New("export: --checkpoint DIR and --out DIR are required")
	}
	var dt tensor.Dtype
	if dtype != "" {
		var err error
		if dt, err = parseDtype(dtype); err != nil {
			return err
		}
	}
	mod, err := m.load()
	if err != nil {
		return err
	}
	if dtype == "" {
		dt = mod.params.Dtype
	}
	if err := checkpoints.Export(out, mod.params, dt); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: 10 .npy files (%s) from %s\n", out, dt, mod.name)
	return nil
}
