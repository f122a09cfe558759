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
	"github.com/spf13/pflag"
)

// trainConfig holds the train command's flags.
type trainConfig struct {
	epochs, batch, limit, workers int
	adam                          graph.Adam
	seed                          uint64
	out, data, dtype              string
	noAugment                     bool
	distort                       distortFlags
	augment                       augment.Params // from distort, zero with --no-augment
}

// defaultDistort is the distortion train applies unless told otherwise.
var defaultDistort = augment.Params{Shift: 2, Zoom: 0.1, Rotate: 10}

const trainSummary = `Usage: lenet train [flags]

Trains the seed LeNet-5 (sigmoid, average pooling, LeCun's C3 connection table) with
Adam on the MNIST training images, evaluates it on the 10,000 test images after every
epoch, and saves checkpoints into --out: epoch folders and the links latest and best.`

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := trainConfig{adam: graph.DefaultAdam}
	fs := pflag.NewFlagSet("train", pflag.ContinueOnError)
	fs.IntVar(&c.epochs, "epochs", 20, "passes over the training images (1 to 1000)")
	fs.IntVar(&c.batch, "batch", 32, "images per training step (1 to 60000)")
	fs.Float64Var(&c.adam.LR, "lr", c.adam.LR, "Adam learning rate (0 < lr <= 1)")
	fs.Float64Var(&c.adam.Beta1, "beta1", c.adam.Beta1, "Adam decay of the gradient mean (0 <= beta1 < 1)")
	fs.Float64Var(&c.adam.Beta2, "beta2", c.adam.Beta2, "Adam decay of the squared gradient mean (0 <= beta2 < 1)")
	fs.Float64Var(&c.adam.Eps, "eps", c.adam.Eps, "Adam epsilon (0 < eps <= 1)")
	fs.Uint64Var(&c.seed, "seed", 1, "seeds the weights and the shuffling; the same seed repeats a run")
	fs.StringVar(&c.out, "out", "", "run folder for checkpoints (default runs/YYYYMMDD-HHMMSS)")
	fs.StringVar(&c.data, "data", "", "folder with the MNIST IDX files, .gz or raw (default: the copy in the Go module cache)")
	fs.StringVar(&c.dtype, "dtype", "float32", "arithmetic: float32 or float64")
	fs.IntVar(&c.limit, "limit", 0, "train on the first N training images only, 0 for all (0 to 60000)")
	fs.BoolVar(&c.noAugment, "no-augment", false, "train on the images as they are, without distortions")
	c.distort.register(fs, defaultDistort)
	fs.IntVar(&c.workers, "workers", 0, "goroutines preparing batches, 0 for one per core (0 to 256)")
	if err := parse(fs, args, stdout, trainSummary); err != nil {
		return err
	}
	if err := c.validate(); err != nil {
		return err
	}
	if c.out == "" {
		c.out = filepath.Join("runs", time.Now().Format("20060102-150405"))
	}
	return train(ctx, c, stdout)
}

func (c *trainConfig) validate() error {
	for _, err := range []error{
		intIn("epochs", c.epochs, 1, 1000),
		intIn("batch", c.batch, 1, 60000),
		intIn("limit", c.limit, 0, 60000),
		floatIn("lr", c.adam.LR, 0, 1, true),
		floatIn("beta1", c.adam.Beta1, 0, 1-1e-12, false),
		floatIn("beta2", c.adam.Beta2, 0, 1-1e-12, false),
		floatIn("eps", c.adam.Eps, 0, 1, true),
		intIn("workers", c.workers, 0, 256),
	} {
		if err != nil {
			return err
		}
	}
	var err error
	if c.augment, err = c.distort.params(); err != nil {
		return err
	}
	if c.noAugment {
		c.augment = augment.Params{}
	}
	if _, err := parseDtype(c.dtype); err != nil {
		return err
	}
	if c.limit > 0 && c.limit < c.batch {
		return fmt.Errorf("invalid --limit %d: smaller than --batch %d", c.limit, c.batch)
	}
	return nil
}

