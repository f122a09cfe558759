package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/internal/bounds"
	"github.com/lenet/lenet/render"
	"github.com/lenet/lenet/train"
	"github.com/spf13/pflag"
)

// trainFlags are the train command's flags: the recipe they fill, and the flags that
// need parsing or say how to run it.
type trainFlags struct {
	recipe                 train.Recipe
	opt                    train.Options
	dtype, dataset, resume string
	noAugment              bool
	threads, committee     int
	tune                   checkpoints.Tuning // --from, --images and how they are learnt
	stderr                 io.Writer          // where completeTuning names the pictures left out
}

const trainSummary = `Usage: lenet train [flags]
       lenet train --from MODEL --images DIR [flags]
       lenet train --resume RUN

Trains LeNet-5 (the seed's by default) with Adam on distorted MNIST training images,
scoring the test images every epoch, and saves into the run folder --out a checkpoint
per epoch (links latest and best), metrics.csv and curves.png. Ctrl-C stops at the next
batch with a checkpoint; --resume RUN continues exactly where it stopped.

--from MODEL --images DIR teaches a model (builtin, or a run or checkpoint folder;
every member of a committee) your handwriting: it continues training on the pictures
in DIR (named for their digit, as the draw page saves them: 7-20261206-1.png), mixed
with MNIST training images so that nothing learnt is forgotten, holding out --hold of
each digit's pictures to choose the epoch and to report before and after. The run
folder's model is then used like any other: lenet draw --checkpoint RUN.`

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return trainCommand(ctx, args, stdout, stderr, nil)
}

// trainCommand is the train command; tests pass onBatch to act between batches.
func trainCommand(ctx context.Context, args []string, stdout, stderr io.Writer, onBatch func(epoch, batch int)) error {
	c := trainFlags{recipe: train.DefaultRecipe(), stderr: stderr}
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
	fs.StringVar(&c.dataset, "dataset", r.Dataset.Name, "mnist (handwritten digits), fashion (Fashion-MNIST, Debian's dataset-fashion-mnist), pieces (the reader's verifier data: go run ./internal/tools/tune pieces DIR, then --data DIR) or marks (the reader's gate data: tune marks DIR); the last three are trained without distortions unless a distortion flag is given")
	fs.StringVar(&c.opt.Data, "data", "", dataHelp)
	fs.StringVar(&c.dtype, "dtype", r.Dtype.String(), "arithmetic: float32 or float64")
	fs.IntVar(&r.Limit, "limit", 0, "train on the first N training images only, 0 for all (0 to 60000)")
	fs.IntVar(&r.Val, "val", r.Val, "hold out N training images (drawn by --seed) to choose the best epoch and fit a temperature; 0: the model is the last epoch (0 to 30000)")
	fs.BoolVar(&c.noAugment, "no-augment", false, "train on the images as they are, without distortions")
	registerDistortions(fs, &r.Augment)
	fs.IntVar(&c.threads, "threads", 0, "cores to compute on (sets GOMAXPROCS), 0 for all; the results are the same on any number (0 to 1024)")
	fs.IntVar(&c.opt.Workers, "workers", 0, "goroutines distorting batches besides the training's own, which make them while they would wait; 0 for one per core the training leaves (none on 2 cores) (0 to 256)")
	fs.StringVar(&c.resume, "resume", "", "continue the run in this folder from its latest checkpoint")
	fs.IntVar(&c.committee, "committee", 1, "train a committee of N networks (seeds --seed to --seed+N-1) whose probabilities are averaged (1 to 16)")
	t := train.DefaultTuning
	fs.StringVar(&c.tune.From, "from", "", `continue this model on --images: "builtin", or a run or checkpoint folder (default --epochs `+fmt.Sprint(train.TuneEpochs)+`, --lr `+fmt.Sprint(train.TuneLR)+`)`)
	fs.StringVar(&c.tune.Images, "images", "", "with --from: the folder of your labelled pictures to learn (7-mine.png, the draw page's --save-dir)")
	fs.Float64Var(&c.tune.Hold, "hold", t.Hold, "with --from: the share of each digit's pictures held out to choose the epoch (0.05 to 0.5)")
	fs.IntVar(&c.tune.Copies, "copies", t.Copies, "with --from: how many times an epoch each of your pictures is learnt, distorted anew (1 to 100)")
	fs.IntVar(&c.tune.Mix, "mix", t.Mix, "with --from: MNIST training images mixed in each epoch, so that nothing is forgotten (0 to 60000)")
	if err := parse(fs, args, stdout, trainSummary); err != nil {
		return err
	}
	if err := bounds.Int("threads", c.threads, 0, 1024); err != nil {
		return err
	}
	if c.threads > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(c.threads))
	}
	if c.resume != "" {
		var fixed []string
		fs.Visit(func(f *pflag.Flag) {
			if f.Name != "resume" && f.Name != "workers" && f.Name != "data" && f.Name != "threads" {
				fixed = append(fixed, "--"+f.Name)
			}
		})
		if len(fixed) > 0 {
			return fmt.Errorf("--resume continues a run with its own settings; %v cannot be changed (only --threads, --workers and --data)", fixed)
		}
		job, err := train.Continue(c.resume, c.opt)
		if err != nil {
			return err
		}
		return trainAndPrint(ctx, job, c.resume, stdout, stderr, onBatch)
	}
	if err := c.complete(fs); err != nil {
		return err
	}
	c.opt.Command = strings.TrimSpace("lenet train " + strings.Join(args, " "))
	if c.opt.Out == "" {
		c.opt.Out = filepath.Join("runs", time.Now().Format("20060102-150405"))
	}
	job, err := train.Start(*r, c.committee, c.opt)
	if err != nil {
		return err
	}
	if err := trainAndPrint(ctx, job, c.opt.Out, stdout, stderr, onBatch); err != nil || r.Tune == nil {
		return err
	}
	g, err := train.MeasureGain(c.opt.Out, c.opt.Data)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%v\nuse it: lenet draw --checkpoint %s (or predict, read, test --images with --checkpoint %s)\n", g, c.opt.Out, c.opt.Out)
	return nil
}

