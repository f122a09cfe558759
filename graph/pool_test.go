package graph

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestAvgPool2MatchesStockOps compares AvgPool2 and its gradient with the same pooling
// built from stock gorgonia ops: reshape (N*C*H/2, 2, W/2, 2), sum axes 1 and 3, x 1/4.
func TestAvgPool2MatchesStockOps(t *testing.T) {
	const n, c, h, w = 3, 2, 6, 8
	rng := rand.New(rand.NewPCG(2, 2))
	data := make([]float64, n*c*h*w)
	for i := range data {
		data[i] = rng.NormFloat64()
	}
	weights := make([]float64, n*c*h/2*w/2) // a random linear read-out makes the gradient non-trivial
	for i := range weights {
		weights[i] = rng.NormFloat64()
	}
	run := func(pool func(*G.Node) *G.Node) (out, grad []float64) {
		g := G.NewGraph()
		x := G.NodeFromAny(g, tensor.New(tensor.WithShape(n, c, h, w), tensor.WithBacking(append([]float64(nil), data...))), G.WithName("x"))
		y := pool(x)
		r := G.NodeFromAny(g, tensor.New(tensor.WithShape(n, c, h/2, w/2), tensor.WithBacking(weights)), G.WithName("r"))
		cost := G.Must(G.Sum(G.Must(G.HadamardProd(y, r))))
		if _, err := G.Grad(cost, x); err != nil {
			t.Fatal(err)
		}
		vm := G.NewTapeMachine(g, G.BindDualValues(x))
		defer vm.Close()
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		gx, _ := x.Grad()
		return append([]float64(nil), y.Value().Data().([]float64)...), append([]float64(nil), gx.Data().([]float64)...)
	}
	ours, oursGrad := run(func(x *G.Node) *G.Node { return G.Must(AvgPool2(x)) })
	stock, stockGrad := run(func(x *G.Node) *G.Node {
		r := G.Must(G.Reshape(x, tensor.Shape{n * c * h / 2, 2, w / 2, 2}))
		s := G.Must(G.Sum(r, 1, 3))
		return G.Must(G.Reshape(G.Must(G.Mul(s, G.NewConstant(0.25))), tensor.Shape{n, c, h / 2, w / 2}))
	})
	for i := range ours {
		if math.Abs(ours[i]-stock[i]) > 1e-12 {
			t.Fatalf("output %d: AvgPool2 %g, stock ops %g", i, ours[i], stock[i])
		}
	}
	for i := range oursGrad {
		if math.Abs(oursGrad[i]-stockGrad[i]) > 1e-12 {
			t.Fatalf("gradient %d: AvgPool2 %g, stock ops %g", i, oursGrad[i], stockGrad[i])
		}
	}
}

func TestAvgPool2RejectsOddShapes(t *testing.T) {
	g := G.NewGraph()
	x := G.NewTensor(g, tensor.Float32, 4, G.WithShape(1, 1, 5, 4))
	if _, err := AvgPool2(x); err == nil {
		t.Fatal("AvgPool2 accepted a 5x4 input")
	}
}
