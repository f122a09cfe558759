package graph

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/lenet/lenet/dataset"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestTapeMatchesRunAll runs a training graph with gorgonia's RunAll, with tape.run and
// with tape.run as a program built with another gorgonia runs it (through RunAll), twice
// each (the second run after Reset, as in training), and requires the same cost, logits
// and gradients, bit for bit, in float32 and float64.
func TestTapeMatchesRunAll(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		t.Run(dt.String(), func(t *testing.T) {
			x, y := randomImages(6, 3)
			var results [3][]any
			for i, useTape := range []bool{false, true, true} {
				p, err := NewParams(dt, 2)
				if err != nil {
					t.Fatal(err)
				}
				n, err := build(p, len(y), trainGraph)
				if err != nil {
					t.Fatal(err)
				}
				vm, err := newTape(n.g, G.BindDualValues(n.w.Learnables()...))
				if err != nil {
					t.Fatal(err)
				}
				defer vm.Close()
				if !vm.direct {
					t.Fatal("the tape of lenet's own build does not run directly")
				}
				vm.direct = i < 2 // the third: another gorgonia's build
				if err := n.load(x, y); err != nil {
					t.Fatal(err)
				}
				for range 2 {
					run := vm.RunAll
					if useTape {
						run = vm.run
					}
					if err := run(); err != nil {
						t.Fatal(err)
					}
					results[i] = append(results[i], n.cost.Value().Data(), clone(n.logits.Value().Data()))
					for _, l := range n.w.Learnables() {
						g, err := l.Grad()
						if err != nil {
							t.Fatal(err)
						}
						results[i] = append(results[i], clone(g.Data()))
					}
					zeroAll(G.NodesToValueGrads(n.w.Learnables()))
					vm.Reset()
				}
			}
			for _, other := range []int{1, 2} {
				if len(results[0]) != len(results[other]) {
					t.Fatalf("%d values with RunAll, %d with tape %d", len(results[0]), len(results[other]), other)
				}
				for k := range results[0] {
					if !bitsEqual(results[0][k], results[other][k]) {
						t.Errorf("value %d differs between RunAll and tape %d", k, other)
					}
				}
			}
			if zero, _ := results[1][0].(float64); dt == tensor.Float64 && zero == 0 {
				t.Error("the cost is 0: the tape did not run")
			}
		})
	}
}

func clone(v any) any {
	switch d := v.(type) {
	case []float32:
		return append([]float32(nil), d...)
	case []float64:
		return append([]float64(nil), d...)
	}
	return v
}

func bitsEqual(a, b any) bool {
	same32 := func(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) }
	same64 := func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) }
	switch a := a.(type) {
	case []float32:
		b, ok := b.([]float32)
		return ok && slices.EqualFunc(a, b, same32)
	case []float64:
		b, ok := b.([]float64)
		return ok && slices.EqualFunc(a, b, same64)
	case float32:
		b, ok := b.(float32)
		return ok && same32(a, b)
	case float64:
		b, ok := b.(float64)
		return ok && same64(a, b)
	}
	return false
}

// TestOtherGorgoniaTrainsTheSame trains 20 steps and evaluates as a program built with
// another gorgonia does (every run through RunAll) and as lenet's own build does: the
// same weights and probabilities, bit for bit.
func TestOtherGorgoniaTrainsTheSame(t *testing.T) {
	x, y := randomImages(32*20, 8)
	train := func(other bool) []any {
		if other {
			checked := gorgoniaChecked
			gorgoniaChecked = func() error { return errors.New("gorgonia v0.9.99") }
			defer func() { gorgoniaChecked = checked }()
		}
		p, err := NewParams(tensor.Float32, 4)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := NewTrainer(p, 32, Optimizer{Adam: DefaultAdam})
		if err != nil {
			t.Fatal(err)
		}
		defer tr.Close()
		if got := tr.replicas[0].vm.direct; got == other {
			t.Fatalf("another gorgonia %v: the tape runs directly %v", other, got)
		}
		for s := range 20 {
			if _, _, err := tr.Step(x[s*32*dataset.Pixels:(s+1)*32*dataset.Pixels], y[s*32:(s+1)*32]); err != nil {
				t.Fatal(err)
			}
		}
		ev, err := NewEvaluator(p, 7)
		if err != nil {
			t.Fatal(err)
		}
		defer ev.Close()
		probs, err := ev.Probabilities(x[:50*dataset.Pixels])
		if err != nil {
			t.Fatal(err)
		}
		var out []any
		for _, l := range p.Learnables() {
			out = append(out, clone(l.Data()))
		}
		return append(out, probs)
	}
	own, other := train(false), train(true)
	for k := range own {
		if !bitsEqual(own[k], other[k]) {
			t.Errorf("value %d differs between lenet's tape and RunAll", k)
		}
	}
}
