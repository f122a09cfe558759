package train

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/internal/bounds"
	"github.com/lenet/lenet/report"
)

// Options are how a run is carried out, beyond what it computes (the Recipe).
type Options struct {
	Out     string // the run folder; a new run needs one that holds no run yet
	Data    string // a folder holding the data set's files; "" finds them (dataset.Dataset.Dir)
	Workers int    // goroutines distorting batches besides the trainer's own; 0 is one per core the trainer leaves
	Command string // the command line that started the run, for the manifests
	// pictures are a tuning run's pictures, read once for all of a committee's members
	// (preprocessing a folder of phone photos takes seconds); nil reads them.
	pictures *dataset.Set
}

// validate refuses options no run can use.
func (o Options) validate() error { return bounds.Int("workers", o.Workers, 0, 256) }

// Observer is told how a run progresses; each func is optional and called from Train's
// goroutine.
type Observer struct {
	EpochStart func(epoch, batchesDone int) // before an epoch's first remaining batch
	Batch      func(b Batch)                // after every step
	Epoch      func(r Row)                  // after an epoch is evaluated and saved
}

// Batch is where a run stands after a step: the epoch's running cost and accuracy.
type Batch struct {
	Epoch, Batch   int // the batch just trained, from 1
	Images         int // in it
	Cost, Accuracy float64
}

// Interrupted is Train's error when its context was cancelled: the run saved a
// checkpoint where it stopped and Resume continues from there.
type Interrupted struct {
	Epoch, Batch, Steps int    // stopped after Batch of Steps batches of Epoch
	Saved               string // the checkpoint written
}

func (e *Interrupted) Error() string {
	return fmt.Sprintf("interrupted in epoch %d after batch %d of %d; saved %s", e.Epoch, e.Batch, e.Steps, e.Saved)
}

// Run is one training run: its data, weights, trainer and where it stands.
type Run struct {
	Recipe            Recipe
	opt               Options
	optim             graph.Optimizer // Adam, its schedule and the run's length
	obs               Observer
	TrainSet, TestSet *dataset.Set
	ValSet            *dataset.Set // the held-out training images; nil for none
	Params            *graph.Params
	tr                *graph.Trainer
	ev                *graph.Evaluator
	man               checkpoints.Manifest // the recipe's part of every checkpoint
	rows              []Row
	steps             int // batches an epoch
	// Where training stands: epochs completed, batches of the next one done, and that
	// partial epoch's sums.
	epoch, batch int
	costSum      float64
	correct      int
	seconds      float64
	best         float64 // the lowest validation cost so far
	bestEpoch    int
}

// New starts a run of r in o.Out: it checks the folder, loads the data and draws the
// initial weights from r.Seed.
func New(r Recipe, o Options) (*Run, error) {
	if err := bounds.First(r.Validate(), o.validate()); err != nil {
		return nil, err
	}
	if err := checkpoints.PrepareRun(o.Out); err != nil {
		return nil, err // before the data loads: fail fast
	}
	var p *graph.Params
	var err error
	if r.Tune != nil {
		p, err = tunedStart(r)
	} else {
		p, err = graph.NewArchParams(r.Arch, r.Dtype, r.Seed)
	}
	if err != nil {
		return nil, err
	}
	return newRun(r, o, p, nil)
}

// Resume continues the run in dir from its latest checkpoint, with the recipe its
// manifest records; o.Out is dir.
func Resume(dir string, o Options) (*Run, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	latest := filepath.Join(dir, checkpoints.LatestLink)
	p, m, err := checkpoints.Load(latest)
	if err != nil {
		return nil, fmt.Errorf("resume %s: %w", dir, err)
	}
	adam, err := checkpoints.LoadAdam(latest, m, p.Dtype)
	if err != nil {
		return nil, fmt.Errorf("resume %s: %w", dir, err)
	}
	r, err := recipeOf(m, p.Dtype)
	if err != nil {
		return nil, fmt.Errorf("resume %s: %w", dir, err)
	}
	if m.Epoch >= r.Epochs {
		return nil, fmt.Errorf("resume %s: the run already finished its %d epochs", dir, r.Epochs)
	}
	o.Out, o.Command = dir, m.Command
	if o.Data == "" {
		o.Data = m.Hyper.Data // a folder the run was given, if any
	}
	return newRun(r, o, p, &resumePoint{m: m, adam: adam})
}

// resumePoint is a loaded checkpoint to continue from.
type resumePoint struct {
	m    *checkpoints.Manifest
	adam *checkpoints.AdamState
}

