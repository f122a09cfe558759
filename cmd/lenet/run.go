package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/train"
)

// trainAndPrint runs a training run to its end, printing a line per epoch on stdout and
// a progress bar on stderr when it is a terminal; onBatch, for tests, acts between batches.
func trainAndPrint(ctx context.Context, r *train.Run, out string, stdout, stderr io.Writer, onBatch func(epoch, batch int)) error {
	rec := r.Recipe
	fmt.Fprintf(stdout, "training %v on %d %s images, batch %d, %s, Adam lr %g (%s), seed %d, %s; run folder %s\n",
		rec.Arch, r.TrainSet.Count, rec.Dataset.Title, rec.Batch, rec.Dtype, rec.Adam.LR, rec.Schedule.Kind, rec.Seed, rec.Augment, out)
	steps := r.StepsPerEpoch()
	bar := &progress{}
	defer func() { bar.finish() }()
	r.Observe(train.Observer{
		EpochStart: func(epoch, done int) {
			bar = newProgress(stderr, epoch, rec.Epochs, steps*rec.Batch, done*rec.Batch)
		},
		Batch: func(b train.Batch) {
			bar.update(b.Images, b.Cost, b.Accuracy)
			if onBatch != nil {
				onBatch(b.Epoch, b.Batch)
			}
		},
		Epoch: func(row train.Row) {
			bar.finish()
			fmt.Fprintf(stdout, "epoch %2d/%d  cost %.4f  train %6.2f%%  test %6.2f%%  %5.1f s\n",
				row.Epoch, rec.Epochs, row.TrainCost, 100*row.TrainAccuracy, 100*row.TestAccuracy, row.Seconds)
		},
	})
	err := r.Train(ctx)
	var stop *train.Interrupted
	switch {
	case errors.As(err, &stop):
		return fmt.Errorf("%w; continue with: lenet train --resume %s", err, out)
	case errors.Is(err, graph.ErrDiverged):
		return fmt.Errorf("%w; try a smaller --lr (this run: %g); no checkpoint was written for it", err, rec.Adam.LR)
	case err != nil:
		return err
	}
	best, epoch := r.Best()
	fmt.Fprintf(stdout, "best test accuracy %.2f%% (epoch %d); checkpoints %s and %s\n", 100*best, epoch,
		filepath.Join(out, checkpoints.BestLink), filepath.Join(out, checkpoints.LatestLink))
	return nil
}
