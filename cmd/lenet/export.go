package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/graph"
	"github.com/spf13/pflag"
	"gorgonia.org/tensor"
)

const exportSummary = `Usage: lenet export [--checkpoint DIR] --out DIR [--dtype float32|float64] [--format npy|checkpoint]

Writes a checkpoint's weights (the built-in model's unless --checkpoint names one) as one NumPy .npy file per layer's kernels, weights and
biases (c1_kernels.npy ... f7_biases.npy; shapes and meaning in README.md) and arch.json
(activation and pooling) into a new folder, for NumPy code: checkpoints/numpy_forward.py
classifies MNIST with them, and 'lenet test --npy DIR' evaluates such a folder here.

--format checkpoint writes a checkpoint to share instead: the weights and the manifest
(how the model was trained and what it scored), without the optimiser's state that only
resuming needs (about 190 KB instead of 600 KB).`

func runExport(_ context.Context, args []string, stdout, _ io.Writer) error {
	var m checkpoints.Source
	var out, dtype, format string
	fs := pflag.NewFlagSet("export", pflag.ContinueOnError)
	fs.StringVar(&m.Checkpoint, "checkpoint", "", "checkpoint folder, or a run folder (its best checkpoint) (default: the built-in model)")
	fs.StringVar(&out, "out", "", "new folder for the .npy files (required)")
	fs.StringVar(&dtype, "dtype", "", "float32 or float64 (default: the checkpoint's)")
	fs.StringVar(&format, "format", "npy", "npy (for NumPy) or checkpoint (weights and manifest, no optimiser state)")
	if err := parse(fs, args, stdout, exportSummary); err != nil {
		return err
	}
	if out == "" {
		return errors.New("export: --out DIR is required")
	}
	if format != "npy" && format != "checkpoint" {
		return fmt.Errorf("invalid --format %q (expected npy or checkpoint)", format)
	}
	var dt tensor.Dtype
	if dtype != "" {
		var err error
		if dt, err = graph.ParseDtype(dtype); err != nil {
			return err
		}
	}
	mod, err := checkpoints.Open(m)
	if err != nil {
		return err
	}
	if dtype == "" {
		dt = mod.Params.Dtype
	}
	if format == "checkpoint" {
		if dt != mod.Params.Dtype {
			return fmt.Errorf("--format checkpoint keeps the checkpoint's dtype (%s); --dtype %s is for .npy", mod.Params.Dtype, dtype)
		}
		man := *mod.Manifest
		man.Resume = nil
		if err := checkpoints.Save(out, mod.Params, man, nil); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s: checkpoint (weights and manifest) from %s\n", out, mod.Name)
		return nil
	}
	if err := checkpoints.Export(out, mod.Params, dt); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: 10 .npy files (%s) from %s\n", out, dt, mod.Name)
	return nil
}
