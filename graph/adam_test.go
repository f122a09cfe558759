package graph

import (
	"slices"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestAdamMatchesGorgonia trains two copies of the model for 6 steps, one with
// AdamSolver and one with gorgonia's AdamSolver: the weights must be bit-identical.
func TestAdamMatchesGorgonia(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		opt := Adam{LR: 3e-3, Beta1: 0.8, Beta2: 0.99, Eps: 1e-7}
		ours, _ := NewParams(dt, 5)
		theirs, _ := NewParams(dt, 5)
		a, err := NewTrainer(ours, 8, opt)
		if err != nil {
			t.Fatal(err)
		}
		b, err := newTrainer(theirs, 8, G.NewAdamSolver(G.WithLearnRate(opt.LR), G.WithBeta1(opt.Beta1), G.WithBeta2(opt.Beta2), G.WithEps(opt.Eps)))
		if err != nil {
			t.Fatal(err)
		}
		for step := 0; step < 6; step++ {
			x, y := randomImages(8, uint64(step))
			if _, _, err := a.Step(x, y); err != nil {
				t.Fatal(err)
			}
			if _, _, err := b.Step(x, y); err != nil {
				t.Fatal(err)
			}
		}
		a.Close()
		b.Close()
		moved := false
		for i := range ours.T {
			w, _ := NewParams(dt, 5)
			switch d := ours.T[i].Data().(type) {
			case []float32:
				if !slices.Equal(d, theirs.T[i].Data().([]float32)) {
					t.Fatalf("%v %s: weights differ from gorgonia's Adam", dt, Layout[i].Name)
				}
				moved = moved || !slices.Equal(d, w.T[i].Data().([]float32))
			case []float64:
				if !slices.Equal(d, theirs.T[i].Data().([]float64)) {
					t.Fatalf("%v %s: weights differ from gorgonia's Adam", dt, Layout[i].Name)
				}
				moved = moved || !slices.Equal(d, w.T[i].Data().([]float64))
			}
		}
		if !moved || a.Adam.Steps() != 6 {
			t.Fatalf("%v: weights did not move, or %d steps counted", dt, a.Adam.Steps())
		}
	}
}
