package tune

import (
	"errors"
	"math/rand/v2"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/internal/ordered"
	"github.com/lenet/lenet/preprocess"
)

// SureRule is the rule reader.SureAt is chosen by, fixed before measuring: the lowest
// threshold (in steps of 0.05) at which the answers given as sure are right at least
// this often on the held-out images.
const SureRule = 0.997

// SureRow is how often a model is sure at one threshold, and right then.
type SureRow struct {
	Threshold float64
	Sure      float64 // the share of the images whose most probable digit reaches it
	Right     float64 // the share of those read right
}

// ChooseSureAt measures, on images the built-in model did not see (the 5,000 training
// images its committee held out, drawn as phone photos, the photo family at its middle
// strength, and read back through preprocess.Digit), how often m is sure and right at
// each threshold from 0.5 to 0.95, and returns the threshold SureRule gives (0 for none).
func ChooseSureAt(m *checkpoints.Model) ([]SureRow, float64, error) {
	builtin, err := checkpoints.LoadDefault()
	if err != nil {
		return nil, 0, err
	}
	v := builtin.Manifest.Hyper.Validation
	if v == nil || v.Count < 1000 {
		return nil, 0, errors.New("sure: the built-in model records fewer than 1,000 held-out images")
	}
	set, err := dataset.MNIST.Load("", "train")
	if err != nil {
		return nil, 0, err
	}
	_, held, _ := set.HoldOut(v.Count, v.Seed)
	probs, err := PhotoProbabilities(m, dataset.Floats(held))
	if err != nil {
		return nil, 0, err
	}
	guesses := graph.Argmax(probs, dataset.Digits)
	var rows []SureRow
	chosen := 0.0
	for k := range 10 {
		th := float64(50+5*k) / 100 // 0.50, 0.55, ..., 0.95, each as its literal reads
		sure, right := 0, 0
		for i, g := range guesses {
			if probs[i*dataset.Digits+g] >= th {
				sure++
				if g == int(held.Labels[i]) {
					right++
				}
			}
		}
		row := SureRow{Threshold: th, Sure: float64(sure) / float64(held.Count), Right: float64(right) / float64(max(1, sure))}
		rows = append(rows, row)
		if chosen == 0 && row.Right >= SureRule {
			chosen = th
		}
	}
	return rows, chosen, nil
}

// PhotoProbabilities draws each of the images x as a phone photo (light falling off by
// 0.2, noise 0.03, JPEG 80), reads it back through preprocess.Digit and returns m's
// probabilities for it.
func PhotoProbabilities(m *checkpoints.Model, x []float32) ([]float64, error) {
	photo := augment.Photo{Light: 0.2, Noise: 0.03, JPEG: 80}
	n := len(x) / dataset.Pixels
	in := make([]float32, 0, len(x))
	for px, err := range ordered.Map(n, func(i int) ([]float32, error) {
		img := photo.Draw(x[i*dataset.Pixels:(i+1)*dataset.Pixels], dataset.Side, rand.New(rand.NewPCG(uint64(i), 23)))
		return preprocess.Digit(img)
	}) {
		if err != nil {
			px = make([]float32, dataset.Pixels) // nothing found in the photo: a blank image
		}
		in = append(in, px...)
	}
	ev, err := m.Evaluator(graph.DefaultEvalBatch)
	if err != nil {
		return nil, err
	}
	defer ev.Close()
	return ev.Probabilities(in)
}
