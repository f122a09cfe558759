package ops

import (
	"errors"
	"fmt"
	"slices"

	"github.com/lenet/lenet/graph/kernels"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// ConvSigmoidPool is Conv, Activation("sigmoid") and AvgPool2 in one forward-only op,
// for evaluation: x (B,C,H,W), k (O,C,5,5), b (O) -> (B,O,(H-4)/2,(W-4)/2), float32,
// with H-4 and W-4 multiples of 8. ins[o] lists the input maps output map o reads (C3's
// connection table; nil: all of them); the others' kernels are skipped, which gives the
// same bits as multiplying them by zero.
//
// Written because evaluation spent 63% of its time in the convolutions' im2col and GEMM:
// here each image's convolution runs straight from its planes (kernels.Conv5x5Tile3, 8x8
// outputs of three maps at a time), bias, sigmoid and pooling follow in one pass over each
// map while it is in the cache (kernels.SigmoidPool32), and C3 does 60 of its 96 kernels.
// Each output adds its products in the GEMM's order, then the bias, and the sigmoid and
// pooling are the layer ops' arithmetic, so where kernels.ConvTileMatchesGemm holds, the
// result equals Conv, Activation and AvgPool2 bit for bit
// (TestConvSigmoidPoolMatchesLayers). It needs AVX2 and FMA (kernels.HaveConvTile) and
// has no gradient.
func ConvSigmoidPool(x, k, b *G.Node, ins [][]int) (*G.Node, error) {
	op, err := convSigmoidPool(x, k, b, ins)
	if err != nil {
		return nil, err
	}
	return G.ApplyOp(op, x, k, b)
}

// convSigmoidPool checks ConvSigmoidPool's arguments and plans its op.
func convSigmoidPool(x, k, b *G.Node, ins [][]int) (convSigmoidPoolOp, error) {
	if !kernels.HaveConvTile() {
		return convSigmoidPoolOp{}, errors.New("conv-sigmoid-pool: this CPU has no AVX2 and FMA")
	}
	xs, ks := x.Shape(), k.Shape()
	if xs.Dims() != 4 || ks.Dims() != 4 || ks[1] != xs[1] || ks[2] != convSide || ks[3] != convSide || b.Shape().TotalSize() != ks[0] ||
		(xs[2]-convSide+1)%8 != 0 || (xs[3]-convSide+1)%8 != 0 || xs[2] < 12 || xs[3] < 12 {
		return convSigmoidPoolOp{}, fmt.Errorf("conv-sigmoid-pool: x %v, kernel %v, bias %v: expected (B,C,H,W) with H-4 and W-4 multiples of 8, (O,C,5,5), (O)", xs, ks, b.Shape())
	}
	if x.Dtype() != tensor.Float32 {
		return convSigmoidPoolOp{}, fmt.Errorf("conv-sigmoid-pool: %v: expected float32", x.Dtype())
	}
	g := convGeom{x: xs.Clone(), o: ks[0]}
	if ins == nil {
		ins = make([][]int, g.o)
		for o := range ins {
			for c := 0; c < g.x[1]; c++ {
				ins[o] = append(ins[o], c)
			}
		}
	}
	if len(ins) != g.o {
		return convSigmoidPoolOp{}, fmt.Errorf("conv-sigmoid-pool: %d lists of input maps for %d output maps", len(ins), g.o)
	}
	sorted := make([][]int, len(ins)) // summed in the order of the maps, as the GEMM does
	for o, list := range ins {
		sorted[o] = slices.Sorted(slices.Values(list))
		for n, c := range sorted[o] {
			if c < 0 || c >= g.x[1] || (n > 0 && c == sorted[o][n-1]) {
				return convSigmoidPoolOp{}, fmt.Errorf("conv-sigmoid-pool: input maps %v of output map %d: expected distinct maps in [0, %d)", list, o, g.x[1])
			}
		}
	}
	ins = sorted
	s := g.out()
	out := tensor.Shape{s[0], s[1], s[2] / 2, s[3] / 2}
	op := convSigmoidPoolOp{op: newOp(fmt.Sprintf("Conv5x5SigmoidAvgPool2%v->%d%v", g.x, g.o, ins), out, 4, 4, 1, 4), geom: g}
	op.plan(ins)
	return op, nil
}

// convSigmoidPoolOp computes each image's convolution as a list of calls of
// kernels.Conv5x5Tile3, made once: input map by input map in increasing order (so that
// each output adds its input maps' products in that order, as the GEMM does), the output
// maps that read it three at a time (a dummy map filling a last group of two; a last
// single map goes to kernels.Conv5x5Tile).
type convSigmoidPoolOp struct {
	op
	geom  convGeom
	calls []tileCall
	zero  []int // maps cleared before each image: they start on an added-to call, or have no input
	// For training (TrainConvSigmoidPool): sig keeps every image's sigmoids before the
	// pooling, for the gradient; inputGrad says whether x gets one.
	sig       *buffers
	inputGrad bool
}

// tileCall is a call for input map in and output maps out (g.o: the dummy); load is
// whether it adds to the maps' values (false only where it is the first call of all three).
type tileCall struct {
	in   int
	out  [3]int
	load bool
}

// plan makes the calls for the (sorted) lists of input maps of each output map.
func (c *convSigmoidPoolOp) plan(ins [][]int) {
	first := make([]int, len(ins)) // each output map's first input map
	for o, list := range ins {
		first[o] = -1
		if len(list) > 0 {
			first[o] = list[0]
		} else {
			c.zero = append(c.zero, o)
		}
	}
	zeroed := make([]bool, len(ins))
	for in := 0; in < c.geom.x[1]; in++ {
		var outs []int
		for o, list := range ins {
			if slices.Contains(list, in) {
				outs = append(outs, o)
			}
		}
		for len(outs) > 0 {
			n := min(3, len(outs))
			call := tileCall{in: in, out: [3]int{c.geom.o, c.geom.o, c.geom.o}}
			copy(call.out[:], outs[:n])
			for _, o := range outs[:n] {
				call.load = call.load || first[o] != in
			}
			if call.load {
				for _, o := range outs[:n] {
					if first[o] == in && !zeroed[o] {
						zeroed[o] = true
						c.zero = append(c.zero, o)
					}
				}
			}
			c.calls = append(c.calls, call)
			outs = outs[n:]
		}
	}
}

func (c convSigmoidPoolOp) Do(in ...G.Value) (G.Value, error) {
	return c.UsePreallocDo(c.result(in), in...)
}

func (c convSigmoidPoolOp) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	x, ok := in[0].Data().([]float32)
	if !ok {
		return nil, fmt.Errorf("%v: unsupported type %T", c, in[0].Data())
	}
	k, bias, y := in[1].Data().([]float32), in[2].Data().([]float32), prealloc.Data().([]float32)
	g := c.geom
	n, ch, h, w := g.x[0], g.x[1], g.x[2], g.x[3]
	oh, ow := h-convSide+1, w-convSide+1
	plane := oh * ow
	maps := scratchOf[float32](c.buf, (g.o+1)*plane+25) // one image's convolution, reused
	if c.sig != nil {
		c.forwardKeeping(x, k, bias, y, maps)
		return prealloc, nil
	}
	for b := 0; b < n; b++ {
		c.convolve(x[b*ch*h*w:], k, maps)
		yb := y[b*g.o*plane/4:]
		for o := 0; o < g.o; o++ {
			kernels.SigmoidPool32(maps[o*plane:(o+1)*plane], yb[o*plane/4:(o+1)*plane/4], oh, ow, bias[o])
		}
	}
	return prealloc, nil
}

