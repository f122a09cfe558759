package ops

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/lenet/lenet/graph/kernels"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// trainCase is a TrainConvSigmoidPool graph, or the layers it stands for, on fixed
// random data: n images of c maps of h x w into o maps reading the input maps ins,
// with a cost sum(y * r) for a fixed random r.
type trainCase struct {
	n, c, h, w, o int
	ins           [][]int
	inputGrad     bool
	xs, ks, bs, r []float64
}

func newTrainCase(seed uint64, n, c, h, w, o int, ins [][]int, inputGrad bool) *trainCase {
	rng := rand.New(rand.NewPCG(seed, 3))
	fill := func(k int, scale float64) []float64 {
		v := make([]float64, k)
		for i := range v {
			v[i] = scale * rng.NormFloat64()
		}
		return v
	}
	tc := &trainCase{n: n, c: c, h: h, w: w, o: o, ins: ins, inputGrad: inputGrad}
	tc.xs, tc.ks, tc.bs = fill(n*c*h*w, 1), fill(o*c*25, 0.5), fill(o, 0.5)
	tc.r = fill(n*o*(h-4)/2*(w-4)/2, 1)
	for oi := range o { // zero outside the lists, as C3's kernels times the table are
		for ci := range c {
			if ins != nil && !slices.Contains(ins[oi], ci) {
				clear(tc.ks[(oi*c+ci)*25 : (oi*c+ci+1)*25])
			}
		}
	}
	return tc
}

// run computes the cost, y and the gradients of x (when inputGrad), k and b, fused or
// layer by layer.
func (tc *trainCase) run(t *testing.T, fused bool) (cost float32, y, dx, dk, db []float32) {
	t.Helper()
	g := G.NewGraph()
	x := float32Node(g, tc.xs, "x", tc.n, tc.c, tc.h, tc.w)
	k, b := float32Node(g, tc.ks, "k", tc.o, tc.c, 5, 5), float32Node(g, tc.bs, "b", tc.o)
	var out *G.Node
	if fused {
		out = G.Must(TrainConvSigmoidPool(x, k, b, tc.ins, tc.inputGrad))
	} else {
		out = G.Must(AvgPool2(G.Must(Activation("sigmoid", G.Must(Conv(x, k, b, tc.inputGrad))))))
	}
	r := float32Node(g, tc.r, "r", out.Shape()...)
	c := G.Must(G.Sum(G.Must(G.HadamardProd(out, r))))
	wrt := G.Nodes{k, b}
	if tc.inputGrad {
		wrt = append(wrt, x)
	}
	if _, err := G.Grad(c, wrt...); err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	grad := func(n *G.Node) []float32 {
		gv, err := n.Grad()
		if err != nil {
			t.Fatal(err)
		}
		return slices.Clone(gv.Data().([]float32))
	}
	if tc.inputGrad {
		dx = grad(x)
	}
	return c.Value().Data().(float32), slices.Clone(out.Value().Data().([]float32)), dx, grad(k), grad(b)
}

// TestTrainConvSigmoidPoolMatchesLayers compares TrainConvSigmoidPool's values and its
// gradients of the input, kernels (those in the lists; the others get none) and biases
// bit for bit with Conv, the sigmoid and AvgPool2: C1's shapes (one map to 6, no input gradient) and C3's (6 maps to 16 with
// the connection table), each for 3 images, and odd shapes with tiles in both
// directions and an unsorted list.
func TestTrainConvSigmoidPoolMatchesLayers(t *testing.T) {
	if !kernels.ConvTileMatchesGemm() {
		t.Skip("the fused op gives the layers' bits only with the AVX2 GEMM")
	}
	c3 := [][]int{{0, 1, 2}, {1, 2, 3}, {2, 3, 4}, {3, 4, 5}, {0, 4, 5}, {0, 1, 5}, {0, 1, 2, 3}, {1, 2, 3, 4},
		{2, 3, 4, 5}, {0, 3, 4, 5}, {0, 1, 4, 5}, {0, 1, 2, 5}, {0, 1, 3, 4}, {1, 2, 4, 5}, {0, 2, 3, 5}, {0, 1, 2, 3, 4, 5}}
	for name, tc := range map[string]*trainCase{
		"C1":   newTrainCase(1, 3, 1, 28, 28, 6, nil, false),
		"C3":   newTrainCase(2, 3, 6, 12, 12, 16, c3, true),
		"odd":  newTrainCase(3, 2, 3, 20, 28, 5, [][]int{{2, 0}, nil, {1}, {0, 1}, {0}}, true),
		"full": newTrainCase(4, 2, 2, 12, 20, 4, nil, true),
	} {
		c1, y1, dx1, dk1, db1 := tc.run(t, true)
		c2, y2, dx2, dk2, db2 := tc.run(t, false)
		for oi := range tc.o { // kernels outside the lists: none from the fused op; the mask zeroes the layers' in a model
			for ci := range tc.c {
				if tc.ins != nil && !slices.Contains(tc.ins[oi], ci) {
					if k := dk1[(oi*tc.c+ci)*25 : (oi*tc.c+ci+1)*25]; slices.ContainsFunc(k, func(v float32) bool { return v != 0 }) {
						t.Fatalf("%s: a gradient for output map %d's unread input map %d: %v", name, oi, ci, k)
					}
					clear(dk2[(oi*tc.c+ci)*25 : (oi*tc.c+ci+1)*25])
				}
			}
		}
		if math.Float32bits(c1) != math.Float32bits(c2) {
			t.Errorf("%s: cost fused %g, layers %g", name, c1, c2)
		}
		for _, v := range []struct {
			what        string
			fused, want []float32
		}{{"y", y1, y2}, {"dx", dx1, dx2}, {"dk", dk1, dk2}, {"db", db1, db2}} {
			if len(v.fused) != len(v.want) {
				t.Fatalf("%s %s: %d values fused, %d layers", name, v.what, len(v.fused), len(v.want))
			}
			for i := range v.want {
				if math.Float32bits(v.fused[i]) != math.Float32bits(v.want[i]) {
					t.Fatalf("%s %s[%d]: fused %g, layers %g", name, v.what, i, v.fused[i], v.want[i])
				}
			}
		}
		if tc.inputGrad != (dx1 != nil) || slices.IndexFunc(dk1, func(v float32) bool { return v != 0 }) < 0 {
			t.Errorf("%s: input gradient %v with inputGrad %v, or no kernel gradient", name, dx1 != nil, tc.inputGrad)
		}
	}
}

