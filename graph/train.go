package graph

import (
	"errors"
	"fmt"
	"math"

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

// Trainer runs training steps of a fixed batch size on Params.
type Trainer struct {
	n      *net
	vm     G.VM
	solver G.Solver
	grads  []G.ValueGrad
	Adam   *AdamSolver // the solver, for its state and learning rate
}

// NewTrainer builds the training graph with its symbolic gradients, a tape machine and
// an Adam solver over p.
func NewTrainer(p *Params, batch int, opt Adam) (*Trainer, error) {
	a := NewAdamSolver(opt)
	t, err := newTrainer(p, batch, a)
	if err != nil {
		return nil, err
	}
	t.Adam = a
	return t, nil
}

func newTrainer(p *Params, batch int, solver G.Solver) (*Trainer, error) {
	n, err := build(p, batch, true)
	if err != nil {
		return nil, err
	}
	return &Trainer{
		n:      n,
		vm:     G.NewTapeMachine(n.g, G.BindDualValues(n.learn...)),
		solver: solver,
		grads:  G.NodesToValueGrads(n.learn),
	}, nil
}

// Batch is the trainer's batch size.
func (t *Trainer) Batch() int { return t.n.batch }

// Step trains on one batch: x holds Batch() images of 784 pixels in [0,1], labels their
// classes. It returns the batch's mean cost and how many images the network got right
// before the update. A cost that is not finite returns ErrDiverged and leaves the
// weights as they were.
func (t *Trainer) Step(x []float32, labels []byte) (cost float64, correct int, err error) {
	if err := t.n.load(x, labels); err != nil {
		return 0, 0, err
	}
	defer t.vm.Reset() // without it the next RunAll silently does nothing
	if err := t.vm.RunAll(); err != nil {
		return 0, 0, fmt.Errorf("training step: %w", err)
	}
	cost = toFloat64(t.n.cost.Value().Data())
	if math.IsNaN(cost) || math.IsInf(cost, 0) {
		return cost, 0, fmt.Errorf("%w: cost %g", ErrDiverged, cost)
	}
	correct = countCorrect(t.n.logits.Value().Data(), labels)
	if err := t.solver.Step(t.grads); err != nil {
		return 0, 0, fmt.Errorf("adam step: %w", err)
	}
	return cost, correct, nil
}

// Close releases the machine.
func (t *Trainer) Close() error { return t.vm.Close() }

func toFloat64(v any) float64 {
	switch x := v.(type) {
	case float32:
		return float64(x)
	case float64:
		return x
	}
	return 0
}
