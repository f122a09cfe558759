package graph

import (
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

// TestFusedLayersOnlyWhereExact: evaluation fuses layers only for the sigmoid model with
// average pooling in float32 on this package's GEMM; other variants and dtypes, and other
// BLAS builds, evaluate layer by layer.
func TestFusedLayersOnlyWhereExact(t *testing.T) {
	p, _ := NewParams(tensor.Float32, 1)
	if got, want := fusedLayers(p), kernels.ConvTileMatchesGemm(); got != want {
		t.Fatalf("seed model in float32: fused %v, the kernels match the GEMM %v", got, want)
	}
	p64, _ := NewParams(tensor.Float64, 1)
	relu, maxPool := *p, *p
	relu.Arch.Activation = "relu"
	maxPool.Arch.Pool = "max"
	for name, q := range map[string]*Params{"float64": p64, "relu": &relu, "max pool": &maxPool} {
		if fusedLayers(q) {
			t.Errorf("%s: fused", name)
		}
	}
}
