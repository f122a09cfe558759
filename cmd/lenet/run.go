package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
)

// trainRun is one training run: its data, model, solver and progress.
type trainRun struct {
	c                 trainConfig
	trainSet, testSet *dataset.Set
	testX             []float32
	p                 *graph.Params
	tr                *graph.Trainer
	ev                *graph.Evaluator
	man               checkpoints.Manifest // Arch and Hyper, shared by every checkpoint
	rows              []metricsRow
	// Where training stands: epochs completed, batches of the next one done, and that
	// partial epoch's sums.
	epoch, batch int
	costSum      float64
	correct      int
	seconds      float64
	best         float64
	bestEpoch    int
}

// resumePoint is a loaded checkpoint to continue from.
type resumePoint struct {
	p    *graph.Params
	m    *checkpoints.Manifest
	adam *checkpoints.AdamState
}

func newRun(c trainConfig, from *resumePoint) (*trainRun, error) {
	dir, err := dataDirFor(c.ds, c.data)
	if err != nil {
		return nil, err
	}
	r := &trainRun{c: c, best: -1}
	if r.trainSet, err = dataset.Load(dir, "train"); err != nil {
		return nil, err
	}
	r.trainSet = r.trainSet.Limit(c.limit)
	if r.testSet, err = dataset.Load(dir, "test"); err != nil {
		return nil, err
	}
	if r.trainSet.Count < c.batch {
		return nil, fmt.Errorf("invalid --batch %d: larger than the %d training images", c.batch, r.trainSet.Count)
	}
	r.testX = dataset.Floats(r.testSet)
	sums := &checkpoints.DataSums{Train: r.trainSet.Checksum(), Test: r.testSet.Checksum()}
	if from != nil && from.m.Hyper.DataSHA256 != nil && *from.m.Hyper.DataSHA256 != *sums {
		return nil, fmt.Errorf("resume %s: the %s data in %s are not the data the run was trained on (their checksums differ)", c.out, c.ds.Title, dir)
	}
	r.man = checkpoints.Manifest{Arch: c.arch, Hyper: checkpoints.Hyper{
		Epochs: c.epochs, Batch: c.batch, Adam: c.adam, Seed: c.seed, Limit: c.limit, Data: c.data, DataSHA256: sums,
		Augment: c.augment, Schedule: c.schedule, Dataset: c.ds.Name}, Command: c.command}
	if from == nil {
		dtype, _ := parseDtype(c.dtype)
		if r.p, err = graph.NewArchParams(c.arch, dtype, c.seed); err != nil {
			return nil, err
		}
	} else {
		r.p = from.p
		res := from.m.Resume
		r.epoch, r.batch, r.costSum, r.correct, r.seconds = from.m.Epoch, res.Batch, res.CostSum, res.Correct, res.Seconds
		r.best, r.bestEpoch = res.Best, res.BestEpoch
		if r.rows, err = readMetrics(filepath.Join(c.out, metricsFile), r.epoch); err != nil {
			return nil, err
		}
	}
	if r.tr, err = graph.NewTrainer(r.p, c.batch, c.adam); err != nil {
		return nil, err
	}
	if from != nil && from.adam != nil {
		if err := r.tr.Adam.SetState(from.m.Resume.AdamSteps, from.adam.M, from.adam.V); err != nil {
			return nil, err
		}
	}
	if r.ev, err = graph.NewEvaluator(r.p, graph.DefaultEvalBatch); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *trainRun) close() {
	r.tr.Close()
	if r.ev != nil {
		r.ev.Close()
	}
}

// train runs the remaining epochs, printing a line and saving a checkpoint after each;
// on cancellation it saves where it stopped and says how to resume.
func (r *trainRun) train(ctx context.Context, stdout, stderr io.Writer) error {
	c := r.c
	fmt.Fprintf(stdout, "training %v on %d %s images, batch %d, %s, Adam lr %g (%s), seed %d, %s; run folder %s\n",
		c.arch, r.trainSet.Count, c.ds.Title, c.batch, c.dtype, c.adam.LR, c.schedule.Kind, c.seed, describe(c.augment), c.out)
	steps := r.trainSet.Count / c.batch
	for r.epoch < c.epochs {
		epoch := r.epoch + 1
		start := time.Now()
		if err := r.trainEpoch(ctx, epoch, steps, stderr); err != nil {
			r.seconds += time.Since(start).Seconds()
			return r.stopped(epoch, steps, err)
		}
		row := metricsRow{Epoch: epoch, TrainCost: r.costSum / float64(steps), TrainAccuracy: float64(r.correct) / float64(steps*c.batch), LR: r.lr(epoch*steps - 1)}
		var err error
		if row.TestAccuracy, err = accuracy(r.ev, r.testX, r.testSet.Labels); err != nil {
			return err
		}
		row.Seconds = r.seconds + time.Since(start).Seconds()
		r.rows = append(r.rows, row)
		fmt.Fprintf(stdout, "epoch %2d/%d  cost %.4f  train %6.2f%%  test %6.2f%%  %5.1f s\n",
			epoch, c.epochs, row.TrainCost, 100*row.TrainAccuracy, 100*row.TestAccuracy, row.Seconds)
		isBest := row.TestAccuracy > r.best
		if isBest {
			r.best, r.bestEpoch = row.TestAccuracy, epoch
		}
		r.epoch, r.batch, r.costSum, r.correct, r.seconds = epoch, 0, 0, 0, 0
		if err := r.save(row, isBest); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "best test accuracy %.2f%% (epoch %d); checkpoints %s and %s\n", 100*r.best, r.bestEpoch,
		filepath.Join(c.out, checkpoints.BestLink), filepath.Join(c.out, checkpoints.LatestLink))
	return plotRun(c.out)
}