// train runs the epochs, printing one line each and saving a checkpoint after each.
func train(ctx context.Context, c trainConfig, stdout io.Writer) error {
	if err := checkpoints.PrepareRun(c.out); err != nil {
		return err // before the data loads: fail fast
	}
	dir, err := dataDir(c.data)
	if err != nil {
		return err
	}
	trainSet, err := dataset.Load(dir, "train")
	if err != nil {
		return err
	}
	trainSet = trainSet.Limit(c.limit)
	testSet, err := dataset.Load(dir, "test")
	if err != nil {
		return err
	}
	if trainSet.Count < c.batch {
		return fmt.Errorf("invalid --batch %d: larger than the %d training images", c.batch, trainSet.Count)
	}
	dtype, _ := parseDtype(c.dtype)
	p, err := graph.NewParams(dtype, c.seed)
	if err != nil {
		return err
	}
	tr, err := graph.NewTrainer(p, c.batch, c.adam)
	if err != nil {
		return err
	}
	defer tr.Close()
	ev, err := graph.NewEvaluator(p, graph.DefaultEvalBatch)
	if err != nil {
		return err
	}
	defer ev.Close()
	fmt.Fprintf(stdout, "training LeNet-5 (seed) on %d images, batch %d, %s, Adam lr %g, seed %d, %s; checkpoints in %s\n",
		trainSet.Count, c.batch, c.dtype, c.adam.LR, c.seed, describe(c.augment), c.out)
	testX := images(testSet)
	manifest := checkpoints.Manifest{Arch: graph.SeedArch, Hyper: checkpoints.Hyper{
		Epochs: c.epochs, Batch: c.batch, Adam: c.adam, Seed: c.seed, Limit: c.limit, Data: dir, Augment: c.augment}}
	best := -1.0
	for epoch := 1; epoch <= c.epochs; epoch++ {
		start := time.Now()
		m, err := trainEpoch(ctx, tr, trainSet, augment.Config{
			Batch: c.batch, Seed: c.seed, Epoch: epoch, Workers: c.workers, Distort: &c.augment})
		if err != nil {
			return fmt.Errorf("%w; the last completed checkpoint is %s", err, filepath.Join(c.out, checkpoints.LatestLink))
		}
		if m.TestAccuracy, err = accuracy(ev, testX, testSet.Labels); err != nil {
			return err
		}
		m.Seconds = time.Since(start).Seconds()
		fmt.Fprintf(stdout, "epoch %2d/%d  cost %.4f  train %6.2f%%  test %6.2f%%  %5.1f s\n",
			epoch, c.epochs, m.TrainCost, 100*m.TrainAccuracy, 100*m.TestAccuracy, m.Seconds)
		manifest.Epoch, manifest.Metrics = epoch, m
		if err := checkpoints.SaveEpoch(c.out, epoch, p, manifest, m.TestAccuracy > best); err != nil {
			return err
		}
		best = max(best, m.TestAccuracy)
	}
	fmt.Fprintf(stdout, "best test accuracy %.2f%%; checkpoints %s and %s\n", 100*best,
		filepath.Join(c.out, checkpoints.BestLink), filepath.Join(c.out, checkpoints.LatestLink))
	return nil
}

// trainEpoch takes one pass over s in full batches streamed (and distorted) as sc says;
// the images left over after the last full batch wait for a later epoch's shuffle. It
// returns the mean cost and accuracy over the batches it trained on.
func trainEpoch(ctx context.Context, tr *graph.Trainer, s *dataset.Set, sc augment.Config) (checkpoints.Metrics, error) {
	var m checkpoints.Metrics
	st, err := augment.NewStream(ctx, s, sc)
	if err != nil {
		return m, err
	}
	defer st.Close()
	correct := 0
	for done := 0; ; done++ {
		b, err := st.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return m, fmt.Errorf("interrupted in epoch %d after batch %d of %d: %w", sc.Epoch, done, st.Steps(), err)
		}
		cost, ok, err := tr.Step(b.X, b.Labels)
		if err != nil {
			return m, fmt.Errorf("epoch %d, batch %d: %w", sc.Epoch, b.Index, err)
		}
		m.TrainCost += cost / float64(st.Steps())
		correct += ok
	}
	m.TrainAccuracy = float64(correct) / float64(st.Steps()*sc.Batch)
	return m, nil
}

// describe summarises a distortion for the run's first line.
func describe(p augment.Params) string {
	if p.IsZero() {
		return "no distortions"
	}
	return fmt.Sprintf("distortions shift %g px, zoom %g, rotate %g deg, noise %g, elastic %g,%g",
		p.Shift, p.Zoom, p.Rotate, p.Noise, p.Elastic.Alpha, p.Elastic.Sigma)
}

// accuracy is the fraction of images in x the network classifies as labels says.
func accuracy(ev *graph.Evaluator, x []float32, labels []byte) (float64, error) {
	pred, err := ev.Predict(x)
	if err != nil {
		return 0, err
	}
	right := 0
	for i, p := range pred {
		if p == int(labels[i]) {
			right++
		}
	}
	return float64(right) / float64(len(labels)), nil
}
