package reader

import (
	"flag"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/preprocess"
)

var holdout = flag.String("holdout", "", "a checkpoint trained on MNIST's first 50,000 training images, for TestChooseSureAt (docs/sure.sh)")

// sureRule is the rule SureAt is chosen by, fixed before measuring: the lowest
// threshold (in steps of 0.05) at which the answers given as sure are right at least
// this often on the held-out images.
const sureRule = 0.997

// TestChooseSureAt is the measurement that chose SureAt, run by docs/sure.sh (it needs
// a model that did not see the images it is chosen on, so it runs only with -holdout):
// MNIST's last 10,000 training images, drawn as photos (the phone-photo family at its
// middle strength) and read back through preprocess.Digit, scored by that model.
// It fails if SureAt is not what the rule gives.
func TestChooseSureAt(t *testing.T) {
	if *holdout == "" {
		t.Skip("a measurement, run by docs/sure.sh: needs -holdout CHECKPOINT")
	}
	m, err := checkpoints.Open(checkpoints.Source{Checkpoint: *holdout})
	if err != nil {
		t.Fatal(err)
	}
	if m.Manifest == nil || m.Manifest.Hyper.Limit != 50000 {
		t.Fatalf("%s was not trained on the first 50,000 training images only (lenet train --limit 50000)", *holdout)
	}
	set, err := dataset.MNIST.Load("", "train")
	if err != nil {
		t.Fatal(err)
	}
	x := dataset.Floats(set)[50000*784:]
	labels := set.Labels[50000:]
	probs := heldOutProbabilities(t, m, x)
	chosen := 0.0
	for th := 0.5; th < 1; th += 0.05 {
		sure, right := 0, 0
		for i := range labels {
			d := guess(probs[i*10 : (i+1)*10])
			if d.Probability >= th {
				sure++
				if d.Digit == int(labels[i]) {
					right++
				}
			}
		}
		acc := float64(right) / float64(max(1, sure))
		t.Logf("threshold %.2f: sure of %.2f%%, right %.2f%% of those", th, 100*float64(sure)/float64(len(labels)), 100*acc)
		if chosen == 0 && acc >= sureRule {
			chosen = th
		}
	}
	t.Logf("the rule gives %.2f", chosen)
	if chosen == 0 || math.Abs(chosen-SureAt) > 1e-9 {
		t.Errorf("SureAt is %.2f; the rule gives %.2f", SureAt, chosen)
	}
}

// heldOutProbabilities draws each image as a phone photo, reads it back and returns m's
// probabilities for it.
func heldOutProbabilities(t *testing.T, m *checkpoints.Model, x []float32) []float64 {
	t.Helper()
	photo := augment.Photo{Light: 0.2, Noise: 0.03, JPEG: 80}
	n := len(x) / 784
	in := make([]float32, len(x))
	for i := range n {
		img := photo.Draw(x[i*784:(i+1)*784], 28, rand.New(rand.NewPCG(uint64(i), 23)))
		if px, err := preprocess.Digit(img); err == nil {
			copy(in[i*784:], px)
		}
	}
	ev, err := m.Evaluator(graph.DefaultEvalBatch)
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Close()
	probs, err := ev.Probabilities(in)
	if err != nil {
		t.Fatal(err)
	}
	return probs
}

// TestSureOnTestSet reports how often the built-in model is sure of a digit, and how
// often it is right then, on 1,000 test digits drawn as phone photos: its sure answers
// must be right more often than all its answers, and at least 99.5% of the time.
func TestSureOnTestSet(t *testing.T) {
	set, err := dataset.MNIST.Load("", "test")
	if err != nil {
		t.Fatal(err)
	}
	p, err := checkpoints.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	const n = 1000
	probs := heldOutProbabilities(t, p, dataset.Floats(set)[:n*784])
	sure, right, rightSure := 0, 0, 0
	for i := range n {
		d := guess(probs[i*10 : (i+1)*10])
		ok := d.Digit == int(set.Labels[i])
		if ok {
			right++
		}
		if d.Sure {
			sure++
			if ok {
				rightSure++
			}
		}
	}
	all, whenSure := float64(right)/n, float64(rightSure)/float64(max(1, sure))
	t.Logf("sure of %.1f%% of the digits; right %.2f%% of the time then, %.2f%% in all", 100*float64(sure)/n, 100*whenSure, 100*all)
	if whenSure <= all || whenSure < 0.995 {
		t.Errorf("sure answers right %.2f%% of the time, all answers %.2f%%", 100*whenSure, 100*all)
	}
}