// convolve writes the convolution of one image xb (C,H,W) with k into maps: the output
// maps (O,OH,OW), then the dummy map's plane and its 25 zero weights.
func (c *convSigmoidPoolOp) convolve(xb, k, maps []float32) {
	g := c.geom
	ch, h, w := g.x[1], g.x[2], g.x[3]
	oh, ow := h-convSide+1, w-convSide+1
	plane := oh * ow
	dummyK := maps[(g.o+1)*plane : (g.o+1)*plane+25]
	clear(dummyK)
	kernel := func(o, in int) []float32 {
		if o == g.o {
			return dummyK
		}
		return k[(o*ch+in)*25:]
	}
	for _, o := range c.zero {
		clear(maps[o*plane : (o+1)*plane])
	}
	for _, call := range c.calls {
		in := xb[call.in*h*w:]
		k0, k1, k2 := kernel(call.out[0], call.in), kernel(call.out[1], call.in), kernel(call.out[2], call.in)
		m0, m1, m2 := maps[call.out[0]*plane:], maps[call.out[1]*plane:], maps[call.out[2]*plane:]
		single := call.out[1] == g.o // one map: no dummies to compute
		for ty := 0; ty < oh; ty += 8 {
			for tx := 0; tx < ow; tx += 8 {
				t, i := ty*ow+tx, ty*w+tx
				if single {
					kernels.Conv5x5Tile(in[i:], w, k0, m0[t:], ow, call.load)
				} else {
					kernels.Conv5x5Tile3(in[i:], w, k0, k1, k2, m0[t:], m1[t:], m2[t:], ow, call.load)
				}
			}
		}
	}
}

