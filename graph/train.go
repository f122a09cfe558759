package graph

import (
	"errors"
	"fmt"
	"math"
	"runtime"

	"github.com/lenet/lenet/dataset"
	"gorgonia.org/tensor"
)

// Adam holds the solver's hyper-parameters (Kingma & Ba 2015, whose defaults are
// lr 1e-3, betas 0.9 and 0.999, epsilon 1e-8).
type Adam struct {
	LR    float64 `json:"lr"`
	Beta1 float64 `json:"beta1"`
	Beta2 float64 `json:"beta2"`
	Eps   float64 `json:"epsilon"`
}

// DefaultAdam is the paper's setting.
var DefaultAdam = Adam{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}

// ErrDiverged reports a cost that is not a finite number.
var ErrDiverged = errors.New("training diverged")

// Optimizer is how a Trainer updates the weights: Adam, its learning rate's schedule over
// the run, and the run's length in steps, which the schedule needs.
type Optimizer struct {
	Adam          Adam
	Schedule      Schedule // the zero Schedule keeps Adam.LR
	StepsPerEpoch int
	Steps         int // in the whole run
}

// LR is the learning rate of step (from 0).
func (o Optimizer) LR(step int) float64 {
	return o.Schedule.LR(o.Adam.LR, step, o.StepsPerEpoch, o.Steps)
}

// Trainer runs training steps of a fixed batch size on Params.
//
// gorgonia's tape machine runs one op at a time, so a step uses about one core. A batch
// is therefore split into shares (Shares), each run by its own machine on its own copy
// of the weights (gorgonia's matmul transposes its operands in place, so two machines
// must not share weight tensors); the shares' gradients are averaged into the first
// copy, summed in share order, Adam updates it, and the other copies are synchronised.
// The shares depend on the batch size only, and a goroutine runs one share or several
// in turn, so a seed gives the same results, bit for bit, on any number of cores.
type Trainer struct {
	replicas []*replica // one per share
	team     *team      // a goroutine per share, or per core if there are fewer
	batch    int
	opt      Optimizer
	Adam     *AdamSolver // the solver, for its state
}

// NewTrainer builds the training graphs with their symbolic gradients, tape machines and
// an Adam solver over p. Each step's learning rate follows opt.Schedule from the solver's
// step count, which a resumed run restores with the solver's state.
func NewTrainer(p *Params, batch int, opt Optimizer) (*Trainer, error) {
	return newTrainerShares(p, batch, opt, Shares(batch))
}

// MinShare is the fewest images a share of a batch of more than 32 holds: below that
// gorgonia's cost per op, paid once per share, outweighs a second core's work.
const MinShare = 16

// Shares is the number of equal parts a training batch is split into, one machine
// each: the most that hold MinShare images or more, and at least 2 for an even batch
// (one for an odd). Batch 32, the default, has 2 shares; 64, 4; 128, 8.
func Shares(batch int) int {
	shares := 2 - batch%2
	for s := batch / MinShare; s > shares; s-- {
		if batch%s == 0 {
			return s
		}
	}
	return shares
}

// newTrainerShares is NewTrainer with each batch split into shares equal parts (shares
// divides batch).
func newTrainerShares(p *Params, batch int, opt Optimizer, shares int) (*Trainer, error) {
	if batch < 1 || shares < 1 || batch%shares != 0 {
		return nil, fmt.Errorf("batch %d in %d shares: expected a positive batch that the shares divide", batch, shares)
	}
	replicas, err := newReplicas(p, shares, batch/shares, trainGraph)
	if err != nil {
		return nil, err
	}
	t := &Trainer{replicas: replicas, batch: batch, opt: opt, Adam: NewAdamSolver(opt.Adam)}
	t.team = newTeam(min(shares, runtime.GOMAXPROCS(0)))
	return t, nil
}

// Idle gives the trainer's goroutines work to do while they wait for each other, in
// small pieces: f does one piece if there is one and reports whether it did
// (augment.Stream.Help is such work); nil takes it away.
func (t *Trainer) Idle(f func() bool) { t.team.setIdle(f) }

// Goroutines is the number of goroutines the trainer computes on.
func (t *Trainer) Goroutines() int { return t.team.n }

// Batch is the trainer's batch size.
func (t *Trainer) Batch() int { return t.batch }

// Step trains on one batch: x holds Batch() images of 784 pixels in [0,1], labels their
// classes. It returns the batch's mean cost and how many images the network got right
// before the update. A cost that is not finite returns ErrDiverged and leaves the
// weights as they were.
func (t *Trainer) Step(x []float32, labels []byte) (cost float64, correct int, err error) {
	if len(labels) != t.batch || len(x) != t.batch*dataset.Pixels {
		return 0, 0, fmt.Errorf("training step: %d images and %d labels (expected %d)", len(x)/dataset.Pixels, len(labels), t.batch)
	}
	defer t.reset(err != nil)
	if err := t.forwardBackward(x, labels); err != nil {
		return 0, 0, fmt.Errorf("training step: %w", err)
	}
	cost, correct = t.costAndCorrect(labels)
	if math.IsNaN(cost) || math.IsInf(cost, 0) {
		return cost, 0, fmt.Errorf("%w: cost %g", ErrDiverged, cost)
	}
	if err := t.update(); err != nil {
		return 0, 0, err
	}
	return cost, correct, nil
}

