package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/spf13/pflag"
)

const testSummary = `Usage: lenet test --checkpoint DIR [flags]

Prints a saved model's accuracy on the 10,000 MNIST test images, and on the first
and the last 5,000 of them (the seed's two halves). DIR is a checkpoint folder, or a
run folder, whose best checkpoint is used. With any distortion flag it also scores a
distorted copy of the test set (fixed by --seed), to show how the model copes with
digits that are not centred and sized like MNIST's.`

func runTest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var ckpt, data string
	var seed uint64
	var distort distortFlags
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	fs.StringVar(&ckpt, "checkpoint", "", "checkpoint folder, or a run folder (its best checkpoint) (required)")
	fs.StringVar(&data, "data", "", "folder with the MNIST IDX files, .gz or raw (default: the copy in the Go module cache)")
	distort.register(fs, augment.Params{})
	fs.Uint64Var(&seed, "seed", 1, "seeds the distorted copy of the test set")
	if err := parse(fs, args, stdout, testSummary); err != nil {
		return err
	}
	dp, err := distort.params()
	if err != nil {
		return err
	}
	if ckpt == "" {
		return errors.New("test: --checkpoint DIR is required")
	}
	dir, err := checkpoints.Resolve(ckpt)
	if err != nil {
		return err
	}
	p, m, err := checkpoints.Load(dir)
	if err != nil {
		return err
	}
	ddir, err := dataDir(data)
	if err != nil {
		return err
	}
	testSet, err := dataset.Load(ddir, "test")
	if err != nil {
		return err
	}
	ev, err := graph.NewEvaluator(p, graph.DefaultEvalBatch)
	if err != nil {
		return err
	}
	defer ev.Close()
	pred, err := ev.Predict(images(testSet))
	if err != nil {
		return err
	}
	half := testSet.Count / 2
	fmt.Fprintf(stdout, "checkpoint %s: epoch %d, %s, batch %d, seed %d\n", dir, m.Epoch, m.Dtype, m.Hyper.Batch, m.Hyper.Seed)
	fmt.Fprintf(stdout, "test accuracy %s\n", score(pred, testSet.Labels, 0, testSet.Count))
	fmt.Fprintf(stdout, "  first %d: %s\n", half, score(pred, testSet.Labels, 0, half))
	fmt.Fprintf(stdout, "  last %d:  %s\n", testSet.Count-half, score(pred, testSet.Labels, half, testSet.Count))
	if dp.IsZero() {
		return nil
	}
	if pred, err = ev.Predict(augment.DistortAll(testSet, dp, seed)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "distorted copy (%s, seed %d): %s\n", describe(dp), seed, score(pred, testSet.Labels, 0, testSet.Count))
	return nil
}

// score formats the accuracy of pred on records [lo, hi).
func score(pred []int, labels []byte, lo, hi int) string {
	right := 0
	for i := lo; i < hi; i++ {
		if pred[i] == int(labels[i]) {
			right++
		}
	}
	return fmt.Sprintf("%.2f%% (%d/%d)", 100*float64(right)/float64(hi-lo), right, hi-lo)
}
