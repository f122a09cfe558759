package ops

import (
	"fmt"
	"math"
	"slices"

	"github.com/lenet/lenet/graph/kernels"
	G "gorgonia.org/gorgonia"
)

// Activations lists the nonlinearities a model can use after each hidden layer.
var Activations = []string{"sigmoid", "tanh", "relu"}

// Activation applies the named nonlinearity (one of Activations) elementwise, as one op
// with a one-op gradient computed from the output: sigmoid y(1-y)·dy, tanh (1-y²)·dy,
// relu dy where y > 0, each compared with gorgonia's Sigmoid, Tanh and Rectify by
// TestActivationsMatchGorgonia.
//
// gorgonia's Sigmoid runs through a generic map into a fresh tensor every step, computes
// float32 through float64 math.Exp (about 12 ns an element, the largest item of a
// training step's profile), and its gradient becomes three allocating ops that call exp
// again. This op writes into buffers the machine reuses, computes float32 with
// kernels.Sigmoid32s (a float32 polynomial exp, within 2 ulp, eight values at a time) and
// its gradient from the output alone, as PyTorch does; float64 keeps math.Exp, so
// gradient checks stay exact. Tanh and ReLU are gorgonia's without its allocations.
func Activation(kind string, x *G.Node) (*G.Node, error) {
	if !slices.Contains(Activations, kind) {
		return nil, fmt.Errorf("activation %q: expected one of %v", kind, Activations)
	}
	r := x.Shape().Dims()
	return G.ApplyOp(actOp{newOp(kind, x.Shape(), r, r), kind}, x)
}

// actOp applies the nonlinearity; actGradOp takes (y, dy) and returns dx.
type (
	actOp struct {
		op
		kind string
	}
	actGradOp struct {
		op
		kind string
	}
)

func (a actOp) DiffWRT(int) []bool                    { return []bool{true} }
func (a actOp) Do(in ...G.Value) (G.Value, error)     { return a.UsePreallocDo(a.result(in), in...) }
func (a actGradOp) Do(in ...G.Value) (G.Value, error) { return a.UsePreallocDo(a.result(in), in...) }

func (a actOp) SymDiff(in G.Nodes, y, dy *G.Node) (G.Nodes, error) {
	r := a.shape.Dims()
	dx, err := G.ApplyOp(actGradOp{newOp(a.kind+"Grad", a.shape, r, r, r), a.kind}, y, dy)
	return G.Nodes{dx}, err
}

func (a actOp) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	switch x := in[0].Data().(type) {
	case []float32:
		y := prealloc.Data().([]float32)[:len(x)]
		if a.kind == "sigmoid" {
			kernels.Sigmoid32s(x, y) // eight at a time where the CPU can
		} else {
			activate(a.kind, x, y, kernels.Sigmoid32, tanh32)
		}
	case []float64:
		activate(a.kind, x, prealloc.Data().([]float64)[:len(x)], sigmoid64, math.Tanh)
	default:
		return nil, fmt.Errorf("%s: unsupported type %T", a.kind, x)
	}
	return prealloc, nil
}

func (a actGradOp) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	switch y := in[0].Data().(type) {
	case []float32:
		activationGrad(a.kind, y, in[1].Data().([]float32), prealloc.Data().([]float32))
	case []float64:
		activationGrad(a.kind, y, in[1].Data().([]float64), prealloc.Data().([]float64))
	default:
		return nil, fmt.Errorf("%s gradient: unsupported type %T", a.kind, y)
	}
	return prealloc, nil
}

func activate[T float32 | float64](kind string, x, y []T, sigmoid, tanh func(T) T) {
	switch kind {
	case "sigmoid":
		for i, v := range x {
			y[i] = sigmoid(v)
		}
	case "tanh":
		for i, v := range x {
			y[i] = tanh(v)
		}
	case "relu":
		for i, v := range x {
			y[i] = max(v, 0)
		}
	}
}

func activationGrad[T float32 | float64](kind string, y, dy, dx []T) {
	dy, dx = dy[:len(y)], dx[:len(y)]
	switch kind {
	case "sigmoid":
		for i, v := range y {
			dx[i] = v * (1 - v) * dy[i]
		}
	case "tanh":
		for i, v := range y {
			dx[i] = (1 - v*v) * dy[i]
		}
	case "relu":
		for i, v := range y {
			if v > 0 {
				dx[i] = dy[i]
			} else {
				dx[i] = 0
			}
		}
	}
}

// tanh32 is tanh through float64: the tanh variant is not the one speed matters for.
func tanh32(x float32) float32 { return float32(math.Tanh(float64(x))) }

// sigmoid64 is gorgonia's float64 sigmoid to the bit (_sigmoidf64's cut-offs).
func sigmoid64(x float64) float64 {
	if x < -709 {
		return 0
	}
	if x > 19 {
		return 1
	}
	return 1.0 / (1.0 + math.Exp(-x))
}