func newRun(rec Recipe, o Options, p *graph.Params, from *resumePoint) (*Run, error) {
	dir := o.Data
	var err error
	if dir == "" {
		if dir, err = rec.Dataset.Dir(); err != nil {
			return nil, err
		}
	}
	r := &Run{Recipe: rec, opt: o, Params: p}
	s, err := loadSets(rec, dir, o.pictures)
	if err != nil {
		return nil, err
	}
	r.TrainSet, r.ValSet, r.TestSet = s.train, s.val, s.test
	held := s.held
	if r.TrainSet.Count < rec.Batch {
		return nil, fmt.Errorf("batch %d: larger than the %d training images", rec.Batch, r.TrainSet.Count)
	}
	r.steps = r.TrainSet.Count / rec.Batch
	// The images trained on; held-out ones are recorded by index.
	sums := &checkpoints.DataSums{Train: r.TrainSet.Checksum(), Test: r.TestSet.Checksum()}
	if from != nil && from.m.Hyper.DataSHA256 != nil && *from.m.Hyper.DataSHA256 != *sums {
		return nil, fmt.Errorf("resume %s: the %s data in %s are not the data the run was trained on (their checksums differ)", o.Out, rec.Dataset.Title, dir)
	}
	r.man = rec.manifest()
	r.man.Hyper.Data, r.man.Hyper.DataSHA256, r.man.Command = o.Data, sums, o.Command
	if r.ValSet != nil {
		r.man.Hyper.Validation = &checkpoints.Validation{Count: r.ValSet.Count, Seed: rec.ValSeed, Images: joinInts(held)}
	}
	if from != nil {
		res := from.m.Resume
		r.epoch, r.batch, r.costSum, r.correct, r.seconds = from.m.Epoch, res.Batch, res.CostSum, res.Correct, res.Seconds
		r.best, r.bestEpoch = res.Best, res.BestEpoch
		if r.rows, err = ReadMetrics(filepath.Join(o.Out, MetricsFile), r.epoch); err != nil {
			return nil, err
		}
	}
	r.optim = graph.Optimizer{Adam: rec.Adam, Schedule: rec.Schedule, StepsPerEpoch: r.steps, Steps: r.steps * rec.Epochs}
	if r.tr, err = graph.NewTrainer(p, rec.Batch, r.optim); err != nil {
		return nil, err
	}
	if from != nil && from.adam != nil {
		if err := r.tr.Adam.SetState(from.m.Resume.AdamSteps, from.adam.M, from.adam.V); err != nil {
			r.Close()
			return nil, err
		}
	}
	if r.ev, err = graph.NewEvaluator(p, graph.DefaultEvalBatch); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// Close releases the machines.
func (r *Run) Close() {
	r.tr.Close()
	if r.ev != nil {
		r.ev.Close()
	}
}

// Observe makes o the run's observer.
func (r *Run) Observe(o Observer) { r.obs = o }

// Epoch and Batch say where the run stands: epochs completed, and batches done of the
// next one.
func (r *Run) Epoch() int { return r.epoch }
func (r *Run) Batch() int { return r.batch }

// StepsPerEpoch is the number of batches an epoch trains.
func (r *Run) StepsPerEpoch() int { return r.steps }

// Best is the epoch that is the run's model so far (0 before the first) and its row:
// the one of the highest validation accuracy, or the last with no validation images.
func (r *Run) Best() (Row, int) {
	if r.bestEpoch == 0 || r.bestEpoch > len(r.rows) {
		return Row{}, 0
	}
	return r.rows[r.bestEpoch-1], r.bestEpoch
}

// Train runs the remaining epochs, evaluating the weights on the test images and saving
// a checkpoint and metrics.csv after each, and draws curves.png at the end. When ctx is cancelled it stops at the next
// batch, saves a checkpoint there and returns an *Interrupted.
func (r *Run) Train(ctx context.Context) error {
	for r.epoch < r.Recipe.Epochs {
		epoch := r.epoch + 1
		start := time.Now()
		if err := r.trainEpoch(ctx, epoch); err != nil {
			r.seconds += time.Since(start).Seconds()
			return r.stopped(epoch, err)
		}
		row := Row{Epoch: epoch, TrainCost: r.costSum / float64(r.steps), TrainAccuracy: float64(r.correct) / float64(r.steps*r.Recipe.Batch),
			LR: r.optim.LR(epoch*r.steps - 1)}
		var err error
		if row.TestAccuracy, _, err = r.score(r.TestSet); err != nil {
			return err
		}
		isBest, temperature := true, 0.0 // with no validation images, the last epoch
		if r.ValSet != nil {
			var probs []float64
			if row.ValAccuracy, probs, err = r.score(r.ValSet); err != nil {
				return err
			}
			row.ValCost = report.NLL(probs, r.ValSet.Labels, 1)
			// The validation cost chooses: the accuracy of a few thousand images moves
			// by single images between late epochs, the cost by every image's margin.
			isBest = r.bestEpoch == 0 || row.ValCost < r.best
			if t := r.Recipe.Tune; t != nil {
				temperature = t.Temperature
			} else {
				temperature = Temperature(probs, r.ValSet.Labels)
			}
		}
		row.Seconds = r.seconds + time.Since(start).Seconds()
		r.rows = append(r.rows, row)
		if isBest {
			r.best, r.bestEpoch = row.ValCost, epoch
		}
		r.epoch, r.batch, r.costSum, r.correct, r.seconds = epoch, 0, 0, 0, 0
		if err := r.save(row, isBest, temperature); err != nil {
			return err
		}
		if r.obs.Epoch != nil {
			r.obs.Epoch(row)
		}
	}
	return Plot(filepath.Join(r.opt.Out, MetricsFile), filepath.Join(r.opt.Out, CurvesFile))
}

// trainEpoch trains the batches of epoch from r.batch on, adding to r's sums.
func (r *Run) trainEpoch(ctx context.Context, epoch int) error {
	rec := r.Recipe
	workers := r.opt.Workers
	if workers == 0 { // the cores the trainer leaves; on 2 cores, none
		if workers = runtime.GOMAXPROCS(0) - r.tr.Goroutines(); workers <= 0 {
			workers = augment.Helped
		}
	}
	st, err := augment.NewStream(ctx, r.TrainSet, augment.Config{
		Batch: rec.Batch, Seed: rec.Seed, Epoch: epoch, Start: r.batch, Workers: workers, Distort: &rec.Augment})
	if err != nil {
		return err
	}
	defer st.Close()
	// The trainer's goroutines make batches while they wait for each other.
	r.tr.Idle(st.Help)
	defer r.tr.Idle(nil)
	if r.obs.EpochStart != nil {
		r.obs.EpochStart(epoch, r.batch)
	}
	for r.batch < r.steps {
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
		cost, ok, err := r.tr.Step(b.X, b.Labels)
		if err != nil {
			return fmt.Errorf("epoch %d, batch %d: %w", epoch, r.batch+1, err)
		}
		r.batch++
		r.costSum += cost
		r.correct += ok
		if r.obs.Batch != nil {
			r.obs.Batch(Batch{Epoch: epoch, Batch: r.batch, Images: rec.Batch,
				Cost: r.costSum / float64(r.batch), Accuracy: float64(r.correct) / float64(r.batch*rec.Batch)})
		}
	}
	return nil
}

var errInterrupted = errors.New("interrupted")

// stopped handles an epoch that ended early: an interrupt saves a checkpoint where
// training stands, anything else is returned as it is.
func (r *Run) stopped(epoch int, err error) error {
	if !errors.Is(err, errInterrupted) {
		return err
	}
	if r.batch > 0 { // at an epoch's start the latest checkpoint already says where we stand
		if err := r.save(Row{}, false, 0); err != nil {
			return fmt.Errorf("interrupted, and saving failed: %w", err)
		}
	}
	return &Interrupted{Epoch: epoch, Batch: r.batch, Steps: r.steps, Saved: filepath.Join(r.opt.Out, checkpoints.LatestLink)}
}

// save writes a checkpoint of where training stands (with row's metrics and the
// temperature fitted at an epoch's end), metrics.csv, and moves the links.
func (r *Run) save(row Row, isBest bool, temperature float64) error {
	m := r.man
	m.Epoch, m.Temperature = r.epoch, temperature
	m.Metrics = checkpoints.Metrics{TrainCost: row.TrainCost, TrainAccuracy: row.TrainAccuracy, ValCost: row.ValCost, ValAccuracy: row.ValAccuracy, TestAccuracy: row.TestAccuracy, Seconds: row.Seconds}
	steps, mm, vv := r.tr.Adam.State()
	m.Resume = &checkpoints.Resume{Batch: r.batch, AdamSteps: steps, CostSum: r.costSum, Correct: r.correct,
		Seconds: r.seconds, Best: r.best, BestEpoch: r.bestEpoch}
	var adam *checkpoints.AdamState
	if mm != nil {
		adam = &checkpoints.AdamState{M: mm, V: vv}
	}
	if err := WriteMetrics(filepath.Join(r.opt.Out, MetricsFile), r.rows); err != nil {
		return err
	}
	return checkpoints.SaveEpoch(r.opt.Out, r.Params, m, adam, isBest)
}

// score is the fraction of s's images the network classifies right, and its
// probabilities.
func (r *Run) score(s *dataset.Set) (float64, []float64, error) {
	probs, err := r.ev.SetProbabilities(s)
	if err != nil {
		return 0, nil, err
	}
	return report.Tally(graph.Argmax(probs, r.ev.Classes()), s.Labels, 0, s.Count).Accuracy, probs, nil
}

// Temperature is the temperature fitted on the held-out images' probs when it
// calibrates unseen images better: fitted on each half of them, it must lower the
// negative log-likelihood of the other half; it is then fitted on all of them. 0 is
// none.
func Temperature(probs []float64, labels []byte) float64 {
	h := len(labels) / 2
	if h == 0 {
		return 0
	}
	cut := len(probs) / len(labels) * h // a row of probabilities a label
	a, b := probs[:cut], probs[cut:]
	la, lb := labels[:h], labels[h:]
	if report.NLL(b, lb, report.FitTemperature(a, la)) >= report.NLL(b, lb, 1) ||
		report.NLL(a, la, report.FitTemperature(b, lb)) >= report.NLL(a, la, 1) {
		return 0
	}
	return report.FitTemperature(probs, labels)
}

// joinInts writes idx as decimal numbers separated by spaces.
func joinInts(idx []int) string {
	b := make([]byte, 0, 6*len(idx))
	for i, v := range idx {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendInt(b, int64(v), 10)
	}
	return string(b)
}
