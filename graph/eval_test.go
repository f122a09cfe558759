package graph

import (
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
// the default architecture where the CPU runs the fused ops.
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
		for _, batch := range []int{DefaultEvalBatch, 7, 1} {
			x := x
			if batch == 1 {
				x = x[:300*dataset.Pixels]
			}
			fused, err1 := newEvaluator(p, batch, evalGraph)
			layers, err2 := newEvaluator(p, batch, layerGraph)
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
						t.Fatalf("round %d, batch %d: probability %d (image %d) fused %g, layers %g", round, batch, i, i/dataset.Classes, a[i], b[i])
					}
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

// TestFusedLayersOnlyWhereExact builds evaluation graphs and looks at their ops: the
// seed model in float32 gets the fused layers wherever this build's kernels give the
// training graph's bits (with lenet's own BLAS on an AVX2 CPU they must), and the
// float64, ReLU and max-pooling models never do.
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
		n, err := build(c.p, 4, evalGraph)
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
			t.Errorf("%s: %d fused convolution layers in the evaluation graph, want %d", c.name, fused, map[bool]int{true: 2}[c.fused])
		}
	}
}
