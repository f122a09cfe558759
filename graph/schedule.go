package graph

import (
	"fmt"
	"math"
)

// Schedule sets the learning rate of each Adam step.
type Schedule struct {
	Kind       string  `json:"kind"`                  // constant, step or cosine
	StepEpochs int     `json:"step_epochs,omitempty"` // step: multiply by Gamma every StepEpochs epochs
	Gamma      float64 `json:"gamma,omitempty"`
	MinLR      float64 `json:"min_lr,omitempty"` // cosine: the rate it anneals to at the last step
}

// Schedules lists the kinds of Schedule.
var Schedules = []string{"constant", "step", "cosine"}

// Validate checks the schedule's kind and parameters.
func (s Schedule) Validate() error {
	switch s.Kind {
	case "constant":
	case "step":
		if s.StepEpochs < 1 || s.Gamma <= 0 || s.Gamma > 1 {
			return fmt.Errorf("step schedule: every %d epochs times %g (expected at least 1 epoch and 0 < gamma <= 1)", s.StepEpochs, s.Gamma)
		}
	case "cosine":
		if s.MinLR < 0 {
			return fmt.Errorf("cosine schedule: minimum rate %g (expected >= 0)", s.MinLR)
		}
	default:
		return fmt.Errorf("learning-rate schedule %q (expected constant, step or cosine)", s.Kind)
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
