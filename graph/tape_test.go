package graph

import (
	"math"
	"slices"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestTapeMatchesRunAll runs a training graph with gorgonia's RunAll and with tape.run,
// twice each (the second run after Reset, as in training), and requires the same cost,
// logits and gradients, bit for bit, in float32 and float64.
func TestTapeMatchesRunAll(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		t.Run(dt.String(), func(t *testing.T) {
			x, y := randomImages(6, 3)
			var results [2][]any
			for i, useTape := range []bool{false, true} {
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
			if len(results[0]) != len(results[1]) {
				t.Fatalf("%d values with RunAll, %d with tape", len(results[0]), len(results[1]))
			}
			for k := range results[0] {
				if !bitsEqual(results[0][k], results[1][k]) {
					t.Errorf("value %d differs between RunAll and tape", k)
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
