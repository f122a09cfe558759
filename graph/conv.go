package graph

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"github.com/lenet/lenet/graph/kernels"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Conv is a valid 5x5 convolution, stride 1, plus one bias per output map:
// x (B,C,H,W), k (O,C,5,5), b (O) -> (B,O,H-4,W-4). With inputGrad false it gives x no
// gradient (C1: x is the image).
//
// Written as its own op because gorgonia's Conv2d lays its im2col out one row per output
// position, so its matmul yields (B,H',W',O) and the result is transposed to NCHW, its
// bias needs a broadcast copy, and its gradient always includes the input's. Here each
// image is one GEMM, kernel times columns, straight into NCHW, the bias is added in place,
// and the input gradient is built only when asked. TestConvMatchesGorgonia compares values
// and all gradients with Conv2d plus BroadcastAdd.
func Conv(x, k, b *G.Node, inputGrad bool) (*G.Node, error) {
	xs, ks := x.Shape(), k.Shape()
	if xs.Dims() != 4 || ks.Dims() != 4 || ks[1] != xs[1] || ks[2] != convSide || ks[3] != convSide || b.Shape().TotalSize() != ks[0] {
		return nil, fmt.Errorf("conv: x %v, kernel %v, bias %v: expected (B,C,H,W), (O,C,5,5), (O)", xs, ks, b.Shape())
	}
	return G.ApplyOp(convOp{geom: convGeom{x: xs.Clone(), o: ks[0]}, inputGrad: inputGrad, buf: new(buffers)}, x, k, b)
}

const convSide = 5

// convGeom is a convolution's shapes.
type convGeom struct {
	x tensor.Shape // (B,C,H,W)
	o int          // output maps
}

func (g convGeom) out() tensor.Shape {
	return tensor.Shape{g.x[0], g.o, g.x[2] - convSide + 1, g.x[3] - convSide + 1}
}
func (g convGeom) rows() int   { return g.x[1] * convSide * convSide } // im2col rows: C*5*5
func (g convGeom) pixels() int { return (g.x[2] - convSide + 1) * (g.x[3] - convSide + 1) }

// The forward op and its three gradient ops: d/dk (x, dy), d/db (dy), d/dx (k, dy).
type (
	convOp struct {
		geom      convGeom
		inputGrad bool
		buf       *buffers
	}
	convKGrad struct {
		geom convGeom
		buf  *buffers
		fwd  *buffers // the forward op's, holding every image's columns
	}
	convBGrad struct {
		geom convGeom
		buf  *buffers
	}
	convXGrad struct {
		geom convGeom
		buf  *buffers
	}
)

func (op convOp) Arity() int                                     { return 3 }
func (op convOp) Type() hm.Type                                  { return tensorFn(4, 4, 1, 4) }
func (op convOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return op.geom.out(), nil }
func (op convOp) ReturnsPtr() bool                               { return false }
func (op convOp) CallsExtern() bool                              { return false }
func (op convOp) OverwritesInput() int                           { return -1 }
func (op convOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "conv5%v%d%v", op.geom.x, op.geom.o, op.inputGrad)
}
func (op convOp) Hashcode() uint32   { return hashOf(op) }
func (op convOp) String() string     { return fmt.Sprintf("Conv5x5%v->%d", op.geom.x, op.geom.o) }
func (op convOp) DiffWRT(int) []bool { return []bool{op.inputGrad, true, true} }
func (op convOp) Do(in ...G.Value) (G.Value, error) {
	return op.UsePreallocDo(op.buf.result(in[0].Dtype(), op.geom.out()), in...)
}

func (op convOp) SymDiff(in G.Nodes, _, dy *G.Node) (G.Nodes, error) {
	// The forward pass keeps its columns for the kernel gradient, which runs after it
	// in the same run: no second im2col.
	op.buf.keepCols = true
	dk, err := G.ApplyOp(convKGrad{op.geom, new(buffers), op.buf}, in[0], dy)
	if err != nil {
		return nil, err
	}
	db, err := G.ApplyOp(convBGrad{op.geom, new(buffers)}, dy)
	if err != nil {
		return nil, err
	}
	var dx *G.Node
	if op.inputGrad {
		if dx, err = G.ApplyOp(convXGrad{op.geom, new(buffers)}, in[1], dy); err != nil {
			return nil, err
		}
	}
	return G.Nodes{dx, dk, db}, nil
}

func (op convOp) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	g := op.geom
	switch x := in[0].Data().(type) {
	case []float32:
		convForward(g, x, in[1].Data().([]float32), in[2].Data().([]float32), prealloc.Data().([]float32), scratchOf[float32](op.buf, op.colsLen()), kernels.Gemm32)
	case []float64:
		convForward(g, x, in[1].Data().([]float64), in[2].Data().([]float64), prealloc.Data().([]float64), scratchOf[float64](op.buf, op.colsLen()), kernels.Gemm64)
	default:
		return nil, fmt.Errorf("conv: unsupported type %T", x)
	}
	return prealloc, nil
}

func (op convKGrad) Arity() int    { return 2 }
func (op convKGrad) Type() hm.Type { return tensorFn(4, 4, 4) }
func (op convKGrad) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{op.geom.o, op.geom.x[1], convSide, convSide}, nil
}
func (op convKGrad) ReturnsPtr() bool      { return false }
func (op convKGrad) CallsExtern() bool     { return false }
func (op convKGrad) OverwritesInput() int  { return -1 }
func (op convKGrad) WriteHash(h hash.Hash) { fmt.Fprintf(h, "conv5dk%v%d", op.geom.x, op.geom.o) }
func (op convKGrad) Hashcode() uint32      { return hashOf(op) }
func (op convKGrad) String() string        { return "Conv5x5GradKernel" }
func (op convKGrad) Do(in ...G.Value) (G.Value, error) {
	s, _ := op.InferShape()
	return op.UsePreallocDo(op.buf.result(in[0].Dtype(), s), in...)
}

