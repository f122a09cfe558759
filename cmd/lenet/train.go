package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph/ops"
	"github.com/lenet/lenet/graph/train"
	"github.com/spf13/pflag"
)

// trainFlags are the train command's flags: the recipe they fill, and the flags that
// need parsing or say how to run it.
type trainFlags struct {
	recipe                 train.Recipe
	opt                    train.Options
	dtype, dataset, resume string
	noAugment              bool
	threads                int
	distort                distortFlags
}

const trainSummary = `Usage: lenet train [flags]
       lenet train --resume RUN

Trains LeNet-5 (by default the seed's: sigmoid, average pooling, LeCun's C3 connection
table) with Adam on distorted MNIST training images (or --dataset fashion), evaluates it
on the 10,000 test images after every epoch, and saves into the run folder --out: a
checkpoint per epoch (the links latest and best name the newest and the most accurate),
metrics.csv and curves.png.

Ctrl-C (or SIGTERM) stops at the next batch and saves a checkpoint there;
--resume RUN continues a run exactly where it stopped, with its own settings.`

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return trainCommand(ctx, args, stdout, stderr, nil)
}

// trainCommand is the train command; tests pass onBatch to act between batches.
func trainCommand(ctx context.Context, args []string, stdout, stderr io.Writer, onBatch func(epoch, batch int)) error {
	c := trainFlags{recipe: train.DefaultRecipe()}
	r := &c.recipe
	fs := pflag.NewFlagSet("train", pflag.ContinueOnError)
	fs.IntVar(&r.Epochs, "epochs", r.Epochs, "passes over the training images (1 to 1000)")
	fs.IntVar(&r.Batch, "batch", r.Batch, "images per training step (1 to 60000)")
	fs.Float64Var(&r.Adam.LR, "lr", r.Adam.LR, "Adam learning rate (0 < lr <= 1)")
	fs.Float64Var(&r.Adam.Beta1, "beta1", r.Adam.Beta1, "Adam decay of the gradient mean (0 <= beta1 < 1)")
	fs.Float64Var(&r.Adam.Beta2, "beta2", r.Adam.Beta2, "Adam decay of the squared gradient mean (0 <= beta2 < 1)")
	fs.Float64Var(&r.Adam.Eps, "eps", r.Adam.Eps, "Adam epsilon (0 < eps <= 1)")
	fs.StringVar(&r.Schedule.Kind, "lr-schedule", r.Schedule.Kind, "learning-rate schedule: constant, step or cosine")
	fs.IntVar(&r.Schedule.StepEpochs, "lr-step-epochs", 5, "step schedule: multiply the rate by --lr-gamma every this many epochs")
	fs.Float64Var(&r.Schedule.Gamma, "lr-gamma", 0.5, "step schedule: the factor (0 < gamma <= 1)")
	fs.Float64Var(&r.Schedule.MinLR, "lr-min", 0, "cosine schedule: the rate reached at the last step")
	fs.StringVar(&r.Arch.Activation, "activation", r.Arch.Activation, "nonlinearity after each hidden layer: sigmoid (the seed's), tanh or relu")
	fs.StringVar(&r.Arch.Pool, "pool", r.Arch.Pool, "subsampling after each convolution: avg (the seed's) or max")
	fs.Uint64Var(&r.Seed, "seed", r.Seed, "seeds the weights, the shuffling and the distortions; the same seed repeats a run")
	fs.StringVar(&c.opt.Out, "out", "", "run folder (default runs/YYYYMMDD-HHMMSS)")
	fs.StringVar(&c.dataset, "dataset", r.Dataset.Name, "mnist (handwritten digits) or fashion (Fashion-MNIST, Debian's dataset-fashion-mnist; trained without distortions unless a distortion flag is given)")
	fs.StringVar(&c.opt.Data, "data", "", dataHelp)
	fs.StringVar(&c.dtype, "dtype", r.Dtype.String(), "arithmetic: float32 or float64")
	fs.IntVar(&r.Limit, "limit", 0, "train on the first N training images only, 0 for all (0 to 60000)")
	fs.BoolVar(&c.noAugment, "no-augment", false, "train on the images as they are, without distortions")
	c.distort.register(fs, r.Augment)
	fs.IntVar(&c.threads, "threads", 0, "cores to compute on (sets GOMAXPROCS), 0 for all; the results are the same on any number (0 to 1024)")
	fs.IntVar(&c.opt.Workers, "workers", 0, "goroutines distorting batches besides the training's own, which make them while they would wait; 0 for one per core the training leaves (none on 2 cores) (0 to 256)")
	fs.StringVar(&c.resume, "resume", "", "continue the run in this folder from its latest checkpoint")
	if err := parse(fs, args, stdout, trainSummary); err != nil {
		return err
	}
	if err := intIn("threads", c.threads, 0, 1024); err != nil {
		return err
	}
	if c.threads > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(c.threads))
	}
	if c.resume != "" {
		return c.resumeRun(ctx, fs, stdout, stderr, onBatch)
	}
	if err := c.validate(); err != nil {
		return err
	}
	distortFlagSet := false
	for _, name := range []string{"shift", "zoom", "rotate", "noise", "elastic", "shear", "thickness", "blur", "clean"} {
		distortFlagSet = distortFlagSet || fs.Changed(name)
	}
	if r.Dataset.Name == dataset.Fashion.Name && !distortFlagSet {
		// The digit distortions cost Fashion-MNIST 1.3 points (README, Fashion-MNIST):
		// its pictures are all upright and scaled alike. Asked-for distortions still apply.
		r.Augment = augment.Params{}
	}
	c.opt.Command = strings.TrimSpace("lenet train " + strings.Join(args, " "))
	if c.opt.Out == "" {
		c.opt.Out = filepath.Join("runs", time.Now().Format("20060102-150405"))
	}
	if r.Schedule.Kind != "step" {
		r.Schedule.StepEpochs, r.Schedule.Gamma = 0, 0
	}
	if r.Schedule.Kind != "cosine" {
		r.Schedule.MinLR = 0
	}
	run, err := train.New(*r, c.opt)
	if err != nil {
		return err
	}
	defer run.Close()
	return trainAndPrint(ctx, run, c.opt.Out, stdout, stderr, onBatch)
}

