package ops

import (
	"fmt"

	"github.com/lenet/lenet/graph/kernels"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TrainConvSigmoidPool is ConvSigmoidPool with a gradient, for training graphs: the
// same forward pass (x, k, b -> the pooled sigmoids of the convolution plus bias), which
// keeps each image's sigmoids for the backward pass; with inputGrad false x gets no
// gradient (C1: x is the image). k must be zero outside the lists of input maps ins
// (C3's kernels times the connection table), as ConvSigmoidPool skips those kernels.
//
// Written because a training step spent about a quarter of its time in the forward
// convolutions' im2col, GEMM and bias pass, and a tenth in the separate sigmoid, pooling
// and their gradients, each a pass over memory. The backward pass is one op for the
// pooling's and the sigmoid's gradients (the unpooling's g/4 times s(1-s), in the
// layer ops' order), then Conv's own bias gradient op, the kernel gradient by
// kernels.ConvGradMap straight from the input planes, for the listed kernels only (the
// others get a zero gradient), and the input gradient by kernels.ConvInputGradMap straight
// into the input planes, from the listed kernels. Where kernels.ConvTileMatchesGemm
// holds, values and gradients equal Conv, Activation("sigmoid") and AvgPool2's bit for
// bit (TestTrainConvSigmoidPoolMatchesLayers).
func TrainConvSigmoidPool(x, k, b *G.Node, ins [][]int, inputGrad bool) (*G.Node, error) {
	op, err := convSigmoidPool(x, k, b, ins)
	if err != nil {
		return nil, err
	}
	op.sig, op.inputGrad = new(buffers), inputGrad
	if inputGrad {
		for in, outs := range op.readers() {
			if len(outs) > maxReaders {
				return nil, fmt.Errorf("conv-sigmoid-pool: input map %d read by %d output maps (the input gradient takes at most %d)", in, len(outs), maxReaders)
			}
		}
	}
	return G.ApplyOp(op, x, k, b)
}

// maxReaders is the most output maps the input gradient adds up for one input map
// (kernels.ConvInputGradMap's limit; C3's maps are read by 10).
const maxReaders = 16

// sigmoidPoolGrad is the gradient of the sigmoid and the 2x2 average pooling at once:
// dy (B,O,OH/2,OW/2) -> d(B,O,OH,OW), from the forward op's kept sigmoids.
type sigmoidPoolGrad struct {
	op
	geom convGeom
	sig  *buffers
}

func (c convSigmoidPoolOp) DiffWRT(int) []bool { return []bool{c.inputGrad, true, true} }

func (c convSigmoidPoolOp) SymDiff(in G.Nodes, _, dy *G.Node) (G.Nodes, error) {
	if c.sig == nil {
		return nil, fmt.Errorf("%v: an evaluation op has no gradient (TrainConvSigmoidPool has)", c)
	}
	g, readers := c.geom, c.readers()
	d, err := G.ApplyOp(sigmoidPoolGrad{newOp(fmt.Sprintf("SigmoidAvgPool2Grad%v", g.out()), g.out(), 4, 4), g, c.sig}, dy)
	if err != nil {
		return nil, err
	}
	dk, err := G.ApplyOp(directKGrad{newOp(fmt.Sprintf("Conv5x5DirectGradKernel%v->%d", g.x, g.o), tensor.Shape{g.o, g.x[1], convSide, convSide}, 4, 4, 4), g, readers}, in[0], d)
	if err != nil {
		return nil, err
	}
	db, err := G.ApplyOp(convBGrad{newOp(fmt.Sprintf("Conv5x5GradBias%v->%d", g.x, g.o), tensor.Shape{g.o}, 4, 1), g}, d)
	if err != nil {
		return nil, err
	}
	var dx *G.Node
	if c.inputGrad {
		if dx, err = G.ApplyOp(directXGrad{newOp(fmt.Sprintf("Conv5x5DirectGradInput%v->%d", g.x, g.o), g.x, 4, 4, 4), g, readers}, in[1], d); err != nil {
			return nil, err
		}
	}
	return G.Nodes{dx, dk, db}, nil
}

// readers lists, for each input map, the output maps that read it (the calls' plan
// holds them: each call reads one input map for up to three output maps).
func (c convSigmoidPoolOp) readers() [][]int {
	r := make([][]int, c.geom.x[1])
	for _, call := range c.calls {
		for _, o := range call.out {
			if o < c.geom.o {
				r[call.in] = append(r[call.in], o)
			}
		}
	}
	return r
}

// directKGrad is the kernel gradient (x, d) -> dk (O,C,5,5): Conv's convKGrad computed
// by kernels.ConvGradMap straight from each image's planes, for the kernels an output
// map reads only (the others stay zero, as the connection table's mask makes them).
type directKGrad struct {
	op
	geom    convGeom
	readers [][]int // for each input map, the output maps that read it
}

func (c directKGrad) Do(in ...G.Value) (G.Value, error) {
	return c.UsePreallocDo(c.result(in), in...)
}

func (c directKGrad) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	x, ok := in[0].Data().([]float32)
	if !ok {
		return nil, fmt.Errorf("%v: unsupported type %T", c, in[0].Data())
	}
	d, dk := in[1].Data().([]float32), prealloc.Data().([]float32)
	g := c.geom
	n, ch, h, w := g.x[0], g.x[1], g.x[2], g.x[3]
	ow, p := w-convSide+1, g.pixels()
	clear(dk)
	var a, cs [4][]float32
	for b := 0; b < n; b++ { // the images in order, as the GEMM adds them
		xb, db := x[b*ch*h*w:(b+1)*ch*h*w], d[b*g.o*p:(b+1)*g.o*p]
		for in, outs := range c.readers {
			plane := xb[in*h*w : (in+1)*h*w]
			for len(outs) > 0 {
				rows := min(4, len(outs))
				for r, o := range outs[:rows] {
					a[r], cs[r] = db[o*p:(o+1)*p], dk[(o*ch+in)*25:(o*ch+in+1)*25]
				}
				kernels.ConvGradMap(p, &a, rows, plane, w, ow/8, &cs)
				outs = outs[rows:]
			}
		}
	}
	return prealloc, nil
}