// trainEpoch trains the batches of epoch from r.batch on, adding to r's sums.
func (r *trainRun) trainEpoch(ctx context.Context, epoch, steps int, stderr io.Writer) error {
	c := r.c
	st, err := augment.NewStream(ctx, r.trainSet, augment.Config{
		Batch: c.batch, Seed: c.seed, Epoch: epoch, Start: r.batch, Workers: c.workers, Distort: &c.augment})
	if err != nil {
		return err
	}
	defer st.Close()
	bar := newProgress(stderr, epoch, c.epochs, steps*c.batch, r.batch*c.batch)
	defer bar.finish()
	for r.batch < steps {
		if ctx.Err() != nil {
			return errInterrupted
		}
		b, err := st.Next()
		if err != nil {
			if ctx.Err() != nil {
				return errInterrupted
			}
			return err
		}
		r.tr.Adam.SetLR(r.lr((epoch-1)*steps + r.batch))
		cost, ok, err := r.tr.Step(b.X, b.Labels)
		if errors.Is(err, graph.ErrDiverged) {
			return fmt.Errorf("epoch %d, batch %d: %w; try a smaller --lr (this run: %g); no checkpoint was written for it",
				epoch, r.batch+1, err, c.adam.LR)
		}
		if err != nil {
			return fmt.Errorf("epoch %d, batch %d: %w", epoch, r.batch+1, err)
		}
		r.batch++
		r.costSum += cost
		r.correct += ok
		bar.update(c.batch, r.costSum/float64(r.batch), float64(r.correct)/float64(r.batch*c.batch))
		if c.onBatch != nil {
			c.onBatch(epoch, r.batch)
		}
	}
	return nil
}

// lr is the learning rate of global step (from 0).
func (r *trainRun) lr(step int) float64 {
	steps := r.trainSet.Count / r.c.batch
	return r.c.schedule.LR(r.c.adam.LR, step, steps, steps*r.c.epochs)
}

// stopped handles an epoch that ended early: an interrupt saves a checkpoint where
// training stands, anything else is returned as it is.
func (r *trainRun) stopped(epoch, steps int, err error) error {
	if !errors.Is(err, errInterrupted) {
		return err
	}
	if r.batch > 0 { // at an epoch's start the latest checkpoint already says where we stand
		if err := r.save(metricsRow{}, false); err != nil {
			return fmt.Errorf("interrupted, and saving failed: %w", err)
		}
	}
	return fmt.Errorf("interrupted in epoch %d after batch %d of %d; saved %s; continue with: lenet train --resume %s",
		epoch, r.batch, steps, filepath.Join(r.c.out, checkpoints.LatestLink), r.c.out)
}

// save writes a checkpoint of where training stands (with row's metrics at an epoch's
// end), metrics.csv, and moves the links.
func (r *trainRun) save(row metricsRow, isBest bool) error {
	m := r.man
	m.Epoch = r.epoch
	m.Metrics = checkpoints.Metrics{TrainCost: row.TrainCost, TrainAccuracy: row.TrainAccuracy, TestAccuracy: row.TestAccuracy, Seconds: row.Seconds}
	steps, mm, vv := r.tr.Adam.State()
	m.Resume = &checkpoints.Resume{Batch: r.batch, AdamSteps: steps, CostSum: r.costSum, Correct: r.correct,
		Seconds: r.seconds, Best: r.best, BestEpoch: r.bestEpoch}
	var adam *checkpoints.AdamState
	if mm != nil {
		adam = &checkpoints.AdamState{M: mm, V: vv}
	}
	if err := writeMetrics(filepath.Join(r.c.out, metricsFile), r.rows); err != nil {
		return err
	}
	return checkpoints.SaveEpoch(r.c.out, r.p, m, adam, isBest)
}
