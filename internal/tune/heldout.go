package tune

import (
	"fmt"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/preprocess"
	"github.com/lenet/lenet/reader"
	"github.com/lenet/lenet/robust"
	"github.com/lenet/lenet/train"
)

// HeldOutSeed draws the scenes that choose: other photos than the tests' (seed 1).
const HeldOutSeed = 5

// HeldOut is how a model reads the scene suite drawn from the built-in committee's 5,000
// held-out training images (and pen digits, and pictures without digits), seed
// HeldOutSeed: what chooses between models and recipes for photos.
type HeldOut struct {
	Single   robust.SceneScore // 1,000 single digits, as lenet predict reads them
	Numbers  robust.SceneRead  // 200 numbers of 2-6 digits
	Lines    robust.SceneRead  // 200 pictures of two numbers one above the other
	Rejected robust.SceneRead  // 200 pictures without digits
}

// ReadHeldOut reads the held-out scenes with m (and the built-in verifier and gate). m
// must hold out the same images as the built-in model (lenet train --val 5000, seed 1),
// or the scenes would show it digits it learnt.
func ReadHeldOut(m *checkpoints.Model) (HeldOut, error) {
	var h HeldOut
	r, set, err := heldOutFor(m)
	if err != nil {
		return h, err
	}
	defer r.Close()
	numbers, nw := robust.SceneNumbers(set, 200, HeldOutSeed)
	if h.Numbers, err = robust.ReadScenes(r, "numbers", numbers, nw); err != nil {
		return h, err
	}
	lines, lw := robust.SceneLines(set, 200, HeldOutSeed)
	if h.Lines, err = robust.ReadScenes(r, "two lines", lines, lw); err != nil {
		return h, err
	}
	none := robust.SceneNonDigits(200, HeldOutSeed)
	if h.Rejected, err = robust.ReadScenes(r, "without digits", none, make([]string, len(none))); err != nil {
		return h, err
	}
	ev, err := m.Evaluator(250)
	if err != nil {
		return h, err
	}
	defer ev.Close()
	h.Single, err = robust.ScoreScenes(ev, robust.ScenePhotos(set, 1000, HeldOutSeed), preprocess.Digit)
	return h, err
}

// ReadHeldOutNumbers reads n numbers, n two-line pictures and n pictures without digits
// drawn by seed (the digits from the built-in committee's held-out images) with m: a
// larger draw than ReadHeldOut's, for settling a near-tie between models or settings
// on the same images (docs/close4.sh), and for seeing where the readings fail (each
// SceneRead's Lines, and why digits read right are not sure).
func ReadHeldOutNumbers(m *checkpoints.Model, seed uint64, n int) (numbers, lines, rejected robust.SceneRead, err error) {
	r, set, err := heldOutFor(m)
	if err != nil {
		return numbers, lines, rejected, err
	}
	defer r.Close()
	photos, want := robust.SceneNumbers(set, n, seed)
	if numbers, err = robust.ReadScenes(r, "numbers", photos, want); err != nil {
		return numbers, lines, rejected, err
	}
	photos, want = robust.SceneLines(set, n, seed)
	if lines, err = robust.ReadScenes(r, "two lines", photos, want); err != nil {
		return numbers, lines, rejected, err
	}
	photos = robust.SceneNonDigits(n, seed)
	rejected, err = robust.ReadScenes(r, "without digits", photos, make([]string, n))
	return numbers, lines, rejected, err
}

// heldOutFor is a reader with m (and the built-in verifier and gate) and the images the
// built-in committee held out, which m must have held out too.
func heldOutFor(m *checkpoints.Model) (*reader.Reader, *dataset.Set, error) {
	builtin, err := checkpoints.LoadDefault()
	if err != nil {
		return nil, nil, err
	}
	if err := sameHeldOut(m, builtin); err != nil {
		return nil, nil, err
	}
	set, err := train.ValidationSet(builtin.Manifest, "")
	if err != nil {
		return nil, nil, err
	}
	r, err := reader.New(m)
	return r, set, err
}

// sameHeldOut refuses a model that did not hold out the built-in model's images.
func sameHeldOut(m, builtin *checkpoints.Model) error {
	want := builtin.Manifest.Hyper.Validation
	if m.Manifest == nil || m.Manifest.Hyper.Validation == nil || m.Manifest.Hyper.Validation.Images != want.Images {
		return fmt.Errorf("the model did not hold out the built-in model's %d training images (lenet train --val %d --seed %d)", want.Count, want.Count, want.Seed)
	}
	return nil
}
