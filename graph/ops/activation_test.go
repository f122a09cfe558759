package ops

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestActivationsMatchGorgonia compares each activation's values and gradient with
// gorgonia's stock op (Sigmoid, Tanh, Rectify) on random inputs, including past the
// sigmoid's cut-offs: float64 sigmoid values must be identical, other values within 2e-7
// in float32 (exp32) and 1e-15 in float64, gradients (the sigmoid's y(1-y) here,
// y·sigmoid(-x) there) within that times |dy|.
// Values come from graphs that end at the activation: the tape machine reuses an op's
// output buffer in place for later ops.
func TestActivationsMatchGorgonia(t *testing.T) {
	stockOps := map[string]func(*G.Node) (*G.Node, error){"sigmoid": G.Sigmoid, "tanh": G.Tanh, "relu": G.Rectify}
	for _, kind := range Activations {
		t.Run(kind, func(t *testing.T) { activationMatchesGorgonia(t, kind, stockOps[kind]) })
	}
}

func activationMatchesGorgonia(t *testing.T, kind string, stock func(*G.Node) (*G.Node, error)) {
	rng := rand.New(rand.NewPCG(3, 3))
	ours := func(x *G.Node) (*G.Node, error) { return Activation(kind, x) }
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
		oursY, oursDx := run(ours, false), run(ours, true)
		stockY, stockDx := run(stock, false), run(stock, true)
		near := func(what string, ours, stock []float64, tol func(i int) float64) {
			for i := range ours {
				if d := math.Abs(ours[i] - stock[i]); !(d <= tol(i)) {
					t.Fatalf("%v %s[%d] (x = %g): %g, gorgonia %g", dt, what, i, vals[i], ours[i], stock[i])
				}
			}
		}
		gradTol := 2e-7
		if dt == tensor.Float64 {
			gradTol = 1e-15
		}
		near(kind, asF64(oursY), asF64(stockY), func(int) float64 { return gradTol })
		near("gradient", asF64(oursDx), asF64(stockDx), func(i int) float64 {
			if kind == "sigmoid" && vals[i] > 19 { // past the cut-off y = 1, so y(1-y) = 0, while sigmoid(-x) < 6e-9
				return 6e-9 * math.Abs(weights[i])
			}
			return gradTol * math.Abs(weights[i])
		})
		switch o := oursY.(type) {
		case []float64:
			if kind != "sigmoid" {
				break
			}
			if !slices.Equal(o, stockY.([]float64)) {
				t.Fatalf("float64: values differ from gorgonia's Sigmoid")
			}
			if o[0] > 1e-40 || o[1] != 1 || o[2] != 1 {
				t.Fatalf("cut-offs: sigmoid(-100) = %g, sigmoid(30) = %g", o[0], o[1])
			}
		}
	}
}
