package graph

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Sigmoid is the logistic function as one op whose gradient, y·sigmoid(-x)·dy, is one op
// too.
//
// gorgonia's Sigmoid runs through a generic map into a fresh tensor every step, and its
// gradient y(1-y)dy becomes three allocating ops after gorgonia's stabiliser rewrites
// 1-sigmoid(x) as sigmoid(-x); this op computes the same float operations in the same
// order (TestSigmoidMatchesGorgonia requires bit-identical values and gradients) into
// buffers the machine reuses.
func Sigmoid(x *G.Node) (*G.Node, error) {
	return G.ApplyOp(sigmoidOp{shape: x.Shape().Clone()}, x)
}

type sigmoidOp struct{ shape tensor.Shape }

// sigmoidGradOp takes (x, y, dy) and returns y·sigmoid(-x)·dy, which is y(1-y)dy
// without the cancellation in 1-y.
type sigmoidGradOp struct{ shape tensor.Shape }

// sameType is the type a -> ... -> a of an op with n inputs and an output all alike.
func sameType(n int) hm.Type {
	a := hm.TypeVariable('a')
	ts := make([]hm.Type, n+1)
	for i := range ts {
		ts[i] = a
	}
	return hm.NewFnType(ts...)
}

func (op sigmoidOp) Arity() int                                         { return 1 }
func (op sigmoidOp) Type() hm.Type                                      { return sameType(1) }
func (op sigmoidOp) InferShape(...G.DimSizer) (tensor.Shape, error)     { return op.shape.Clone(), nil }
func (op sigmoidOp) ReturnsPtr() bool                                   { return false }
func (op sigmoidOp) CallsExtern() bool                                  { return false }
func (op sigmoidOp) OverwritesInput() int                               { return -1 }
func (op sigmoidOp) WriteHash(h hash.Hash)                              { fmt.Fprintf(h, "sigmoid%v", op.shape) }
func (op sigmoidOp) Hashcode() uint32                                   { return hashOf(op) }
func (op sigmoidOp) String() string                                     { return "Sigmoid" }
func (op sigmoidOp) DiffWRT(int) []bool                                 { return []bool{true} }
func (op sigmoidOp) Do(in ...G.Value) (G.Value, error)                  { return op.UsePreallocDo(like(in[0]), in...) }
func (op sigmoidGradOp) Arity() int                                     { return 3 }
func (op sigmoidGradOp) Type() hm.Type                                  { return sameType(3) }
func (op sigmoidGradOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return op.shape.Clone(), nil }
func (op sigmoidGradOp) ReturnsPtr() bool                               { return false }
func (op sigmoidGradOp) CallsExtern() bool                              { return false }
func (op sigmoidGradOp) OverwritesInput() int                           { return -1 }
func (op sigmoidGradOp) WriteHash(h hash.Hash)                          { fmt.Fprintf(h, "sigmoidgrad%v", op.shape) }
func (op sigmoidGradOp) Hashcode() uint32                               { return hashOf(op) }
func (op sigmoidGradOp) String() string                                 { return "SigmoidGrad" }
func (op sigmoidGradOp) Do(in ...G.Value) (G.Value, error) {
	return op.UsePreallocDo(like(in[0]), in...)
}

func (op sigmoidOp) SymDiff(in G.Nodes, y, dy *G.Node) (G.Nodes, error) {
	dx, err := G.ApplyOp(sigmoidGradOp(op), in[0], y, dy)
	return G.Nodes{dx}, err
}

func (op sigmoidOp) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	switch x := in[0].Data().(type) {
	case []float32:
		y := prealloc.Data().([]float32)
		for i, v := range x {
			y[i] = sigmoid32(v)
		}
	case []float64:
		y := prealloc.Data().([]float64)
		for i, v := range x {
			y[i] = sigmoid64(v)
		}
	default:
		return nil, fmt.Errorf("sigmoid: unsupported type %T", x)
	}
	return prealloc, nil
}

func (op sigmoidGradOp) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	switch x := in[0].Data().(type) {
	case []float32:
		y, dy, dx := in[1].Data().([]float32), in[2].Data().([]float32), prealloc.Data().([]float32)
		for i, v := range x {
			dx[i] = float32(y[i]*sigmoid32(-v)) * dy[i]
		}
	case []float64:
		y, dy, dx := in[1].Data().([]float64), in[2].Data().([]float64), prealloc.Data().([]float64)
		for i, v := range x {
			dx[i] = float64(y[i]*sigmoid64(-v)) * dy[i]
		}
	default:
		return nil, fmt.Errorf("sigmoid gradient: unsupported type %T", x)
	}
	return prealloc, nil
}

// sigmoid32 and sigmoid64 are gorgonia's _sigmoidf32 and _sigmoidf64, cut-offs included.
func sigmoid32(x float32) float32 {
	if x < -88 {
		return 0
	}
	if x > 15 {
		return 1
	}
	return float32(1.0 / (1.0 + math.Exp(float64(-x))))
}

func sigmoid64(x float64) float64 {
	if x < -709 {
		return 0
	}
	if x > 19 {
		return 1
	}
	return 1.0 / (1.0 + math.Exp(-x))
}

// like allocates a tensor of v's dtype and shape.
func like(v G.Value) *tensor.Dense {
	return tensor.New(tensor.Of(v.Dtype()), tensor.WithShape(v.Shape().Clone()...))
}
