package graph

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Sigmoid is the logistic function as one op whose gradient, y(1-y)·dy, is one op too.
//
// gorgonia's Sigmoid runs through a generic map into a fresh tensor every step, computes
// float32 through float64 math.Exp (about 12 ns an element, the largest item of a
// training step's profile), and its gradient becomes three allocating ops that call exp
// again. This op writes into buffers the machine reuses, computes float32 with exp32 (a
// float32 polynomial, within 2 ulp of the exact value) and its gradient from the output
// alone, as PyTorch does. Float64 keeps math.Exp, so gradient checks stay exact.
// TestSigmoidMatchesGorgonia compares values and gradients with gorgonia's Sigmoid.
func Sigmoid(x *G.Node) (*G.Node, error) {
	return G.ApplyOp(sigmoidOp{shape: x.Shape().Clone(), buf: new(buffers)}, x)
}

type sigmoidOp struct {
	shape tensor.Shape
	buf   *buffers
}

// sigmoidGradOp takes (y, dy) and returns y(1-y)·dy.
type sigmoidGradOp struct {
	shape tensor.Shape
	buf   *buffers
}

// sameType is the type a -> ... -> a of an op with n inputs and an output all alike.
func sameType(n int) hm.Type {
	a := hm.TypeVariable('a')
	ts := make([]hm.Type, n+1)
	for i := range ts {
		ts[i] = a
	}
	return hm.NewFnType(ts...)
}

func (op sigmoidOp) Arity() int                                     { return 1 }
func (op sigmoidOp) Type() hm.Type                                  { return sameType(1) }
func (op sigmoidOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return op.shape.Clone(), nil }
func (op sigmoidOp) ReturnsPtr() bool                               { return false }
func (op sigmoidOp) CallsExtern() bool                              { return false }
func (op sigmoidOp) OverwritesInput() int                           { return -1 }
func (op sigmoidOp) WriteHash(h hash.Hash)                          { fmt.Fprintf(h, "sigmoid%v", op.shape) }
func (op sigmoidOp) Hashcode() uint32                               { return hashOf(op) }
func (op sigmoidOp) String() string                                 { return "Sigmoid" }
func (op sigmoidOp) DiffWRT(int) []bool                             { return []bool{true} }
func (op sigmoidOp) Do(in ...G.Value) (G.Value, error) {
	return op.UsePreallocDo(op.buf.result(in[0].Dtype(), op.shape), in...)
}
func (op sigmoidGradOp) Arity() int                                     { return 2 }
func (op sigmoidGradOp) Type() hm.Type                                  { return sameType(2) }
func (op sigmoidGradOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return op.shape.Clone(), nil }
func (op sigmoidGradOp) ReturnsPtr() bool                               { return false }
func (op sigmoidGradOp) CallsExtern() bool                              { return false }
func (op sigmoidGradOp) OverwritesInput() int                           { return -1 }
func (op sigmoidGradOp) WriteHash(h hash.Hash)                          { fmt.Fprintf(h, "sigmoidgrad%v", op.shape) }
func (op sigmoidGradOp) Hashcode() uint32                               { return hashOf(op) }
func (op sigmoidGradOp) String() string                                 { return "SigmoidGrad" }
func (op sigmoidGradOp) Do(in ...G.Value) (G.Value, error) {
	return op.UsePreallocDo(op.buf.result(in[0].Dtype(), op.shape), in...)
}

func (op sigmoidOp) SymDiff(in G.Nodes, y, dy *G.Node) (G.Nodes, error) {
	dx, err := G.ApplyOp(sigmoidGradOp{shape: op.shape, buf: new(buffers)}, y, dy)
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
	switch y := in[0].Data().(type) {
	case []float32:
		dy, dx := in[1].Data().([]float32), prealloc.Data().([]float32)
		dy, dx = dy[:len(y)], dx[:len(y)]
		for i, v := range y {
			dx[i] = v * (1 - v) * dy[i]
		}
	case []float64:
		dy, dx := in[1].Data().([]float64), prealloc.Data().([]float64)
		dy, dx = dy[:len(y)], dx[:len(y)]
		for i, v := range y {
			dx[i] = v * (1 - v) * dy[i]
		}
	default:
		return nil, fmt.Errorf("sigmoid gradient: unsupported type %T", y)
	}
	return prealloc, nil
}

// sigmoid32 and sigmoid64 have gorgonia's cut-offs (_sigmoidf32, _sigmoidf64); sigmoid64
// is gorgonia's to the bit.
func sigmoid32(x float32) float32 {
	if x < -88 {
		return 0
	}
	if x > 15 {
		return 1
	}
	return 1 / (1 + exp32(-x))
}

// exp32 is e^x for x in [-88, 88], in float32 throughout: x = n·ln2 + r with |r| <= ln2/2,
// e^r from Cephes' expf polynomial (Moshier, relative error about 1e-7) and 2^n put
// straight into the exponent bits. Written by hand because neither the standard library
// nor gonum has a float32 exp; math.Exp through float64 costs four times as much.
func exp32(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693359375
		ln2lo = -2.12194440e-4
		round = 12582912 // 1.5·2^23: adding and subtracting it rounds to an integer
	)
	n := x*log2e + round
	n -= round
	r := x - n*ln2hi
	r -= n * ln2lo
	p := float32(1.9875691500e-4)
	p = p*r + 1.3981999507e-3
	p = p*r + 8.3334519073e-3
	p = p*r + 4.1665795894e-2
	p = p*r + 1.6666665459e-1
	p = p*r + 5.0000001201e-1
	p = p*r*r + r + 1
	return p * math.Float32frombits(uint32(int32(n)+127)<<23)
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
