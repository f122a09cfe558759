package graph

import (
	"fmt"
	"testing"

	"github.com/lenet/lenet/dataset"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// BenchmarkTrainStep is one Adam step of the seed model on a batch of 32 (the train
// command's default), float32.
func BenchmarkTrainStep(b *testing.B) {
	p, _ := NewParams(tensor.Float32, 1)
	tr, err := NewTrainer(p, 32, Optimizer{Adam: DefaultAdam})
	if err != nil {
		b.Fatal(err)
	}
	defer tr.Close()
	x, y := randomImages(32, 1)
	for b.Loop() {
		if _, _, err := tr.Step(x, y); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "batches/s")
	b.ReportMetric(32*float64(b.N)/b.Elapsed().Seconds(), "images/s")
}

// BenchmarkEvaluate scores 10,000 images (the test set's size), float32.
func BenchmarkEvaluate(b *testing.B) {
	p, _ := NewParams(tensor.Float32, 1)
	ev, err := NewEvaluator(p, DefaultEvalBatch)
	if err != nil {
		b.Fatal(err)
	}
	defer ev.Close()
	x, _ := randomImages(10000, 1)
	for b.Loop() {
		if _, err := ev.Predict(x); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(10000*float64(b.N)/b.Elapsed().Seconds(), "images/s")
}

// BenchmarkEvaluateTestSet scores MNIST's 10,000 test images as lenet test and each
// epoch of training do (PredictSet: the bytes scaled a batch at a time, the most probable
// digits), float32, at fixed weights: one network, a committee of 5 (the issue: under
// 0.25 s) and one of 9, as the built-in model is.
func BenchmarkEvaluateTestSet(b *testing.B) {
	dir, err := dataset.DefaultDir()
	if err != nil {
		b.Fatal(err)
	}
	test, err := dataset.Load(dir, "test")
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range []int{1, 5, 9} {
		b.Run(fmt.Sprintf("committee=%d", size), func(b *testing.B) {
			var members []*Params
			for seed := range size {
				p, _ := NewParams(tensor.Float32, uint64(seed+1))
				members = append(members, p)
			}
			ev, err := NewCommittee(members, 0, DefaultEvalBatch)
			if err != nil {
				b.Fatal(err)
			}
			defer ev.Close()
			for b.Loop() {
				if _, err := ev.PredictSet(test); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(test.Count)*float64(b.N)/b.Elapsed().Seconds(), "images/s")
		})
	}
}

// BenchmarkShare is the unit of a training step's parallel work: one share's forward and
// backward pass (16 images, batch 32's share), on one goroutine. With BenchmarkUpdate
// and the distortion and evaluation benchmarks it projects epoch times on more cores
// (docs/performance.md).
func BenchmarkShare(b *testing.B) {
	p, _ := NewParams(tensor.Float32, 1)
	tr, err := NewTrainer(p, 32, Optimizer{Adam: DefaultAdam})
	if err != nil {
		b.Fatal(err)
	}
	defer tr.Close()
	x, y := randomImages(16, 1)
	r := tr.replicas[0]
	for b.Loop() {
		if err := r.n.load(x, y); err != nil {
			b.Fatal(err)
		}
		if err := r.vm.run(); err != nil {
			b.Fatal(err)
		}
		r.vm.Reset()
		zeroAll(r.grads)
	}
}

// BenchmarkUpdate is a step's serial-free remainder at batch 32: averaging the 2 shares'
// gradients, the Adam update and the weight copy, all on one goroutine (a step splits
// it among its goroutines).
func BenchmarkUpdate(b *testing.B) {
	p, _ := NewParams(tensor.Float32, 1)
	tr, err := newTrainerShares(p, 32, Optimizer{Adam: DefaultAdam}, 2)
	if err != nil {
		b.Fatal(err)
	}
	defer tr.Close()
	tr.team.close()
	tr.team = newTeam(1)
	x, y := randomImages(32, 1)
	if err := tr.forwardBackward(x, y); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := tr.update(); err != nil {
			b.Fatal(err)
		}
	}
}

// zeroAll zeroes the gradients of vgs with zeroGrads, as a step's update does; before
// a graph's first run there are none.
func zeroAll(vgs []G.ValueGrad) {
	for _, vg := range vgs {
		g, err := vg.Grad()
		if err != nil || g == nil {
			continue
		}
		zeroGrads([]*tensor.Dense{g.(*tensor.Dense)}, 0, g.Shape().TotalSize())
	}
}