// update averages the replicas' gradients into the first, takes the Adam step, copies
// the new weights to the other replicas and zeroes the gradients for the next step. All
// of it is element-wise, so it is split into one contiguous range of every tensor per
// goroutine: the same arithmetic, and the same bits, however many goroutines share it.
func (t *Trainer) update() error {
	t.Adam.SetLR(t.opt.LR(t.Adam.Steps()))
	step, err := t.Adam.begin(t.replicas[0].grads)
	if err != nil {
		return err
	}
	grads, err := t.gradsByTensor()
	if err != nil {
		return fmt.Errorf("adam: %w", err)
	}
	weights := make([][]*tensor.Dense, len(t.replicas)) // [replica][tensor]
	for i, r := range t.replicas {
		weights[i] = r.p.Learnables()
	}
	parts := t.team.n
	t.team.run(func(part int) {
		for k, gs := range grads {
			switch gs[0].Dtype() {
			case tensor.Float32:
				updatePart[float32](step, gs, weights, k, parts, part)
			case tensor.Float64:
				updatePart[float64](step, gs, weights, k, parts, part)
			}
		}
	})
	return nil
}

// updatePart is update's work on one part of tensor k: gs are its gradients in the
// replicas, weights every replica's tensors.
func updatePart[T float32 | float64](step adamStep, gs []*tensor.Dense, weights [][]*tensor.Dense, k, parts, part int) {
	n := gs[0].Len()
	lo, hi := part*n/parts, (part+1)*n/parts
	meanInto[T](gs, lo, hi)
	w := weights[0][k].Data().([]T)[lo:hi]
	adamUpdate(step, k, w, gs[0].Data().([]T)[lo:hi], lo)
	for _, other := range weights[1:] {
		copy(other[k].Data().([]T)[lo:hi], w)
	}
	zeroGrads(gs, lo, hi)
}

// gradsByTensor returns the replicas' gradient tensors, [tensor][replica].
func (t *Trainer) gradsByTensor() ([][]*tensor.Dense, error) {
	grads := make([][]*tensor.Dense, len(t.replicas[0].grads))
	for k := range grads {
		for _, r := range t.replicas {
			g, err := r.grads[k].Grad()
			if err != nil {
				return nil, fmt.Errorf("tensor %d has no gradient: %w", k, err)
			}
			grads[k] = append(grads[k], g.(*tensor.Dense))
		}
	}
	return grads, nil
}

// forwardBackward binds each replica's share of the batch and runs its machine, the
// replicas in parallel: the cost, the logits and the gradients.
func (t *Trainer) forwardBackward(x []float32, labels []byte) error {
	share := t.batch / len(t.replicas)
	errs := make([]error, len(t.replicas))
	t.team.run(func(g int) {
		for i := g; i < len(t.replicas); i += t.team.n {
			r := t.replicas[i]
			if errs[i] = r.n.load(x[i*share*dataset.Pixels:(i+1)*share*dataset.Pixels], labels[i*share:(i+1)*share]); errs[i] == nil {
				errs[i] = r.vm.run()
			}
		}
	})
	return errors.Join(errs...)
}

// costAndCorrect are the batch's mean cost and the images guessed right.
func (t *Trainer) costAndCorrect(labels []byte) (cost float64, correct int) {
	share := t.batch / len(t.replicas)
	for i, r := range t.replicas {
		cost += toFloat64(r.n.cost.Value().Data()) / float64(len(t.replicas))
		correct += countCorrect(r.n.logits.Value().Data(), labels[i*share:(i+1)*share], r.n.classes)
	}
	return cost, correct
}

// reset readies the machines for the next step: without Reset the next run silently
// does nothing. A failed step leaves its gradients behind (update zeroes them).
func (t *Trainer) reset(failed bool) {
	for _, r := range t.replicas {
		r.vm.Reset()
	}
	if !failed {
		return
	}
	if grads, err := t.gradsByTensor(); err == nil {
		for _, gs := range grads {
			zeroGrads(gs, 0, gs[0].Len())
		}
	}
}

// meanInto replaces elements lo to hi of gs[0] by their mean over gs, summed in order.
func meanInto[T float32 | float64](gs []*tensor.Dense, lo, hi int) {
	g := gs[0].Data().([]T)[lo:hi]
	if len(gs) == 1 {
		return
	}
	for _, o := range gs[1:] {
		for i, v := range o.Data().([]T)[lo:hi] {
			g[i] += v
		}
	}
	n := T(len(gs))
	if len(gs)&(len(gs)-1) == 0 { // x/2^k and x*(1/2^k) are the same number, rounded alike
		inv := 1 / n
		for i := range g {
			g[i] *= inv
		}
		return
	}
	for i := range g {
		g[i] /= n
	}
}

// zeroGrads zeroes elements lo to hi of the gradients gs, which gorgonia's backward
// pass adds to: the one place gradients are cleared, after each update (and a failed step).
func zeroGrads(gs []*tensor.Dense, lo, hi int) {
	for _, g := range gs {
		switch d := g.Data().(type) {
		case []float32:
			clear(d[lo:hi])
		case []float64:
			clear(d[lo:hi])
		}
	}
}

// Close releases the machines.
func (t *Trainer) Close() error {
	t.team.close()
	return closeReplicas(t.replicas)
}

func toFloat64(v any) float64 {
	switch x := v.(type) {
	case float32:
		return float64(x)
	case float64:
		return x
	}
	return 0
}