// TestTrainConvSigmoidPoolFiniteDifference checks TrainConvSigmoidPool's gradients
// against central differences of its cost, in float32 (so to 2% on entries of some
// size): every bias, and 40 kernel weights and input pixels drawn at random.
func TestTrainConvSigmoidPoolFiniteDifference(t *testing.T) {
	if !kernels.HaveConvTile() {
		t.Skip("needs AVX2 and FMA")
	}
	tc := newTrainCase(5, 2, 2, 12, 12, 3, [][]int{{0}, {0, 1}, {1}}, true)
	_, _, dx, dk, db := tc.run(t, true)
	rng := rand.New(rand.NewPCG(6, 6))
	check := func(what string, v []float64, i int, grad float32) {
		const eps = 1e-2
		old := v[i]
		v[i] = old + eps
		up, _, _, _, _ := tc.run(t, true)
		v[i] = old - eps
		down, _, _, _, _ := tc.run(t, true)
		v[i] = old
		fd := (float64(up) - float64(down)) / (2 * eps)
		if math.Abs(fd-float64(grad)) > 0.02*math.Max(0.05, math.Abs(fd)) {
			t.Errorf("%s[%d]: gradient %g, finite difference %g", what, i, grad, fd)
		}
	}
	for i := range tc.bs {
		check("db", tc.bs, i, db[i])
	}
	for range 40 {
		i := rng.IntN(len(tc.ks))
		if tc.ks[i] == 0 { // outside the lists: the op does not read it
			continue
		}
		check("dk", tc.ks, i, dk[i])
		j := rng.IntN(len(tc.xs))
		check("dx", tc.xs, j, dx[j])
	}
}

// TestEvaluationOpHasNoGradient: ConvSigmoidPool, made for evaluation, keeps nothing
// for a backward pass and says so when differentiated.
func TestEvaluationOpHasNoGradient(t *testing.T) {
	if !kernels.HaveConvTile() {
		t.Skip("needs AVX2 and FMA")
	}
	g := G.NewGraph()
	x := G.NewTensor(g, tensor.Float32, 4, G.WithShape(1, 1, 12, 12), G.WithName("x"))
	k := G.NewTensor(g, tensor.Float32, 4, G.WithShape(2, 1, 5, 5), G.WithName("k"))
	b := G.NewTensor(g, tensor.Float32, 1, G.WithShape(2), G.WithName("b"))
	y := G.Must(ConvSigmoidPool(x, k, b, nil))
	if _, err := G.Grad(G.Must(G.Sum(y)), k); err == nil {
		t.Fatal("differentiated an evaluation op")
	}
}

// TestTrainConvSigmoidPoolTooManyReaders: an input gradient over more output maps than
// the kernel adds up for one input map is refused when the graph is built.
func TestTrainConvSigmoidPoolTooManyReaders(t *testing.T) {
	if !kernels.HaveConvTile() {
		t.Skip("needs AVX2 and FMA")
	}
	g := G.NewGraph()
	x := G.NewTensor(g, tensor.Float32, 4, G.WithShape(1, 1, 12, 12), G.WithName("x"))
	k := G.NewTensor(g, tensor.Float32, 4, G.WithShape(maxReaders+1, 1, 5, 5), G.WithName("k"))
	b := G.NewTensor(g, tensor.Float32, 1, G.WithShape(maxReaders+1), G.WithName("b"))
	if _, err := TrainConvSigmoidPool(x, k, b, nil, true); err == nil || !strings.Contains(err.Error(), "read by 17 output maps") {
		t.Fatalf("17 output maps on one input map: %v", err)
	}
	if _, err := TrainConvSigmoidPool(x, k, b, nil, false); err != nil {
		t.Fatalf("without an input gradient: %v", err)
	}
}
