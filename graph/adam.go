package graph

import (
	"fmt"
	"math"

	"github.com/lenet/lenet/graph/kernels"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// AdamSolver is Adam (Kingma & Ba 2015) as a gorgonia Solver whose state can be saved
// and restored, so an interrupted run resumes exactly. It performs the same float
// operations in the same order as gorgonia's AdamSolver (TestAdamMatchesGorgonia checks
// bit equality), which keeps its moment estimates private.
type AdamSolver struct {
	opt  Adam
	step int             // updates made so far
	m, v []*tensor.Dense // first and second moment estimates, one per learnable
}

// NewAdamSolver returns a solver with zero moments.
func NewAdamSolver(opt Adam) *AdamSolver { return &AdamSolver{opt: opt} }

// SetLR changes the learning rate from the next step on (for schedules).
func (s *AdamSolver) SetLR(lr float64) { s.opt.LR = lr }

// Steps is the number of updates made so far.
func (s *AdamSolver) Steps() int { return s.step }

// Step updates every weight from its gradient and zeroes the gradient, as gorgonia's
// solvers do (the Trainer runs the same update, its tensors split among its goroutines):
//
//	m = β1 m + (1-β1) g                 the gradient's running mean
//	v = β2 v + (1-β2) g²                its running uncentred variance
//	w -= lr (m / (1-β1^t)) / (sqrt(v / (1-β2^t)) + ε)   bias-corrected update
func (s *AdamSolver) Step(model []G.ValueGrad) error {
	step, err := s.begin(model)
	if err != nil {
		return err
	}
	for i, n := range model {
		g, err := n.Grad()
		if err != nil {
			return fmt.Errorf("adam: tensor %d has no gradient: %w", i, err)
		}
		gd, ok := g.(*tensor.Dense)
		if !ok {
			return fmt.Errorf("adam: gradient %d of type %T, expected a dense tensor", i, g)
		}
		switch wd := n.Value().(*tensor.Dense).Data().(type) {
		case []float32:
			adamUpdate(step, i, wd, gd.Data().([]float32), 0)
		case []float64:
			adamUpdate(step, i, wd, gd.Data().([]float64), 0)
		default:
			return fmt.Errorf("adam: unsupported dtype %T", wd)
		}
		zeroGrads([]*tensor.Dense{gd}, 0, gd.Len())
	}
	return nil
}

// adamStep is one update's settings: Step's work is begin, then adamUpdate on every
// tensor, whole or in parts (the Trainer splits it among its goroutines).
type adamStep struct {
	s            *AdamSolver
	corr1, corr2 float64 // 1-β1^t and 1-β2^t, what the bias corrections divide by
}

// begin counts a step and readies the state for model's tensors.
func (s *AdamSolver) begin(model []G.ValueGrad) (adamStep, error) {
	if s.m == nil {
		for _, n := range model {
			w, ok := n.Value().(*tensor.Dense)
			if !ok {
				return adamStep{}, fmt.Errorf("adam: weight of type %T, expected a dense tensor", n.Value())
			}
			s.m = append(s.m, tensor.New(tensor.Of(w.Dtype()), tensor.WithShape(w.Shape().Clone()...)))
			s.v = append(s.v, tensor.New(tensor.Of(w.Dtype()), tensor.WithShape(w.Shape().Clone()...)))
		}
	}
	if len(model) != len(s.m) {
		return adamStep{}, fmt.Errorf("adam: %d tensors, the state holds %d", len(model), len(s.m))
	}
	for i, n := range model {
		if w, ok := n.Value().(*tensor.Dense); !ok || w.Dtype() != s.m[i].Dtype() || w.Len() != s.m[i].Len() {
			return adamStep{}, fmt.Errorf("adam: tensor %d is not the %v %v the state holds", i, s.m[i].Dtype(), s.m[i].Shape())
		}
	}
	s.step++
	return adamStep{s: s, corr1: 1 - math.Pow(s.opt.Beta1, float64(s.step)), corr2: 1 - math.Pow(s.opt.Beta2, float64(s.step))}, nil
}

// adamUpdate updates the elements of tensor k from off on: w and g are those elements
// of the weights and the gradient.
func adamUpdate[T float32 | float64](st adamStep, k int, w, g []T, off int) {
	s := st.s
	switch w := any(w).(type) {
	case []float32:
		adam32(w, any(g).([]float32), s.m[k].Data().([]float32)[off:off+len(w)], s.v[k].Data().([]float32)[off:off+len(w)], s.opt, float32(1)/float32(st.corr1), float32(1)/float32(st.corr2))
	case []float64:
		adam64(w, any(g).([]float64), s.m[k].Data().([]float64)[off:off+len(w)], s.v[k].Data().([]float64)[off:off+len(w)], s.opt, 1/st.corr1, 1/st.corr2)
	}
}

// adam32 and adam64 update w, m and v in place from g; explicit conversions keep
// the compiler from fusing multiply-adds, so results match gorgonia's solver exactly.
// adam32 is kernels.Adam32 (eight elements at a time where the CPU has AVX2).
func adam32(w, g, m, v []float32, o Adam, corr1, corr2 float32) {
	kernels.Adam32(w, g, m, v, kernels.AdamStep32{
		Beta1: float32(o.Beta1), OneMinusBeta1: float32(1) - float32(o.Beta1),
		Beta2: float32(o.Beta2), OneMinusBeta2: float32(1) - float32(o.Beta2),
		Corr1: corr1, Corr2: corr2, NegLR: -float32(o.LR), Eps: float32(o.Eps)})
}

func adam64(w, g, m, v []float64, o Adam, corr1, corr2 float64) {
	omb1, omb2 := 1-o.Beta1, 1-o.Beta2
	for i, gi := range g {
		m[i] = float64(m[i]*o.Beta1) + float64(gi*omb1)
		v[i] = float64(v[i]*o.Beta2) + float64(float64(gi*gi)*omb2)
		vh := math.Sqrt(float64(v[i]*corr2)) + o.Eps
		w[i] += float64(float64(m[i]*corr1)*-o.LR) / vh
	}
}

// State returns the step count and the moment tensors (nil before the first step), in
// Layout order; they are the solver's own, not copies.
func (s *AdamSolver) State() (step int, m, v []*tensor.Dense) { return s.step, s.m, s.v }

// SetState restores a state saved from State.
func (s *AdamSolver) SetState(step int, m, v []*tensor.Dense) error {
	if len(m) != len(v) {
		return fmt.Errorf("adam state: %d first and %d second moments", len(m), len(v))
	}
	s.step, s.m, s.v = step, m, v
	return nil
}
