package ops

import (
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// op is what every custom op of this package shares, written once: gorgonia's Op
// interface around a name, the ranks of the inputs and the result, and the result's
// shape, with its memory in buffers kept from one run of the machine to the next. A
// concrete op embeds it and adds Do (its UsePreallocDo into result), UsePreallocDo, and,
// when it has a gradient, DiffWRT and SymDiff: the computation and its derivative side
// by side.
type op struct {
	name  string // what String prints; with the shape, what the hash covers
	ranks []int  // of the inputs, then of the result, all of one element type
	shape tensor.Shape
	buf   *buffers
}

// newOp is an op named name from tensors of ranks (the result's last) to one of shape.
func newOp(name string, shape tensor.Shape, ranks ...int) op {
	return op{name: name, ranks: ranks, shape: shape.Clone(), buf: new(buffers)}
}

func (o op) Arity() int { return len(o.ranks) - 1 }
func (o op) Type() hm.Type {
	ts := make([]hm.Type, len(o.ranks))
	for i, d := range o.ranks {
		ts[i] = &G.TensorType{Dims: d, Of: hm.TypeVariable('a')}
	}
	return hm.NewFnType(ts...)
}
func (o op) InferShape(...G.DimSizer) (tensor.Shape, error) { return o.shape.Clone(), nil }
func (o op) ReturnsPtr() bool                               { return false }
func (o op) CallsExtern() bool                              { return false }
func (o op) OverwritesInput() int                           { return -1 }
func (o op) WriteHash(h hash.Hash)                          { fmt.Fprintf(h, "%s%v", o.name, o.shape) }
func (o op) String() string                                 { return o.name }
func (o op) Hashcode() uint32 {
	h := fnv.New32a()
	o.WriteHash(h)
	return h.Sum32()
}

// result is the tensor an op's Do writes into: its buffers' own, of in's element type.
func (o op) result(in []G.Value) *tensor.Dense { return o.buf.result(in[0].Dtype(), o.shape) }
