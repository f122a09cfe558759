package graph

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/lenet/lenet/dataset"
	G "gorgonia.org/gorgonia"
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
// gorgonia's tape machine runs one op at a time, so a step uses about one core. An even
// batch is therefore split in two halves, each run by its own machine on its own copy of
// the weights (gorgonia's matmul transposes its operands in place, so two machines must
// not share weight tensors); the halves' gradients are averaged into the first copy,
// Adam updates it, and the second copy is synchronised. The split does not depend on the
// machine, so a seed gives the same results everywhere.
type Trainer struct {
	replicas []*replica
	batch    int
	opt      Optimizer
	solver   G.Solver
	Adam     *AdamSolver // the solver, for its state (nil with another solver, in tests)
}

// replica is one machine training on a share of each batch.
type replica struct {
	n     *net
	vm    G.VM
	p     *Params
	grads []G.ValueGrad
}

// NewTrainer builds the training graphs with their symbolic gradients, tape machines and
// an Adam solver over p. Each step's learning rate follows opt.Schedule from the solver's
// step count, which a resumed run restores with the solver's state.
func NewTrainer(p *Params, batch int, opt Optimizer) (*Trainer, error) {
	a := NewAdamSolver(opt.Adam)
	t, err := newTrainer(p, batch, a)
	if err != nil {
		return nil, err
	}
	t.Adam, t.opt = a, opt
	return t, nil
}

func newTrainer(p *Params, batch int, solver G.Solver) (*Trainer, error) {
	return newTrainerShares(p, batch, solver, 2-batch%2)
}

// newTrainerShares splits each batch into shares equal parts (shares divides batch).
func newTrainerShares(p *Params, batch int, solver G.Solver, shares int) (*Trainer, error) {
	if batch < 1 || shares < 1 || batch%shares != 0 {
		return nil, fmt.Errorf("batch %d in %d shares: expected a positive batch that the shares divide", batch, shares)
	}
	t := &Trainer{batch: batch, solver: solver}
	for i := 0; i < shares; i++ {
		rp := p
		if i > 0 {
			rp = p.Clone()
		}
		n, err := build(rp, batch/shares, true)
		if err != nil {
			return nil, err
		}
		t.replicas = append(t.replicas, &replica{n: n, vm: G.NewTapeMachine(n.g, G.BindDualValues(n.w.Learnables()...)), p: rp, grads: G.NodesToValueGrads(n.w.Learnables())})
	}
	return t, nil
}

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
	defer t.reset()
	if err := t.forwardBackward(x, labels); err != nil {
		return 0, 0, fmt.Errorf("training step: %w", err)
	}
	cost, correct = t.costAndCorrect(labels)
	if math.IsNaN(cost) || math.IsInf(cost, 0) {
		return cost, 0, fmt.Errorf("%w: cost %g", ErrDiverged, cost)
	}
	if err := t.averageGrads(); err != nil {
		return 0, 0, err
	}
	if t.Adam != nil {
		t.Adam.SetLR(t.opt.LR(t.Adam.Steps()))
	}
	if err := t.solver.Step(t.replicas[0].grads); err != nil {
		return 0, 0, fmt.Errorf("adam step: %w", err)
	}
	for _, r := range t.replicas[1:] {
		r.p.CopyFrom(t.replicas[0].p)
	}
	return cost, correct, nil
}

// forwardBackward binds each replica's share of the batch and runs its machine, the
// replicas in parallel: the cost, the logits and the gradients.
func (t *Trainer) forwardBackward(x []float32, labels []byte) error {
	share := t.batch / len(t.replicas)
	errs := make([]error, len(t.replicas))
	var wg sync.WaitGroup
	for i, r := range t.replicas {
		wg.Go(func() {
			if errs[i] = r.n.load(x[i*share*dataset.Pixels:(i+1)*share*dataset.Pixels], labels[i*share:(i+1)*share]); errs[i] == nil {
				errs[i] = r.vm.RunAll()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// costAndCorrect are the batch's mean cost and the images guessed right.
func (t *Trainer) costAndCorrect(labels []byte) (cost float64, correct int) {
	share := t.batch / len(t.replicas)
	for i, r := range t.replicas {
		cost += toFloat64(r.n.cost.Value().Data()) / float64(len(t.replicas))
		correct += countCorrect(r.n.logits.Value().Data(), labels[i*share:(i+1)*share])
	}
	return cost, correct
}

// reset readies the machines for the next step: without Reset the next RunAll
// silently does nothing, and a failed step leaves gradients behind.
func (t *Trainer) reset() {
	for _, r := range t.replicas {
		r.vm.Reset()
		zeroGrads(r.grads)
	}
}

// averageGrads replaces the first replica's gradients by the mean over all replicas:
// each replica's cost is the mean over its share, so their mean is the batch's gradient.
func (t *Trainer) averageGrads() error {
	if len(t.replicas) == 1 {
		return nil
	}
	for k := range t.replicas[0].grads {
		g0, err := t.replicas[0].grads[k].Grad()
		if err != nil {
			return err
		}
		g1, err := t.replicas[1].grads[k].Grad()
		if err != nil {
			return err
		}
		switch a := g0.Data().(type) {
		case []float32:
			for i, b := range g1.Data().([]float32) {
				a[i] = (a[i] + b) * 0.5
			}
		case []float64:
			for i, b := range g1.Data().([]float64) {
				a[i] = (a[i] + b) * 0.5
			}
		}
	}
	return nil
}

// zeroGrads clears gradients a failed or finished step leaves behind (the solver clears
// only those it used).
func zeroGrads(grads []G.ValueGrad) {
	for _, vg := range grads {
		if g, err := vg.Grad(); err == nil && g != nil {
			if d, ok := g.(interface{ Zero() }); ok {
				d.Zero()
			}
		}
	}
}

// Close releases the machines.
func (t *Trainer) Close() error {
	var errs []error
	for _, r := range t.replicas {
		errs = append(errs, r.vm.Close())
	}
	return errors.Join(errs...)
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
