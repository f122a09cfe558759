package graph

import (
	"fmt"
	"math"

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

// Step updates every weight from its gradient and zeroes the gradient:
//
//	m = β1 m + (1-β1) g                 the gradient's running mean
//	v = β2 v + (1-β2) g²                its running uncentred variance
//	w -= lr (m / (1-β1^t)) / (sqrt(v / (1-β2^t)) + ε)   bias-corrected update
func (s *AdamSolver) Step(model []G.ValueGrad) error {
	if s.m == nil {
		for _, n := range model {
			w, ok := n.Value().(*tensor.Dense)
			if !ok {
				return fmt.Errorf("adam: weight of type %T, expected a dense tensor", n.Value())
			}
			s.m = append(s.m, tensor.New(tensor.Of(w.Dtype()), tensor.WithShape(w.Shape().Clone()...)))
			s.v = append(s.v, tensor.New(tensor.Of(w.Dtype()), tensor.WithShape(w.Shape().Clone()...)))
		}
	}
	if len(model) != len(s.m) {
		return fmt.Errorf("adam: %d tensors, the state holds %d", len(model), len(s.m))
	}
	s.step++
	c1 := 1 - math.Pow(s.opt.Beta1, float64(s.step))
	c2 := 1 - math.Pow(s.opt.Beta2, float64(s.step))
	for i, n := range model {
		g, err := n.Grad()
		if err != nil {
			return fmt.Errorf("adam: tensor %d has no gradient: %w", i, err)
		}
		w, gd := n.Value().(*tensor.Dense), g.(*tensor.Dense)
		switch wd := w.Data().(type) {
		case []float32:
			adam32(wd, gd.Data().([]float32), s.m[i].Data().([]float32), s.v[i].Data().([]float32), s.opt, float32(1)/float32(c1), float32(1)/float32(c2))
		case []float64:
			adam64(wd, gd.Data().([]float64), s.m[i].Data().([]float64), s.v[i].Data().([]float64), s.opt, 1/c1, 1/c2)
		default:
			return fmt.Errorf("adam: unsupported dtype %v", w.Dtype())
		}
	}
	return nil
}

// adam32 and adam64 update w, m and v in place and zero g; explicit conversions keep
// the compiler from fusing multiply-adds, so results match gorgonia's solver exactly.
func adam32(w, g, m, v []float32, o Adam, corr1, corr2 float32) {
	b1, b2, omb1, omb2 := float32(o.Beta1), float32(o.Beta2), float32(1)-float32(o.Beta1), float32(1)-float32(o.Beta2)
	eps, negLR := float32(o.Eps), -float32(o.LR)
	for i, gi := range g {
		m[i] = float32(m[i]*b1) + float32(gi*omb1)
		v[i] = float32(v[i]*b2) + float32(float32(gi*gi)*omb2)
		vh := float32(math.Sqrt(float64(float32(v[i]*corr2)))) + eps
		w[i] += float32(float32(m[i]*corr1)*negLR) / vh
		g[i] = 0
	}
}

func adam64(w, g, m, v []float64, o Adam, corr1, corr2 float64) {
	omb1, omb2 := 1-o.Beta1, 1-o.Beta2
	for i, gi := range g {
		m[i] = float64(m[i]*o.Beta1) + float64(gi*omb1)
		v[i] = float64(v[i]*o.Beta2) + float64(float64(gi*gi)*omb2)
		vh := math.Sqrt(float64(v[i]*corr2)) + o.Eps
		w[i] += float64(float64(m[i]*corr1)*-o.LR) / vh
		g[i] = 0
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
