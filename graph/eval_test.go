package graph

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph/kernels"
	"gorgonia.org/tensor"
)

// TestFusedEvaluationMatchesLayers scores MNIST's 10,000 test images with the fused
// evaluation graph and with the layer-by-layer graph the trainer runs, bit for bit: at
// the initial weights and after 200 training steps, with batches of 250 and 7 (a last
// partial batch), and the first 300 images one at a time (the drawing page's batch), on
// the default architecture where the CPU runs the fused ops. An image's probabilities
// are also the same bits whatever the batch it is in (the reader scores a picture's
// pieces in batches).
func TestFusedEvaluationMatchesLayers(t *testing.T) {
	p, err := NewParams(tensor.Float32, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !fusedLayers(p) {
		t.Skip("no fused convolutions on this CPU and BLAS")
	}
	dir, err := dataset.DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	test, err := dataset.Load(dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	train, err := dataset.Load(dir, "train")
	if err != nil {
		t.Fatal(err)
	}
	x := dataset.Floats(test)
	tr, err := NewTrainer(p, 32, Optimizer{Adam: DefaultAdam})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	trainX := dataset.Floats(train)
	for round := 0; round < 2; round++ {
		var first []float64 // the first 300 images' probabilities at DefaultEvalBatch
		for _, batch := range []int{DefaultEvalBatch, 7, 1} {
			x := x
			if batch == 1 {
				x = x[:300*dataset.Pixels]
			}
			fused, err1 := newEvaluator(p, batch, evalGraph, 2)
			layers, err2 := newEvaluator(p, batch, layerGraph, 2)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			a, err1 := fused.Probabilities(x)
			b, err2 := layers.Probabilities(x)
			fused.Close()
			layers.Close()
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if !bitsEqual(a, b) {
				for i := range a {
					if a[i] != b[i] {
						t.Fatalf("round %d, batch %d: probability %d (image %d) fused %g, layers %g", round, batch, i, i/dataset.Digits, a[i], b[i])
					}
				}
			}
			if first == nil {
				first = a[:300*dataset.Digits]
			}
			for i, v := range first {
				if math.Float64bits(v) != math.Float64bits(a[i]) {
					t.Fatalf("round %d: probability %d (image %d) %g in batches of %d, %g in batches of %d", round, i, i/dataset.Digits, a[i], batch, v, DefaultEvalBatch)
				}
			}
		}
		for s := 0; s < 200; s++ { // train on to weights that read digits
			lo := s * 32
			if _, _, err := tr.Step(trainX[lo*dataset.Pixels:(lo+32)*dataset.Pixels], train.Labels[lo:lo+32]); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestFusedLayersOnlyWhereExact builds evaluation and training graphs and looks at
// their ops: the seed model in float32 gets the fused convolution layers wherever this
// build's kernels give the layer-by-layer graph's bits (with lenet's own BLAS on an AVX2
// CPU they must), and the float64, ReLU and max-pooling models never do.
func TestFusedLayersOnlyWhereExact(t *testing.T) {
	p, _ := NewParams(tensor.Float32, 1)
	if kernels.HaveConvTile() && ownBLAS && !kernels.ConvTileMatchesGemm() {
		t.Fatal("an AVX2 CPU on lenet's own BLAS, yet the convolution tiles are not taken as exact")
	}
	p64, _ := NewParams(tensor.Float64, 1)
	relu, maxPool := *p, *p
	relu.Arch.Activation = "relu"
	maxPool.Arch.Pool = "max"
	for _, c := range []struct {
		name  string
		p     *Params
		fused bool
	}{{"seed float32", p, kernels.ConvTileMatchesGemm()}, {"float64", p64, false}, {"relu", &relu, false}, {"max pool", &maxPool, false}} {
		for kind, what := range map[graphKind]string{evalGraph: "evaluation", trainGraph: "training"} {
			n, err := build(c.p, 4, kind)
			if err != nil {
				t.Fatal(err)
			}
			fused := 0
			for _, node := range n.g.AllNodes() {
				if op := node.Op(); op != nil && strings.HasPrefix(op.String(), "Conv5x5SigmoidAvgPool2") {
					fused++
				}
			}
			if (fused == 2) != c.fused || (fused != 0 && fused != 2) {
				t.Errorf("%s: %d fused convolution layers in the %s graph, want %d", c.name, fused, what, map[bool]int{true: 2}[c.fused])
			}
		}
	}
}

// TestCommittee checks that a committee's probabilities are its members' averaged (a
// committee of one giving NewEvaluator's bits) and that a temperature rescales them as
// dividing the logits would.
func TestCommittee(t *testing.T) {
	var members []*Params
	for seed := range uint64(3) {
		p, err := NewParams(tensor.Float32, seed+1)
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, p)
	}
	x := make([]float32, 20*dataset.Pixels)
	for i := range x {
		x[i] = float32(i%97) / 96
	}
	probs := func(ps []*Params, temp float64) []float64 {
		t.Helper()
		e, err := NewCommittee(ps, temp, 7)
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		out, err := e.Probabilities(x)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	single := make([][]float64, len(members))
	for i, p := range members {
		e, err := NewEvaluator(p, 7)
		if err != nil {
			t.Fatal(err)
		}
		if single[i], err = e.Probabilities(x); err != nil {
			t.Fatal(err)
		}
		e.Close()
	}
	if got := probs(members[:1], 1); !slices.Equal(got, single[0]) {
		t.Error("a committee of one differs from its network")
	}
	got := probs(members, 0)
	for i, v := range got {
		want := (single[0][i] + single[1][i] + single[2][i]) / 3
		if math.Abs(v-want) > 1e-15 {
			t.Fatalf("committee probability %d: %v (expected the average %v)", i, v, want)
		}
	}
	hot := probs(members[:1], 2)
	row, want := single[0][:dataset.Digits], make([]float64, dataset.Digits)
	var z float64
	for c, v := range row {
		want[c] = math.Sqrt(v)
		z += want[c]
	}
	for c := range want {
		if math.Abs(hot[c]-want[c]/z) > 1e-12 {
			t.Fatalf("temperature 2: probability %d is %v (expected %v)", c, hot[c], want[c]/z)
		}
	}
	for _, bad := range []float64{-1, math.NaN(), math.Inf(1)} {
		if _, err := NewCommittee(members, bad, 7); err == nil {
			t.Errorf("temperature %v accepted", bad)
		}
	}
	if _, err := NewCommittee(nil, 1, 7); err == nil {
		t.Error("a committee of none accepted")
	}
}
