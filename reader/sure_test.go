package reader

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/preprocess"
)

// sureRule is the rule SureAt is chosen by, fixed before measuring: the lowest
// threshold (in steps of 0.05) at which the answers given as sure are right at least
// this often on the held-out images.
const sureRule = 0.997

// TestChooseSureAt is the measurement that chooses SureAt, on images the built-in model
// did not see: the 5,000 training images its committee held out (its manifest lists
// them), drawn as photos (the phone-photo family at its middle strength) and read back
// through preprocess.Digit. It fails if SureAt is not what the rule gives.
func TestChooseSureAt(t *testing.T) {
	m, err := checkpoints.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	v := m.Manifest.Hyper.Validation
	if v == nil || v.Count < 1000 {
		t.Fatalf("the built-in model records %+v held-out images (expected at least 1,000)", v)
	}
	set, err := dataset.MNIST.Load("", "train")
	if err != nil {
		t.Fatal(err)
	}
	_, held, _ := set.HoldOut(v.Count, v.Seed)
	x, labels := dataset.Floats(held), held.Labels
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