// directXGrad is the input gradient (k, d) -> dx (B,C,H,W): Conv's convXGrad computed
// by kernels.ConvInputGradMap straight into each image's planes, weight by weight of the
// kernels, from the output maps that read each input map only.
type directXGrad struct {
	op
	geom    convGeom
	readers [][]int // for each input map, the output maps that read it
}

func (c directXGrad) Do(in ...G.Value) (G.Value, error) {
	return c.UsePreallocDo(c.result(in), in...)
}

func (c directXGrad) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	k, ok := in[0].Data().([]float32)
	if !ok {
		return nil, fmt.Errorf("%v: unsupported type %T", c, in[0].Data())
	}
	d, dx := in[1].Data().([]float32), prealloc.Data().([]float32)
	g := c.geom
	n, ch, h, w := g.x[0], g.x[1], g.x[2], g.x[3]
	oh, ow, p := h-convSide+1, w-convSide+1, g.pixels()
	clear(dx)
	var ks, ds [maxReaders][]float32
	for b := 0; b < n; b++ {
		db := d[b*g.o*p : (b+1)*g.o*p]
		for in, outs := range c.readers {
			if len(outs) == 0 {
				continue
			}
			for m, o := range outs {
				ks[m], ds[m] = k[(o*ch+in)*25:(o*ch+in+1)*25], db[o*p:(o+1)*p]
			}
			kernels.ConvInputGradMap(len(outs), &ks, &ds, oh, ow/8, dx[(b*ch+in)*h*w:(b*ch+in+1)*h*w], w)
		}
	}
	return prealloc, nil
}

// forwardKeeping is the forward pass of training: each image convolved into maps, then
// each map plus its bias, its sigmoids kept in c.sig (the values Conv's bias pass and
// the sigmoid op compute), pooled into y as AvgPool2 pools.
func (c convSigmoidPoolOp) forwardKeeping(x, k, bias, y, maps []float32) {
	g := c.geom
	n, ch, h, w := g.x[0], g.x[1], g.x[2], g.x[3]
	oh, ow := h-convSide+1, w-convSide+1
	plane := oh * ow
	sig := scratchOf[float32](c.sig, n*g.o*plane)
	for b := 0; b < n; b++ {
		c.convolve(x[b*ch*h*w:], k, maps)
		for o := 0; o < g.o; o++ {
			kernels.SigmoidPool32Keep(maps[o*plane:(o+1)*plane], sig[(b*g.o+o)*plane:(b*g.o+o+1)*plane], y[(b*g.o+o)*plane/4:], oh, ow, bias[o])
		}
	}
}

func (s sigmoidPoolGrad) Do(in ...G.Value) (G.Value, error) {
	return s.UsePreallocDo(s.result(in), in...)
}

func (s sigmoidPoolGrad) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	dy, ok := in[0].Data().([]float32)
	if !ok {
		return nil, fmt.Errorf("%v: unsupported type %T", s, in[0].Data())
	}
	d := prealloc.Data().([]float32)
	out := s.geom.out()
	oh, ow := out[2], out[3]
	sig, ok := s.sig.scratch.([]float32)
	if !ok || len(sig) < len(d) {
		return nil, fmt.Errorf("%v: the forward pass kept no sigmoids", s)
	}
	// The planes follow one another and each has an even number of rows, so all of them
	// are one plane of B*O*OH rows to the kernel.
	kernels.SigmoidPoolGrad32(sig, dy, d, out[0]*out[1]*oh, ow)
	return prealloc, nil
}
