package tune

import (
	"math"
	"testing"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/reader"
)

// TestChooseSureAt: reader.SureAt is what SureRule gives on the held-out images
// (ChooseSureAt, which `go run ./internal/tools/tune sureat` prints).
func TestChooseSureAt(t *testing.T) {
	m, err := checkpoints.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	rows, chosen, err := ChooseSureAt(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		t.Logf("threshold %.2f: sure of %.2f%%, right %.2f%% of those", r.Threshold, 100*r.Sure, 100*r.Right)
	}
	if chosen == 0 || math.Abs(chosen-reader.SureAt) > 1e-9 {
		t.Errorf("reader.SureAt is %.2f; the rule gives %.2f", reader.SureAt, chosen)
	}
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
	probs, err := PhotoProbabilities(p, dataset.Floats(set)[:n*dataset.Pixels])
	if err != nil {
		t.Fatal(err)
	}
	sure, right, rightSure := 0, 0, 0
	for i, g := range graph.Argmax(probs, dataset.Digits) {
		ok := g == int(set.Labels[i])
		if ok {
			right++
		}
		if probs[i*dataset.Digits+g] >= reader.SureAt {
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
