package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/lenet/lenet/graph/kernels"
	"github.com/spf13/pflag"
)

const versionSummary = `Usage: lenet version

Prints what a bug report needs: lenet's module version and source revision, the Go
version and platform it was built with, and which code runs the matrix products and
the sigmoid (AVX2/FMA assembly, OpenBLAS or pure Go), and how evaluation computes the
convolutions (directly with AVX-512VL or AVX2/FMA, or as training does).`

func runVersion(_ context.Context, args []string, stdout, _ io.Writer) error {
	fs := pflag.NewFlagSet("version", pflag.ContinueOnError)
	if err := parse(fs, args, stdout, versionSummary); err != nil {
		return err
	}
	version, revision := "unknown", "unknown (not stamped: built by go run or with -buildvcs=false)"
	if info, ok := debug.ReadBuildInfo(); ok {
		version = info.Main.Version // "(devel)" when built from a checkout
		vcs := map[string]string{}
		for _, s := range info.Settings {
			vcs[s.Key] = s.Value
		}
		if r := vcs["vcs.revision"]; r != "" {
			revision = r + " (" + vcs["vcs.time"] + ")"
			if vcs["vcs.modified"] == "true" {
				revision += " with uncommitted changes"
			}
		}
	}
	gemm, sigmoid := kernels.Describe()
	fmt.Fprintf(stdout, "lenet %s\nrevision %s\n%s %s/%s, %d CPUs\nkernels: matrix products %s, sigmoid %s, evaluation's convolutions %s\n",
		version, revision, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), gemm, sigmoid, kernels.DescribeConv())
	return nil
}
