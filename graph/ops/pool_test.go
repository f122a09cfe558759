package ops

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
	data, weights := poolInputs(2, n, c, h, w)
	ours, oursGrad := runPool(t, tensor.Float64, data, weights, tensor.Shape{n, c, h, w}, func(x *G.Node) *G.Node { return G.Must(AvgPool2(x)) })
	stock, stockGrad := runPool(t, tensor.Float64, data, weights, tensor.Shape{n, c, h, w}, func(x *G.Node) *G.Node {
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

// poolInputs draws an (n,c,h,w) input and the weights of a random linear read-out of the
// pooled output, which makes the gradient non-trivial.
func poolInputs(seed uint64, n, c, h, w int) (data, weights []float64) {
	rng := rand.New(rand.NewPCG(seed, seed))
	data, weights = make([]float64, n*c*h*w), make([]float64, n*c*h/2*w/2)
	for i := range data {
		data[i] = rng.NormFloat64()
	}
	for i := range weights {
		weights[i] = rng.NormFloat64()
	}
	return data, weights
}

// runPool evaluates pool on data (of shape s, dtype dt) and the gradient of the read-out
// Σ weights·pool(x) with respect to x.
func runPool(t *testing.T, dt tensor.Dtype, data, weights []float64, s tensor.Shape, pool func(*G.Node) *G.Node) (out, grad []float64) {
	t.Helper()
	g := G.NewGraph()
	xt := tensor.New(tensor.Of(dt), tensor.WithShape(s...))
	setData(xt, data)
	x := G.NodeFromAny(g, xt, G.WithName("x"))
	y := pool(x)
	rt := tensor.New(tensor.Of(dt), tensor.WithShape(s[0], s[1], s[2]/2, s[3]/2))
	setData(rt, weights)
	cost := G.Must(G.Sum(G.Must(G.HadamardProd(y, G.NodeFromAny(g, rt, G.WithName("r"))))))
	if _, err := G.Grad(cost, x); err != nil {
		t.Fatal(err)
	}
	var yv G.Value
	G.Read(y, &yv) // the machine reuses y's buffer for later ops
	vm := G.NewTapeMachine(g, G.BindDualValues(x))
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	gx, _ := x.Grad()
	return asF64(yv.(*tensor.Dense).Clone().(*tensor.Dense).Data()), asF64(gx.(*tensor.Dense).Clone().(*tensor.Dense).Data())
}

func TestAvgPool2RejectsOddShapes(t *testing.T) {
	g := G.NewGraph()
	x := G.NewTensor(g, tensor.Float32, 4, G.WithShape(1, 1, 5, 4))
	if _, err := AvgPool2(x); err == nil {
		t.Fatal("AvgPool2 accepted a 5x4 input")
	}
}

// TestMaxPool2MatchesGorgonia compares MaxPool2 and its gradient with gorgonia's
// MaxPool2D (2x2 kernel, stride 2, no padding) on random inputs, in float32 and float64.
func TestMaxPool2MatchesGorgonia(t *testing.T) {
	const n, c, h, w = 3, 2, 6, 8
	data, weights := poolInputs(4, n, c, h, w)
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		run := func(pool func(*G.Node) *G.Node) (out, grad []float64) {
			return runPool(t, dt, data, weights, tensor.Shape{n, c, h, w}, pool)
		}
		ours, oursGrad := run(func(x *G.Node) *G.Node { return G.Must(MaxPool2(x)) })
		stock, stockGrad := run(func(x *G.Node) *G.Node {
			return G.Must(G.MaxPool2D(x, tensor.Shape{2, 2}, []int{0, 0}, []int{2, 2}))
		})
		if len(ours) != n*c*h/2*w/2 || len(oursGrad) != n*c*h*w {
			t.Fatalf("%v: %d outputs, %d gradients", dt, len(ours), len(oursGrad))
		}
		for i := range ours {
			if ours[i] != stock[i] {
				t.Fatalf("%v output %d: MaxPool2 %g, MaxPool2D %g", dt, i, ours[i], stock[i])
			}
		}
		nonzero := 0
		for i := range oursGrad {
			if oursGrad[i] != stockGrad[i] {
				t.Fatalf("%v gradient %d: MaxPool2 %g, MaxPool2D %g", dt, i, oursGrad[i], stockGrad[i])
			}
			if oursGrad[i] != 0 {
				nonzero++
			}
		}
		if nonzero != len(ours) { // one input per window receives the gradient
			t.Fatalf("%v: %d non-zero input gradients, expected %d", dt, nonzero, len(ours))
		}
	}
}
