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

// TestConvSigmoidPoolMatchesLayers compares ConvSigmoidPool bit for bit with Conv,
// the sigmoid and AvgPool2 on kernels masked to zero outside the lists of input maps:
// two images of 3 maps of 20x28 (tiles in both directions, the images' planes not
// multiples of 8 apart), into 5 maps with an unsorted list and none; input map 0 is
// read by three output maps at once, map 1 by two (and a dummy), map 2 by one, which
// adds to the first's values.
func TestConvSigmoidPoolMatchesLayers(t *testing.T) {
	if !kernels.ConvTileMatchesGemm() {
		t.Skip("the fused op gives the layers' bits only with the AVX2 GEMM")
	}
	const n, c, h, w, o = 2, 3, 20, 28, 5
	ins := [][]int{{2, 0}, nil, {1}, {0, 1}, {0}}
	rng := rand.New(rand.NewPCG(8, 8))
	fill := func(k int) []float64 {
		v := make([]float64, k)
		for i := range v {
			v[i] = 2 * rng.NormFloat64()
		}
		return v
	}
	xs, ks, bs := fill(n*c*h*w), fill(o*c*25), fill(o)
	masked := append([]float64(nil), ks...)
	for oi := range o {
		for ci := range c {
			if !slices.Contains(ins[oi], ci) {
				clear(masked[(oi*c+ci)*25 : (oi*c+ci+1)*25])
			}
		}
	}
	run := func(fused bool) []float32 {
		g := G.NewGraph()
		x, b := float32Node(g, xs, "x", n, c, h, w), float32Node(g, bs, "b", o)
		var y *G.Node
		if fused {
			y = G.Must(ConvSigmoidPool(x, float32Node(g, ks, "k", o, c, 5, 5), b, ins))
		} else {
			y = G.Must(Conv(x, float32Node(g, masked, "k", o, c, 5, 5), b, false))
			y = G.Must(AvgPool2(G.Must(Activation("sigmoid", y))))
		}
		return runFloat32(t, g, y)
	}
	got, want := run(true), run(false)
	if len(got) != n*o*(h-4)/2*(w-4)/2 {
		t.Fatalf("%d outputs", len(got))
	}
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("output %d: fused %g, layers %g", i, got[i], want[i])
		}
	}
}

// TestConvSigmoidPoolErrors: shapes, lists and types it cannot take are errors.
func TestConvSigmoidPoolErrors(t *testing.T) {
	if !kernels.HaveConvTile() {
		if _, err := ConvSigmoidPool(nil, nil, nil, nil); err == nil || !strings.Contains(err.Error(), "AVX2") {
			t.Fatalf("without AVX2: %v", err)
		}
		return
	}
	g := G.NewGraph()
	node := func(dt tensor.Dtype, shape ...int) *G.Node {
		return G.NewTensor(g, dt, len(shape), G.WithShape(shape...))
	}
	k, b := node(tensor.Float32, 2, 1, 5, 5), node(tensor.Float32, 2)
	for _, c := range []struct {
		x, k   *G.Node
		ins    [][]int
		expect string
	}{
		{node(tensor.Float32, 1, 1, 28, 27), k, nil, "multiples of 8"},
		{node(tensor.Float32, 1, 1, 28), k, nil, "expected (B,C,H,W)"},
		{node(tensor.Float32, 1, 2, 28, 28), k, nil, "expected (B,C,H,W)"},
		{node(tensor.Float64, 1, 1, 28, 28), node(tensor.Float64, 2, 1, 5, 5), nil, "float32"},
		{node(tensor.Float32, 1, 1, 28, 28), k, [][]int{{0}}, "1 lists of input maps for 2"},
		{node(tensor.Float32, 1, 1, 28, 28), k, [][]int{{0}, {1}}, "distinct maps in [0, 1)"},
		{node(tensor.Float32, 1, 1, 28, 28), k, [][]int{{0}, {0, 0}}, "distinct maps"},
	} {
		if _, err := ConvSigmoidPool(c.x, c.k, b, c.ins); err == nil || !strings.Contains(err.Error(), c.expect) {
			t.Errorf("x %v, lists %v: %v (expected %q)", c.x.Shape(), c.ins, err, c.expect)
		}
	}
}

// TestDenseSigmoidMatchesLayers compares DenseSigmoid bit for bit with gorgonia's Mul,
// the bias's BroadcastAdd and the sigmoid (or without it), at the model's shapes with a
// batch whose outputs are not a multiple of 8 (the sigmoid's scalar tail).
func TestDenseSigmoidMatchesLayers(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	fill := func(k int) []float64 {
		v := make([]float64, k)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		return v
	}
	for _, s := range [][3]int{{250, 256, 120}, {7, 120, 84}, {13, 84, 10}} {
		bt, k, n := s[0], s[1], s[2]
		xs, ws, bs := fill(bt*k), fill(k*n), fill(n)
		for _, sigmoid := range []bool{true, false} {
			run := func(fused bool) []float32 {
				g := G.NewGraph()
				x, w, b := float32Node(g, xs, "x", bt, k), float32Node(g, ws, "w", k, n), float32Node(g, bs, "b", n)
				var y *G.Node
				if fused {
					y = G.Must(DenseSigmoid(x, w, b, sigmoid))
				} else {
					y = G.Must(G.BroadcastAdd(G.Must(G.Mul(x, w)), G.Must(G.Reshape(b, tensor.Shape{1, n})), nil, []byte{0}))
					if sigmoid {
						y = G.Must(Activation("sigmoid", y))
					}
				}
				return runFloat32(t, g, y)
			}
			got, want := run(true), run(false)
			if len(got) != bt*n {
				t.Fatalf("%v: %d outputs", s, len(got))
			}
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%v, sigmoid %v: output %d: fused %g, layers %g", s, sigmoid, i, got[i], want[i])
				}
			}
		}
	}
	g := G.NewGraph()
	if _, err := DenseSigmoid(G.NewMatrix(g, tensor.Float32, G.WithShape(2, 3)), G.NewMatrix(g, tensor.Float32, G.WithShape(4, 5)), G.NewVector(g, tensor.Float32, G.WithShape(5)), true); err == nil || !strings.Contains(err.Error(), "expected (B,K)") {
		t.Errorf("mismatched shapes: %v", err)
	}
}

// float32Node is a float32 tensor node of the given shape holding v.
func float32Node(g *G.ExprGraph, v []float64, name string, shape ...int) *G.Node {
	t := tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(shape...))
	setData(t, v)
	return G.NodeFromAny(g, t, G.WithName(name))
}

// runFloat32 runs g on a tape machine and returns y's float32 values.
func runFloat32(t *testing.T, g *G.ExprGraph, y *G.Node) []float32 {
	t.Helper()
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	return y.Value().Data().([]float32)
}
