package ops

import (
	"fmt"

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
	g := convGeom{x: xs.Clone(), o: ks[0]}
	return G.ApplyOp(convOp{newOp(fmt.Sprintf("Conv5x5%v->%d", g.x, g.o), g.out(), 4, 4, 1, 4), g, inputGrad}, x, k, b)
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
		op
		geom      convGeom
		inputGrad bool
	}
	convKGrad struct {
		op
		geom convGeom
		fwd  *buffers // the forward op's, holding every image's columns
	}
	convBGrad struct {
		op
		geom convGeom
	}
	convXGrad struct {
		op
		geom convGeom
	}
)

func (c convOp) DiffWRT(int) []bool                   { return []bool{c.inputGrad, true, true} }
func (c convOp) Do(in ...G.Value) (G.Value, error)    { return c.UsePreallocDo(c.result(in), in...) }
func (c convKGrad) Do(in ...G.Value) (G.Value, error) { return c.UsePreallocDo(c.result(in), in...) }
func (c convBGrad) Do(in ...G.Value) (G.Value, error) { return c.UsePreallocDo(c.result(in), in...) }
func (c convXGrad) Do(in ...G.Value) (G.Value, error) { return c.UsePreallocDo(c.result(in), in...) }

func (c convOp) SymDiff(in G.Nodes, _, dy *G.Node) (G.Nodes, error) {
	// The forward pass keeps its columns for the kernel gradient, which runs after it
	// in the same run: no second im2col.
	c.buf.keepCols = true
	g := c.geom
	dk, err := G.ApplyOp(convKGrad{newOp(fmt.Sprintf("Conv5x5GradKernel%v->%d", g.x, g.o), tensor.Shape{g.o, g.x[1], convSide, convSide}, 4, 4, 4), g, c.buf}, in[0], dy)
	if err != nil {
		return nil, err
	}
	db, err := G.ApplyOp(convBGrad{newOp(fmt.Sprintf("Conv5x5GradBias%v->%d", g.x, g.o), tensor.Shape{g.o}, 4, 1), g}, dy)
	if err != nil {
		return nil, err
	}
	var dx *G.Node
	if c.inputGrad {
		if dx, err = G.ApplyOp(convXGrad{newOp(fmt.Sprintf("Conv5x5GradInput%v->%d", g.x, g.o), g.x, 4, 4, 4), g}, in[1], dy); err != nil {
			return nil, err
		}
	}
	return G.Nodes{dx, dk, db}, nil
}

func (c convOp) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	g := c.geom
	switch x := in[0].Data().(type) {
	case []float32:
		convForward(g, x, in[1].Data().([]float32), in[2].Data().([]float32), prealloc.Data().([]float32), scratchOf[float32](c.buf, c.colsLen()), kernels.Gemm32)
	case []float64:
		convForward(g, x, in[1].Data().([]float64), in[2].Data().([]float64), prealloc.Data().([]float64), scratchOf[float64](c.buf, c.colsLen()), kernels.Gemm64)
	default:
		return nil, fmt.Errorf("conv: unsupported type %T", x)
	}
	return prealloc, nil
}

// colsLen is the forward pass's column scratch: every image's when they are kept.
func (c convOp) colsLen() int {
	n := c.geom.rows() * c.geom.pixels()
	if c.buf != nil && c.buf.keepCols {
		n *= c.geom.x[0]
	}
	return n
}

func (c convKGrad) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	switch x := in[0].Data().(type) {
	case []float32:
		cols, kept := kernelGradCols[float32](c)
		convKernelGrad(c.geom, x, in[1].Data().([]float32), prealloc.Data().([]float32), cols, kept, kernels.Gemm32)
	case []float64:
		cols, kept := kernelGradCols[float64](c)
		convKernelGrad(c.geom, x, in[1].Data().([]float64), prealloc.Data().([]float64), cols, kept, kernels.Gemm64)
	default:
		return nil, fmt.Errorf("conv kernel gradient: unsupported type %T", x)
	}
	return prealloc, nil
}

// kernelGradCols returns the forward pass's columns of every image when it kept them
// (kept true), else scratch for one image's.
func kernelGradCols[T float32 | float64](c convKGrad) (cols []T, kept bool) {
	n := c.geom.rows() * c.geom.pixels()
	if c.fwd != nil && c.fwd.keepCols {
		if all, ok := c.fwd.scratch.([]T); ok && len(all) >= n*c.geom.x[0] {
			return all, true
		}
	}
	return scratchOf[T](c.buf, n), false
}

func (c convBGrad) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	switch dy := in[0].Data().(type) {
	case []float32:
		convBiasGrad(c.geom, dy, prealloc.Data().([]float32))
	case []float64:
		convBiasGrad(c.geom, dy, prealloc.Data().([]float64))
	default:
		return nil, fmt.Errorf("conv bias gradient: unsupported type %T", dy)
	}
	return prealloc, nil
}

func (c convXGrad) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	switch k := in[0].Data().(type) {
	case []float32:
		convInputGrad(c.geom, k, in[1].Data().([]float32), prealloc.Data().([]float32), scratchOf[float32](c.buf, c.geom.rows()*(c.geom.pixels()+c.geom.o)), kernels.Gemm32)
	case []float64:
		convInputGrad(c.geom, k, in[1].Data().([]float64), prealloc.Data().([]float64), scratchOf[float64](c.buf, c.geom.rows()*(c.geom.pixels()+c.geom.o)), kernels.Gemm64)
	default:
		return nil, fmt.Errorf("conv input gradient: unsupported type %T", k)
	}
	return prealloc, nil
}

// gemmFunc computes c = a·b (transposing a or b as told) for row-major matrices, adding
// to c when accumulate is set: a is m×k (or k×m), b is k×n (or n×k), c is m×n.
type gemmFunc[T float32 | float64] func(transA, transB bool, m, n, k int, a, b, c []T, accumulate bool)
