package tune

import (
	"context"
	"errors"
	"image"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/internal/ordered"
	"github.com/lenet/lenet/reader"
	"github.com/lenet/lenet/robust"
)

// GateRule is the rule reader.GateAt is chosen by, fixed before measuring: the highest
// threshold (in steps of 0.05) at which at least this share of the digits the reader is
// sure of without the gate stay sure, on photos of the held-out images.
const GateRule = 0.99

// GateRow is how many of the held-out digits read sure without the gate stay sure at
// one threshold.
type GateRow struct {
	Threshold float64
	Kept      float64 // the share of the digits sure without the gate that stay sure
	Touching  float64 // the same in numbers whose digits touch (reported, not in the rule)
}

// HeldOutGatePhotos is how many photos of each kind ChooseGateAt reads.
const HeldOutGatePhotos = 500

// ChooseGateAt reads photos of the 5,000 training images the built-in committee held
// out (robust's scene suite, seed 7: HeldOutGatePhotos single digits and as many
// numbers of 2-6 digits, half of them written by robust.PenDigit) with the built-in
// model, verifier and gate, and returns, for each threshold from 0.05 to 0.95, the share
// of the digits sure without the gate that reach it, and the threshold GateRule gives.
// It reports the same share for as many numbers whose digits touch (touchingScenes):
// the gate judges them less well, and they are not in the rule, which was fixed before
// they were measured. Pictures without digits do not choose it: they are what it is
// measured on.
func ChooseGateAt() ([]GateRow, float64, error) {
	r, _, set, err := heldOutReader()
	if err != nil {
		return nil, 0, err
	}
	defer r.Close()
	gate, err := reader.BuiltinGate()
	if err != nil {
		return nil, 0, err
	}
	if err := r.UseGate(gate, 0); err != nil { // every DigitLike reaches 0: sure as without a gate
		return nil, 0, err
	}
	var photos []image.Image
	for _, p := range robust.ScenePhotos(set, HeldOutGatePhotos, 7) {
		photos = append(photos, p.Image)
	}
	numbers, _ := robust.SceneNumbers(set, HeldOutGatePhotos, 7)
	likes, err := sureLikes(r, append(photos, numbers...))
	if err != nil {
		return nil, 0, err
	}
	touching, err := sureLikes(r, touchingScenes(set, HeldOutGatePhotos, 7))
	if err != nil {
		return nil, 0, err
	}
	var rows []GateRow
	chosen := 0.0
	for k := 1; k < 20; k++ {
		th := float64(5*k) / 100 // 0.05, 0.10, ..., 0.95, each as its literal reads
		row := GateRow{Threshold: th, Kept: reaching(likes, th), Touching: reaching(touching, th)}
		rows = append(rows, row)
		if row.Kept >= GateRule {
			chosen = th
		}
	}
	return rows, chosen, nil
}

// sureLikes reads photos with r and returns the DigitLike of each digit sure without
// the gate.
func sureLikes(r *reader.Reader, photos []image.Image) ([]float64, error) {
	var likes []float64
	read := ordered.Map(len(photos), func(i int) (reader.Reading, error) {
		return r.Read(context.Background(), photos[i])
	})
	for reading, err := range read {
		if errors.Is(err, reader.ErrNoDigits) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, d := range reading.Digits {
			if d.Sure {
				likes = append(likes, d.DigitLike)
			}
		}
	}
	if len(likes) == 0 {
		return nil, errors.New("gate: no digit read sure in the held-out photos")
	}
	return likes, nil
}

// reaching is the share of likes at least th.
func reaching(likes []float64, th float64) float64 {
	n := 0
	for _, l := range likes {
		if l >= th {
			n++
		}
	}
	return float64(n) / float64(len(likes))
}

// touchingScenes draws n photos of numbers of 2 to 6 of set's digits that touch
// (overlapping by 1 to 3 pixels at MNIST's scale) in robust's random scenes, as
// robust.SceneNumbers draws numbers apart.
func touchingScenes(set *dataset.Set, n int, seed uint64) []image.Image {
	x := dataset.Floats(set)
	photos := make([]image.Image, n)
	for i := range photos {
		rng := augment.Rand(seed, 9, i)
		s := robust.RandomScene(rng)
		s.Size = 0.15 + 0.25*rng.Float64() // a number's height: it is wider than tall
		var digits [][]float32
		var gaps []int
		for j := range 2 + rng.IntN(5) {
			k := rng.IntN(set.Count)
			digits = append(digits, x[k*dataset.Pixels:(k+1)*dataset.Pixels])
			if j > 0 {
				gaps = append(gaps, -1-rng.IntN(3))
			}
		}
		ink, w := augment.Number(digits, dataset.Side, gaps)
		photos[i] = s.Draw(ink, w, dataset.Side, rng)
	}
	return photos
}
