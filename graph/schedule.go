package graph

import (
	"fmt"
	"math"

	"github.com/lenet/lenet/internal/bounds"
)

// Schedule sets the learning rate of each Adam step.
type Schedule struct {
	Kind       string  `json:"kind"`                  // constant, step or cosine
	StepEpochs int     `json:"step_epochs,omitempty"` // step: multiply by Gamma every StepEpochs epochs
	Gamma      float64 `json:"gamma,omitempty"`
	MinLR      float64 `json:"min_lr,omitempty"` // cosine: the rate it anneals to at the last step
}

// Validate checks the schedule's kind and its settings for a run starting at rate base,
// naming each by its lenet train flag; settings of the other kinds must be zero.
func (s Schedule) Validate(base float64) error {
	switch s.Kind {
	case "constant", "step", "cosine":
	default:
		return fmt.Errorf("invalid --lr-schedule %q (expected constant, step or cosine)", s.Kind)
	}
	if s.Kind == "step" {
		return bounds.First(bounds.Int("lr-step-epochs", s.StepEpochs, 1, 1000), bounds.Float("lr-gamma", s.Gamma, 0, 1, true), unused("lr-min", s.MinLR, "cosine"))
	}
	if s.Kind == "cosine" {
		return bounds.First(bounds.Float("lr-min", s.MinLR, 0, base, false), unused("lr-step-epochs", float64(s.StepEpochs), "step"), unused("lr-gamma", s.Gamma, "step"))
	}
	return bounds.First(unused("lr-min", s.MinLR, "cosine"), unused("lr-step-epochs", float64(s.StepEpochs), "step"), unused("lr-gamma", s.Gamma, "step"))
}

// Own is s without the settings of the other kinds (lenet train's flags give every
// kind's defaults).
func (s Schedule) Own() Schedule {
	switch s.Kind {
	case "step":
		return Schedule{Kind: s.Kind, StepEpochs: s.StepEpochs, Gamma: s.Gamma}
	case "cosine":
		return Schedule{Kind: s.Kind, MinLR: s.MinLR}
	}
	return Schedule{Kind: s.Kind}
}

// unused refuses a setting of another schedule than the one chosen.
func unused(name string, v float64, kind string) error {
	if v != 0 {
		return fmt.Errorf("invalid --%s %g: only --lr-schedule %s takes it", name, v, kind)
	}
	return nil
}

// LR is the learning rate for step (counting from 0) of a run of total steps, with
// stepsPerEpoch steps an epoch, starting from base. Cosine annealing (Loshchilov &
// Hutter 2017) goes from base at step 0 to MinLR at the last step.
func (s Schedule) LR(base float64, step, stepsPerEpoch, total int) float64 {
	switch s.Kind {
	case "step":
		return base * math.Pow(s.Gamma, float64(step/stepsPerEpoch/s.StepEpochs))
	case "cosine":
		if total <= 1 {
			return base
		}
		return s.MinLR + (base-s.MinLR)*(1+math.Cos(math.Pi*float64(step)/float64(total-1)))/2
	}
	return base
}
