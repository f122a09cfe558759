package tune

import (
	"context"
	"errors"
	"image"

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
}

// HeldOutGatePhotos is how many photos of each kind ChooseGateAt reads.
const HeldOutGatePhotos = 500

// ChooseGateAt reads photos of the 5,000 training images the built-in committee held
// out (robust's scene suite, seed 7: HeldOutGatePhotos single digits and as many
// numbers of 2-6 digits, half of them written by robust.PenDigit) with the built-in
// model, verifier and gate, and returns, for each threshold from 0.05 to 0.95, the share
// of the digits sure without the gate that reach it, and the threshold GateRule gives.
// Pictures without digits do not choose it: they are what it is measured on.
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
	photos = append(photos, numbers...)
	var likes []float64 // DigitLike of each digit sure without the gate
	for _, img := range photos {
		reading, err := r.Read(context.Background(), img)
		if errors.Is(err, reader.ErrNoDigits) {
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		for _, d := range reading.Digits {
			if d.Sure {
				likes = append(likes, d.DigitLike)
			}
		}
	}
	if len(likes) == 0 {
		return nil, 0, errors.New("gate: no digit read sure in the held-out photos")
	}
	var rows []GateRow
	chosen := 0.0
	for k := 1; k < 20; k++ {
		th := float64(5*k) / 100 // 0.05, 0.10, ..., 0.95, each as its literal reads
		kept := 0
		for _, l := range likes {
			if l >= th {
				kept++
			}
		}
		row := GateRow{Threshold: th, Kept: float64(kept) / float64(len(likes))}
		rows = append(rows, row)
		if row.Kept >= GateRule {
			chosen = th
		}
	}
	return rows, chosen, nil
}
