package graph

import (
	"testing"

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