// resumeRun continues the run in --resume with its own recipe; only --workers and
// --data may be given besides.
func (c *trainFlags) resumeRun(ctx context.Context, fs *pflag.FlagSet, stdout, stderr io.Writer, onBatch func(epoch, batch int)) error {
	var fixed []string
	fs.Visit(func(f *pflag.Flag) {
		if f.Name != "resume" && f.Name != "workers" && f.Name != "data" && f.Name != "threads" {
			fixed = append(fixed, "--"+f.Name)
		}
	})
	if len(fixed) > 0 {
		return fmt.Errorf("--resume continues a run with its own settings; %v cannot be changed (only --threads, --workers and --data)", fixed)
	}
	if err := intIn("workers", c.opt.Workers, 0, 256); err != nil {
		return err
	}
	run, err := train.Resume(c.resume, c.opt)
	if err != nil {
		return err
	}
	defer run.Close()
	fmt.Fprintf(stdout, "resuming %s at epoch %d, batch %d\n", c.resume, run.Epoch()+1, run.Batch())
	return trainAndPrint(ctx, run, c.resume, stdout, stderr, onBatch)
}

// validate checks the flags, naming the first that is out of range, and completes the
// recipe with the values that need parsing.
func (c *trainFlags) validate() error {
	r := &c.recipe
	for _, err := range []error{
		intIn("epochs", r.Epochs, 1, 1000),
		intIn("batch", r.Batch, 1, 60000),
		intIn("limit", r.Limit, 0, 60000),
		floatIn("lr", r.Adam.LR, 0, 1, true),
		floatIn("beta1", r.Adam.Beta1, 0, 1-1e-12, false),
		floatIn("beta2", r.Adam.Beta2, 0, 1-1e-12, false),
		floatIn("eps", r.Adam.Eps, 0, 1, true),
		intIn("workers", c.opt.Workers, 0, 256),
		intIn("lr-step-epochs", r.Schedule.StepEpochs, 1, 1000),
		floatIn("lr-gamma", r.Schedule.Gamma, 0, 1, true),
		floatIn("lr-min", r.Schedule.MinLR, 0, r.Adam.LR, false),
	} {
		if err != nil {
			return err
		}
	}
	if !slices.Contains(ops.Activations, r.Arch.Activation) {
		return fmt.Errorf("invalid --activation %q (expected one of %s)", r.Arch.Activation, strings.Join(ops.Activations, ", "))
	}
	if !slices.Contains(ops.Pools, r.Arch.Pool) {
		return fmt.Errorf("invalid --pool %q (expected one of %s)", r.Arch.Pool, strings.Join(ops.Pools, ", "))
	}
	if err := r.Schedule.Validate(); err != nil {
		return fmt.Errorf("invalid --lr-schedule: %w", err)
	}
	var err error
	if r.Augment, err = c.distort.params(); err != nil {
		return err
	}
	if c.noAugment {
		r.Augment = augment.Params{}
	}
	if r.Dtype, err = parseDtype(c.dtype); err != nil {
		return err
	}
	if r.Dataset, err = datasetFlag(c.dataset); err != nil {
		return err
	}
	if r.Limit > 0 && r.Limit < r.Batch {
		return fmt.Errorf("invalid --limit %d: smaller than --batch %d", r.Limit, r.Batch)
	}
	return nil
}

// describe summarises a distortion for the run's first line.
func describe(p augment.Params) string {
	if p.IsZero() {
		return "no distortions"
	}
	d := fmt.Sprintf("distortions shift %g px, zoom %g, rotate %g deg, noise %g, elastic %g,%g",
		p.Shift, p.Zoom, p.Rotate, p.Noise, p.Elastic.Alpha, p.Elastic.Sigma)
	if p.Shear != 0 || p.Thickness != 0 || p.Blur != 0 {
		d += fmt.Sprintf(", shear %g, thickness %g px, blur %g px", p.Shear, p.Thickness, p.Blur)
	}
	if p.Clean != 0 {
		d += fmt.Sprintf("; %g of the images as they are", p.Clean)
	}
	return d
}