// DenseSigmoid is x·w + b followed by the sigmoid, or without it when sigmoid is false,
// in one forward-only op for evaluation: x (B,K), w (K,N), b (N) -> (B,N), float32.
// Written because gorgonia's Mul, bias BroadcastAdd and a separate activation allocate
// their results on every run and repeat the bias over the batch; here the product goes
// through the same Gemm32 as gorgonia's MatMul, the bias is added in place and
// Sigmoid32s runs over the whole result as the activation op does, so the values are
// theirs bit for bit (TestDenseSigmoidMatchesLayers). It has no gradient.
func DenseSigmoid(x, w, b *G.Node, sigmoid bool) (*G.Node, error) {
	xs, ws := x.Shape(), w.Shape()
	if xs.Dims() != 2 || ws.Dims() != 2 || xs[1] != ws[0] || b.Shape().TotalSize() != ws[1] {
		return nil, fmt.Errorf("dense: x %v, w %v, bias %v: expected (B,K), (K,N), (N)", xs, ws, b.Shape())
	}
	if x.Dtype() != tensor.Float32 {
		return nil, fmt.Errorf("dense: %v: expected float32", x.Dtype())
	}
	name := "Dense"
	if sigmoid {
		name = "DenseSigmoid"
	}
	out := tensor.Shape{xs[0], ws[1]}
	return G.ApplyOp(denseOp{newOp(fmt.Sprintf("%s%v%v", name, xs, ws), out, 2, 2, 1, 2), sigmoid}, x, w, b)
}

type denseOp struct {
	op
	sigmoid bool
}

func (d denseOp) Do(in ...G.Value) (G.Value, error) { return d.UsePreallocDo(d.result(in), in...) }

func (d denseOp) UsePreallocDo(prealloc G.Value, in ...G.Value) (G.Value, error) {
	x, ok := in[0].Data().([]float32)
	if !ok {
		return nil, fmt.Errorf("%v: unsupported type %T", d, in[0].Data())
	}
	w, bias, y := in[1].Data().([]float32), in[2].Data().([]float32), prealloc.Data().([]float32)
	m, n := d.shape[0], d.shape[1]
	kernels.Gemm32(false, false, m, n, len(x)/m, x, w, y, false)
	for r := 0; r < m; r++ {
		row := y[r*n : (r+1)*n]
		for j, v := range bias[:n] {
			row[j] += v
		}
	}
	if d.sigmoid {
		kernels.Sigmoid32s(y, y)
	}
	return prealloc, nil
}
