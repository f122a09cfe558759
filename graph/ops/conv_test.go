package ops

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestConvMatchesGorgonia compares Conv's values and its gradients for the input, kernel
// and bias with gorgonia's Conv2d plus a broadcast bias, in float64 and float32.
func TestConvMatchesGorgonia(t *testing.T) {
	const n, c, h, w, o = 3, 2, 10, 9, 4
	rng := rand.New(rand.NewPCG(4, 4))
	fill := func(k int) []float64 {
		v := make([]float64, k)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		return v
	}
	xs, ks, bs, rs := fill(n*c*h*w), fill(o*c*25), fill(o), fill(n*o*(h-4)*(w-4))
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		tol := 1e-10
		if dt == tensor.Float32 {
			tol = 2e-4
		}
		mk := func(g *G.ExprGraph, v []float64, name string, shape ...int) *G.Node {
			t := tensor.New(tensor.Of(dt), tensor.WithShape(shape...))
			setData(t, v)
			return G.NodeFromAny(g, t, G.WithName(name))
		}
		run := func(ours, backward bool) [][]float64 {
			g := G.NewGraph()
			x, k, b := mk(g, xs, "x", n, c, h, w), mk(g, ks, "k", o, c, 5, 5), mk(g, bs, "b", o)
			var y *G.Node
			if ours {
				y = G.Must(Conv(x, k, b, true))
			} else {
				y = G.Must(G.Conv2d(x, k, tensor.Shape{5, 5}, []int{0, 0}, []int{1, 1}, []int{1, 1}))
				y = G.Must(G.BroadcastAdd(y, G.Must(G.Reshape(b, tensor.Shape{1, o, 1, 1})), nil, []byte{0, 2, 3}))
			}
			vm := G.NewTapeMachine(g)
			if backward {
				cost := G.Must(G.Sum(G.Must(G.HadamardProd(y, mk(g, rs, "r", n, o, h-4, w-4)))))
				if _, err := G.Grad(cost, x, k, b); err != nil {
					t.Fatal(err)
				}
				vm = G.NewTapeMachine(g, G.BindDualValues(x, k, b))
			}
			defer vm.Close()
			if err := vm.RunAll(); err != nil {
				t.Fatal(err)
			}
			if !backward {
				return [][]float64{asF64(y.Value().Data())}
			}
			var out [][]float64
			for _, nd := range []*G.Node{x, k, b} {
				gv, err := nd.Grad()
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, asF64(gv.Data()))
			}
			return out
		}
		for _, backward := range []bool{false, true} {
			ours, stock := run(true, backward), run(false, backward)
			for i := range ours {
				for j := range ours[i] {
					if d := math.Abs(ours[i][j] - stock[i][j]); d > tol*(1+math.Abs(stock[i][j])) {
						t.Fatalf("%v backward=%v, result %d[%d]: Conv %g, gorgonia %g", dt, backward, i, j, ours[i][j], stock[i][j])
					}
				}
			}
		}
	}
}

func asF64(v any) []float64 {
	switch d := v.(type) {
	case []float32:
		out := make([]float64, len(d))
		for i, x := range d {
			out[i] = float64(x)
		}
		return out
	case []float64:
		return append([]float64(nil), d...)
	}
	return nil
}

// TestIm2colShapes checks im2col against its definition on LeNet's own shapes (C3's rows
// of 8 take the array-copy path) and on an odd one.
func TestIm2colShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, s := range [][3]int{{1, 28, 28}, {6, 12, 12}, {2, 10, 9}} {
		c, h, w := s[0], s[1], s[2]
		oh, ow := h-4, w-4
		x := make([]float32, c*h*w)
		for i := range x {
			x[i] = rng.Float32()
		}
		col := make([]float32, c*25*oh*ow)
		im2col(x, c, h, w, col)
		for ci := 0; ci < c; ci++ {
			for i := 0; i < 5; i++ {
				for j := 0; j < 5; j++ {
					for y := 0; y < oh; y++ {
						for q := 0; q < ow; q++ {
							if got, want := col[((ci*5+i)*5+j)*oh*ow+y*ow+q], x[ci*h*w+(y+i)*w+q+j]; got != want {
								t.Fatalf("%v: col[%d,%d,%d][%d,%d] = %g, want %g", s, ci, i, j, y, q, got, want)
							}
						}
					}
				}
			}
		}
	}
}