// completeTuning makes the recipe continue the --from model on --images: its network,
// arithmetic and committee size, and the tuning defaults of the flags not given.
func (c *trainFlags) completeTuning(fs *pflag.FlagSet) error {
	if c.tune.From == "" && c.tune.Images == "" {
		for _, name := range []string{"hold", "copies", "mix"} {
			if fs.Changed(name) {
				return fmt.Errorf("--%s is for learning pictures: give --from MODEL --images DIR", name)
			}
		}
		return nil
	}
	if c.tune.From == "" || c.tune.Images == "" {
		return errors.New("--from MODEL and --images DIR go together: the model to continue and your pictures")
	}
	for _, name := range []string{"activation", "pool", "dtype", "dataset", "limit", "val", "committee"} {
		if fs.Changed(name) {
			return fmt.Errorf("--%s cannot be given with --from: the model's network, data set and committee are kept, and --hold holds out your pictures", name)
		}
	}
	src, err := train.OpenFrom(c.tune.From)
	if err != nil {
		return err
	}
	_, unread, err := train.UserPictures(c.tune.Images)
	if err != nil {
		return err
	}
	if len(unread) > 0 {
		fmt.Fprintf(c.stderr, "lenet: learning without the pictures in %s it cannot read%s\n", c.tune.Images, train.Unreadable(unread))
	}
	rec := train.TuneRecipe(src, c.tune)
	r := &c.recipe
	r.Arch, r.Dtype, r.Tune = rec.Arch, rec.Dtype, rec.Tune
	if !fs.Changed("epochs") {
		r.Epochs = rec.Epochs
	}
	if !fs.Changed("lr") {
		r.Adam.LR = rec.Adam.LR
	}
	c.committee = max(1, len(src.Members))
	return nil
}

// complete fills the recipe with what the flags give after parsing; train.New checks it.
func (c *trainFlags) complete(fs *pflag.FlagSet) error {
	r := &c.recipe
	for _, f := range [][2]string{{"lr-step-epochs", "step"}, {"lr-gamma", "step"}, {"lr-min", "cosine"}} {
		if fs.Changed(f[0]) && r.Schedule.Kind != f[1] {
			return fmt.Errorf("--%s is for --lr-schedule %s (this run: %s)", f[0], f[1], r.Schedule.Kind)
		}
	}
	r.Schedule, r.ValSeed = r.Schedule.Own(), r.Seed
	var err error
	if r.Dtype, err = graph.ParseDtype(c.dtype); err != nil {
		return err
	}
	if r.Dataset, err = dataset.Lookup(c.dataset); err != nil {
		return fmt.Errorf("invalid --dataset: %w", err)
	}
	r.Arch.Classes = len(r.Dataset.Classes) // one output a class
	distorted := slices.ContainsFunc(distortionFlags, fs.Changed)
	if c.noAugment || (r.Dataset.Name != dataset.MNIST.Name && !distorted) {
		// The digit distortions cost Fashion-MNIST 1.3 points (docs/results.md): its
		// pictures are all upright and scaled alike; the reader's pieces are judged by
		// their place and size. Asked-for distortions still apply.
		r.Augment = augment.Params{}
	}
	return c.completeTuning(fs)
}

// trainAndPrint runs a training job (one network, or a committee's in turn) to its end,
// printing a line per epoch on stdout and a progress bar on stderr when it is a
// terminal; onBatch, for tests, acts between batches.
func trainAndPrint(ctx context.Context, job train.Job, out string, stdout, stderr io.Writer, onBatch func(epoch, batch int)) error {
	defer job.Close()
	finish, lr := func() {}, 0.0
	job.Runs(func(_ int, r *train.Run) {
		finish()
		finish, lr = observe(r, stdout, stderr, onBatch), r.Recipe.Adam.LR
	})
	err := job.Train(ctx)
	finish()
	if err := finished(err, out, lr); err != nil {
		return err
	}
	outcome, err := job.Outcome()
	fmt.Fprintln(stdout, outcome)
	return err
}

// observe prints r's progress: a line an epoch on stdout, a progress bar on stderr;
// finish ends the bar.
func observe(r *train.Run, stdout, stderr io.Writer, onBatch func(epoch, batch int)) (finish func()) {
	rec := r.Recipe
	fmt.Fprintln(stdout, r)
	steps := r.StepsPerEpoch()
	bar := &render.Progress{}
	r.Observe(train.Observer{
		EpochStart: func(epoch, done int) {
			bar = render.NewProgress(stderr, epoch, rec.Epochs, steps*rec.Batch, done*rec.Batch)
		},
		Batch: func(b train.Batch) {
			bar.Update(b.Images, b.Cost, b.Accuracy)
			if onBatch != nil {
				onBatch(b.Epoch, b.Batch)
			}
		},
		Epoch: func(row train.Row) {
			bar.Finish()
			fmt.Fprintln(stdout, row.Line(rec.Epochs))
		},
	})
	return func() { bar.Finish() }
}

// finished explains how a run in out ended, if it did not finish.
func finished(err error, out string, lr float64) error {
	var stop *train.Interrupted
	switch {
	case errors.As(err, &stop):
		return fmt.Errorf("%w; continue with: lenet train --resume %s", err, out)
	case errors.Is(err, graph.ErrDiverged):
		return fmt.Errorf("%w; try a smaller --lr (this run: %g); no checkpoint was written for it", err, lr)
	}
	return err
}
