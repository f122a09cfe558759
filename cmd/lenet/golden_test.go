package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/graph/kernels"
)

// goldenRuns are short trainings that between them take every path of a run: each
// distortion (the 1s' flag and the 4s' closed top among them), both share splits of a batch (even and odd),
// float32 and float64, every activation, pool and schedule. The first three name their distortions, so that a
// change of the defaults leaves them as they were.
var goldenRuns = []struct {
	name string
	args []string
}{
	{"seed float32", []string{"--limit", "640", "--epochs", "2", "--shift", "2", "--zoom", "0.1", "--rotate", "10", "--shear", "0", "--thickness", "0", "--blur", "0", "--clean", "0", "--elastic", "34,4", "--noise", "0.1", "--workers", "3"}},
	{"relu max float64 odd batch", []string{"--limit", "340", "--epochs", "2", "--batch", "17", "--activation", "relu", "--pool", "max", "--dtype", "float64", "--lr-schedule", "step", "--lr-step-epochs", "1", "--shift", "2", "--zoom", "0.1", "--rotate", "10", "--shear", "0", "--thickness", "0", "--blur", "0", "--clean", "0", "--workers", "1"}},
	{"tanh constant", []string{"--limit", "320", "--epochs", "1", "--activation", "tanh", "--lr-schedule", "constant", "--lr", "0.003", "--no-augment"}},
	{"default distortions", []string{"--limit", "320", "--epochs", "2", "--workers", "2"}},
	{"flagged 1s, closed 4s", []string{"--limit", "320", "--epochs", "1", "--flag", "1", "--close4", "1", "--workers", "2"}},
}

// TestTrainingUnchanged trains the golden runs and compares the SHA-256 of every weight
// file with testdata/golden-weights.txt: a change to the code that is meant to keep
// what training computes must keep every bit of it (go test -run TrainingUnchanged
// -update rewrites the file, for a change that means to alter the arithmetic). The
// float32 results depend on the kernels' rounding, so they are recorded for the AVX2/FMA
// kernels the default build runs on CI's CPUs.
func TestTrainingUnchanged(t *testing.T) {
	if gemm, sigmoid := kernels.Describe(); gemm != "AVX2/FMA" || sigmoid != "AVX2/FMA" {
		t.Skipf("golden weights are recorded for the AVX2/FMA kernels; this build runs %s products and a %s sigmoid", gemm, sigmoid)
	}
	var got bytes.Buffer
	for _, r := range goldenRuns {
		out := filepath.Join(t.TempDir(), "run")
		var log bytes.Buffer
		if err := trainCommand(context.Background(), append(r.args, "--out", out), &log, &log, nil); err != nil {
			t.Fatalf("%s: %v\n%s", r.name, err, log.String())
		}
		fmt.Fprintf(&got, "# %s: lenet train %s\n", r.name, strings.Join(r.args, " "))
		latest := filepath.Join(out, checkpoints.LatestLink)
		entries, err := os.ReadDir(latest)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries { // the weights and Adam's state; the manifest holds times
			if e.Name() != "manifest.json" {
				data, err := os.ReadFile(filepath.Join(latest, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&got, "%x %s\n", sha256.Sum256(data), e.Name())
			}
		}
	}
	golden := filepath.Join("testdata", "golden-weights.txt")
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("training computes other weights than before:\n%s\nwant (%s):\n%s", got.String(), golden, want)
	}
}
