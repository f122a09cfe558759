package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// AvgPool2 averages each non-overlapping 2x2 window of an NCHW tensor with even H and W:
// (N,C,H,W) -> (N,C,H/2,W/2).
//
// Written by hand because gorgonia v0.9.18's AveragePool2D divides each window's sum by
// the input width instead of the window area and writes its gradient into the top-left
// quarter of the input only (a 2x2 pool of a 4x4 picture averages the wrong pixels and
// trains only a quarter of the layer below); this op and its gradient are
// checked by finite differences and against a reshape-and-sum built from stock ops.
func AvgPool2(x *G.Node) (*G.Node, error) { return pool2(x, false) }

// pool2 is the 2x2 average (or maximum) pooling op on x.
func pool2(x *G.Node, maximum bool) (*G.Node, error) {
	s := x.Shape()
	if s.Dims() != 4 || s[2]%2 != 0 || s[3]%2 != 0 {
		return nil, fmt.Errorf("pool2: input shape %v: expected (N,C,H,W) with even H and W", s)
	}
	name := "AvgPool2"
	if maximum {
		name = "MaxPool2"
	}
	out := tensor.Shape{s[0], s[1], s[2] / 2, s[3] / 2}
	return G.ApplyOp(&poolOp{newOp(fmt.Sprintf("%s%v", name, s), out, 4, 4), s.Clone(), maximum}, x)
}

// poolOp is the forward 2x2 average or maximum. The average's gradient, unpoolOp,
// spreads each output gradient, times 1/4, over the four inputs of its window; the
// maximum's, maxUnpoolOp, routes it to the window's first maximum.
type (
	poolOp struct {
		op
		in  tensor.Shape
		max bool
	}
	unpoolOp struct {
		op
		in tensor.Shape
	}
	// maxUnpoolOp takes (x, y, dy) and routes each dy to the first input of its window
	// that equals the window's maximum y.
	maxUnpoolOp struct {
		op
		in tensor.Shape
	}
)

func (p *poolOp) DiffWRT(int) []bool                     { return []bool{true} }
func (p *poolOp) Do(in ...G.Value) (G.Value, error)      { return p.UsePreallocDo(p.result(in), in...) }
func (p *unpoolOp) Do(in ...G.Value) (G.Value, error)    { return p.UsePreallocDo(p.result(in), in...) }
func (p *maxUnpoolOp) Do(in ...G.Value) (G.Value, error) { return p.UsePreallocDo(p.result(in), in...) }

func (p *poolOp) SymDiff(in G.Nodes, y, grad *G.Node) (G.Nodes, error) {
	var dx *G.Node
	var err error
	if p.max {
		dx, err = G.ApplyOp(&maxUnpoolOp{newOp(fmt.Sprintf("MaxUnpool2%v", p.in), p.in, 4, 4, 4, 4), p.in}, in[0], y, grad)
	} else {
		dx, err = G.ApplyOp(&unpoolOp{newOp(fmt.Sprintf("AvgUnpool2%v", p.in), p.in, 4, 4), p.in}, grad)
	}
	return G.Nodes{dx}, err
}

func (p *poolOp) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	x, y := in[0].(*tensor.Dense), prealloc.(*tensor.Dense)
	planes, h, w := p.in[0]*p.in[1], p.in[2], p.in[3]
	switch xs := x.Data().(type) {
	case []float32:
		poolWith(p.max, xs, y.Data().([]float32), planes, h, w)
	case []float64:
		poolWith(p.max, xs, y.Data().([]float64), planes, h, w)
	default:
		return nil, fmt.Errorf("%v: unsupported dtype %v", p, x.Dtype())
	}
	return y, nil
}

func (p *unpoolOp) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	g, dx := in[0].(*tensor.Dense), prealloc.(*tensor.Dense)
	planes, h, w := p.in[0]*p.in[1], p.in[2], p.in[3]
	switch gs := g.Data().(type) {
	case []float32:
		unpool(gs, dx.Data().([]float32), planes, h, w)
	case []float64:
		unpool(gs, dx.Data().([]float64), planes, h, w)
	default:
		return nil, fmt.Errorf("avgunpool2: unsupported dtype %v", g.Dtype())
	}
	return dx, nil
}