// colsLen is the forward pass's column scratch: every image's when they are kept.
func (op convOp) colsLen() int {
	n := op.geom.rows() * op.geom.pixels()
	if op.buf != nil && op.buf.keepCols {
		n *= op.geom.x[0]
	}
	return n
}

func (op convKGrad) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	switch x := in[0].Data().(type) {
	case []float32:
		cols, kept := kernelGradCols[float32](op)
		convKernelGrad(op.geom, x, in[1].Data().([]float32), prealloc.Data().([]float32), cols, kept, kernels.Gemm32)
	case []float64:
		cols, kept := kernelGradCols[float64](op)
		convKernelGrad(op.geom, x, in[1].Data().([]float64), prealloc.Data().([]float64), cols, kept, kernels.Gemm64)
	default:
		return nil, fmt.Errorf("conv kernel gradient: unsupported type %T", x)
	}
	return prealloc, nil
}

// kernelGradCols returns the forward pass's columns of every image when it kept them
// (kept true), else scratch for one image's.
func kernelGradCols[T float32 | float64](op convKGrad) (cols []T, kept bool) {
	n := op.geom.rows() * op.geom.pixels()
	if op.fwd != nil && op.fwd.keepCols {
		if c, ok := op.fwd.scratch.([]T); ok && len(c) >= n*op.geom.x[0] {
			return c, true
		}
	}
	return scratchOf[T](op.buf, n), false
}

func (op convBGrad) Arity() int    { return 1 }
func (op convBGrad) Type() hm.Type { return tensorFn(4, 1) }
func (op convBGrad) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{op.geom.o}, nil
}
func (op convBGrad) ReturnsPtr() bool      { return false }
func (op convBGrad) CallsExtern() bool     { return false }
func (op convBGrad) OverwritesInput() int  { return -1 }
func (op convBGrad) WriteHash(h hash.Hash) { fmt.Fprintf(h, "conv5db%v%d", op.geom.x, op.geom.o) }
func (op convBGrad) Hashcode() uint32      { return hashOf(op) }
func (op convBGrad) String() string        { return "Conv5x5GradBias" }
func (op convBGrad) Do(in ...G.Value) (G.Value, error) {
	return op.UsePreallocDo(op.buf.result(in[0].Dtype(), tensor.Shape{op.geom.o}), in...)
}

func (op convBGrad) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	switch dy := in[0].Data().(type) {
	case []float32:
		convBiasGrad(op.geom, dy, prealloc.Data().([]float32))
	case []float64:
		convBiasGrad(op.geom, dy, prealloc.Data().([]float64))
	default:
		return nil, fmt.Errorf("conv bias gradient: unsupported type %T", dy)
	}
	return prealloc, nil
}

func (op convXGrad) Arity() int                                     { return 2 }
func (op convXGrad) Type() hm.Type                                  { return tensorFn(4, 4, 4) }
func (op convXGrad) InferShape(...G.DimSizer) (tensor.Shape, error) { return op.geom.x.Clone(), nil }
func (op convXGrad) ReturnsPtr() bool                               { return false }
func (op convXGrad) CallsExtern() bool                              { return false }
func (op convXGrad) OverwritesInput() int                           { return -1 }
func (op convXGrad) WriteHash(h hash.Hash)                          { fmt.Fprintf(h, "conv5dx%v%d", op.geom.x, op.geom.o) }
func (op convXGrad) Hashcode() uint32                               { return hashOf(op) }
func (op convXGrad) String() string                                 { return "Conv5x5GradInput" }
func (op convXGrad) Do(in ...G.Value) (G.Value, error) {
	return op.UsePreallocDo(op.buf.result(in[0].Dtype(), op.geom.x), in...)
}

func (op convXGrad) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	switch k := in[0].Data().(type) {
	case []float32:
		convInputGrad(op.geom, k, in[1].Data().([]float32), prealloc.Data().([]float32), scratchOf[float32](op.buf, op.geom.rows()*(op.geom.pixels()+op.geom.o)), kernels.Gemm32)
	case []float64:
		convInputGrad(op.geom, k, in[1].Data().([]float64), prealloc.Data().([]float64), scratchOf[float64](op.buf, op.geom.rows()*(op.geom.pixels()+op.geom.o)), kernels.Gemm64)
	default:
		return nil, fmt.Errorf("conv input gradient: unsupported type %T", k)
	}
	return prealloc, nil
}

// gemmFunc computes c = a·b (transposing a or b as told) for row-major matrices, adding
// to c when accumulate is set: a is m×k (or k×m), b is k×n (or n×k), c is m×n.
type gemmFunc[T float32 | float64] func(transA, transB bool, m, n, k int, a, b, c []T, accumulate bool)

// tensorFn is the type of an op from tensors of the given ranks (the last is the
// result's), all of one element type.
func tensorFn(dims ...int) hm.Type {
	ts := make([]hm.Type, len(dims))
	for i, d := range dims {
		ts[i] = &G.TensorType{Dims: d, Of: hm.TypeVariable('a')}
	}
	return hm.NewFnType(ts...)
}
