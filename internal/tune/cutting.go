package tune

import (
	"context"
	"errors"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/internal/ordered"
	"github.com/lenet/lenet/reader"
	"github.com/lenet/lenet/robust"
	"github.com/lenet/lenet/train"
)

// CuttingRow is how many of the held-out numbers one choice of cutting reads whole.
type CuttingRow struct {
	Cutting             reader.Cutting
	Separated, Touching int // of HeldOutNumbers each
}

// HeldOutNumbers is how many numbers of each kind ChooseCutting reads.
const HeldOutNumbers = 400

// ChooseCutting reads 400 separated and 400 touching numbers of 2-6 digits (robust's
// kinds, seed 7) made of the 5,000 training images the built-in committee held out,
// with the built-in model and verifier and each choice of cutting around
// reader.DefaultCutting (from 0.8, 0.6 or 0.45 digit heights; the verifier's weight 0.05
// to 1), and returns the choice that reads the most whole, both kinds together; ties go
// to the first in that order, the one that cuts fewer groups (the wider From), then the
// lower weight: the rule fixed before measuring.
func ChooseCutting() ([]CuttingRow, reader.Cutting, error) {
	m, err := checkpoints.LoadDefault()
	if err != nil {
		return nil, reader.Cutting{}, err
	}
	set, err := train.ValidationSet(m.Manifest, "")
	if err != nil {
		return nil, reader.Cutting{}, err
	}
	v, err := reader.BuiltinVerifier()
	if err != nil {
		return nil, reader.Cutting{}, err
	}
	r, err := reader.New(m)
	if err != nil {
		return nil, reader.Cutting{}, err
	}
	defer r.Close()
	var rows []CuttingRow
	best, bestRight := reader.Cutting{}, -1
	for _, from := range []float64{0.8, 0.6, 0.45} {
		for _, weight := range []float64{0.05, 0.1, 0.25, 0.5, 1} {
			c := reader.Cutting{From: from, Weight: weight}
			if err := r.UseVerifier(v, c); err != nil {
				return nil, reader.Cutting{}, err
			}
			row := CuttingRow{Cutting: c}
			if row.Separated, err = wholeNumbers(r, set, robust.NumberKinds[0]); err != nil {
				return nil, reader.Cutting{}, err
			}
			if row.Touching, err = wholeNumbers(r, set, robust.NumberKinds[1]); err != nil {
				return nil, reader.Cutting{}, err
			}
			rows = append(rows, row)
			if row.Separated+row.Touching > bestRight {
				best, bestRight = c, row.Separated+row.Touching
			}
		}
	}
	return rows, best, nil
}

// wholeNumbers is how many of HeldOutNumbers numbers of kind, made of set's digits, r
// reads whole.
func wholeNumbers(r *reader.Reader, set *dataset.Set, kind robust.NumberKind) (int, error) {
	imgs, wants := robust.NumberPhotos(set, kind, HeldOutNumbers, 7)
	right, i := 0, 0
	for reading, err := range ordered.Map(len(imgs), func(i int) (reader.Reading, error) {
		return r.Read(context.Background(), imgs[i])
	}) {
		if err != nil && !errors.Is(err, reader.ErrNoDigits) {
			return 0, err
		}
		got := ""
		for _, d := range reading.Digits {
			got += string(rune('0' + d.Digit))
		}
		if got == wants[i] {
			right++
		}
		i++
	}
	return right, nil
}