// pool writes the 2x2 means of planes (h, w) planes of x into y.
func pool[T float32 | float64](x, y []T, planes, h, w int) {
	oh, ow := h/2, w/2
	for p := 0; p < planes; p++ {
		xp, yp := x[p*h*w:], y[p*oh*ow:]
		for i := 0; i < oh; i++ {
			r0, r1 := xp[2*i*w:], xp[(2*i+1)*w:]
			for j := 0; j < ow; j++ {
				yp[i*ow+j] = (r0[2*j] + r0[2*j+1] + r1[2*j] + r1[2*j+1]) / 4
			}
		}
	}
}

// unpool writes dx = each window's output gradient g / 4 over its four inputs.
func unpool[T float32 | float64](g, dx []T, planes, h, w int) {
	oh, ow := h/2, w/2
	for p := 0; p < planes; p++ {
		gp, dp := g[p*oh*ow:], dx[p*h*w:]
		for i := 0; i < oh; i++ {
			r0, r1 := dp[2*i*w:], dp[(2*i+1)*w:]
			for j := 0; j < ow; j++ {
				v := gp[i*ow+j] / 4
				r0[2*j], r0[2*j+1], r1[2*j], r1[2*j+1] = v, v, v, v
			}
		}
	}
}

// Pools lists the subsampling layers a model can use after each convolution.
var Pools = []string{"avg", "max"}

// Pool2 applies the named 2x2 pooling (one of Pools).
func Pool2(kind string, x *G.Node) (*G.Node, error) {
	switch kind {
	case "avg":
		return AvgPool2(x)
	case "max":
		return MaxPool2(x)
	}
	return nil, fmt.Errorf("pool %q: expected one of %v", kind, Pools)
}

// MaxPool2 takes the maximum of each non-overlapping 2x2 window of an NCHW tensor with
// even H and W: (N,C,H,W) -> (N,C,H/2,W/2). Its gradient goes to the first maximum of
// each window, as PyTorch's does. gorgonia's MaxPool2D computes the same values
// (TestMaxPool2MatchesGorgonia) but pads and allocates its index tensors every step;
// this op keeps its buffers and its gradient op reads (x, y, dy), no indices.
func MaxPool2(x *G.Node) (*G.Node, error) { return pool2(x, true) }

func (p *maxUnpoolOp) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	planes, h, w := p.in[0]*p.in[1], p.in[2], p.in[3]
	switch xs := in[0].Data().(type) {
	case []float32:
		maxUnpool(xs, in[1].Data().([]float32), in[2].Data().([]float32), prealloc.Data().([]float32), planes, h, w)
	case []float64:
		maxUnpool(xs, in[1].Data().([]float64), in[2].Data().([]float64), prealloc.Data().([]float64), planes, h, w)
	default:
		return nil, fmt.Errorf("maxunpool2: unsupported type %T", xs)
	}
	return prealloc, nil
}

// poolWith writes y = the 2x2 means of x, or their maxima.
func poolWith[T float32 | float64](maximum bool, x, y []T, planes, h, w int) {
	if maximum {
		maxPool(x, y, planes, h, w)
	} else {
		pool(x, y, planes, h, w)
	}
}

// maxPool writes the 2x2 maxima of planes (h, w) planes of x into y.
func maxPool[T float32 | float64](x, y []T, planes, h, w int) {
	oh, ow := h/2, w/2
	for p := 0; p < planes; p++ {
		xp, yp := x[p*h*w:], y[p*oh*ow:]
		for i := 0; i < oh; i++ {
			r0, r1 := xp[2*i*w:], xp[(2*i+1)*w:]
			for j := 0; j < ow; j++ {
				yp[i*ow+j] = max(r0[2*j], r0[2*j+1], r1[2*j], r1[2*j+1])
			}
		}
	}
}

// maxUnpool writes dx: each window's g to the first of its inputs (row by row) equal
// to its maximum y, zero to the other three.
func maxUnpool[T float32 | float64](x, y, g, dx []T, planes, h, w int) {
	oh, ow := h/2, w/2
	for p := 0; p < planes; p++ {
		xp, yp, gp, dp := x[p*h*w:], y[p*oh*ow:], g[p*oh*ow:], dx[p*h*w:]
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				m, v, done := yp[i*ow+j], gp[i*ow+j], false
				for _, k := range [4]int{2*i*w + 2*j, 2*i*w + 2*j + 1, (2*i+1)*w + 2*j, (2*i+1)*w + 2*j + 1} {
					if !done && xp[k] == m {
						dp[k], done = v, true
					} else {
						dp[k] = 0
					}
				}
			}
		}
	}
}
