package graph

import (
	"math/rand/v2"
	"slices"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestSigmoidMatchesGorgonia compares Sigmoid's values and gradient with gorgonia's
// stock Sigmoid on random inputs, including past both cut-offs: they must be identical.
// Values come from graphs that end at the sigmoid: the tape machine reuses an op's output
// buffer in place for later ops.
func TestSigmoidMatchesGorgonia(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		vals := make([]float64, 3*40)
		for i := range vals {
			vals[i] = rng.NormFloat64() * 8
		}
		vals[0], vals[1], vals[2] = -100, 30, 800
		weights := make([]float64, len(vals))
		for i := range weights {
			weights[i] = rng.NormFloat64()
		}
		run := func(sig func(*G.Node) (*G.Node, error), backward bool) any {
			g := G.NewGraph()
			xt := tensor.New(tensor.Of(dt), tensor.WithShape(3, 40))
			setData(xt, vals)
			x := G.NodeFromAny(g, xt, G.WithName("x"))
			rt := tensor.New(tensor.Of(dt), tensor.WithShape(3, 40))
			setData(rt, weights)
			yn := G.Must(sig(x))
			vm := G.NewTapeMachine(g)
			if backward {
				cost := G.Must(G.Sum(G.Must(G.HadamardProd(yn, G.NodeFromAny(g, rt, G.WithName("r"))))))
				if _, err := G.Grad(cost, x); err != nil {
					t.Fatal(err)
				}
				vm = G.NewTapeMachine(g, G.BindDualValues(x))
			}
			defer vm.Close()
			if err := vm.RunAll(); err != nil {
				t.Fatal(err)
			}
			if !backward {
				return yn.Value().(*tensor.Dense).Clone().(*tensor.Dense).Data()
			}
			gx, _ := x.Grad()
			return gx.(*tensor.Dense).Clone().(*tensor.Dense).Data()
		}
		oursY, oursDx := run(Sigmoid, false), run(Sigmoid, true)
		stockY, stockDx := run(G.Sigmoid, false), run(G.Sigmoid, true)
		switch o := oursY.(type) {
		case []float32:
			if !slices.Equal(o, stockY.([]float32)) || !slices.Equal(oursDx.([]float32), stockDx.([]float32)) {
				t.Fatalf("float32: values or gradients differ from gorgonia's Sigmoid")
			}
		case []float64:
			if !slices.Equal(o, stockY.([]float64)) || !slices.Equal(oursDx.([]float64), stockDx.([]float64)) {
				t.Fatalf("float64: values or gradients differ from gorgonia's Sigmoid")
			}
			if o[0] > 1e-40 || o[1] != 1 || o[2] != 1 {
				t.Fatalf("cut-offs: sigmoid(-100) = %g, sigmoid(30) = %g", o[0], o[1])
			}
		}
	}
}
