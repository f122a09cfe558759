package tune

import (
	"image"
	"math"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
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

// heldOutReader is what ChooseCutting and Knobs read with: a reader of the built-in
// model, the built-in verifier, and the 5,000 training images the committee held out.
func heldOutReader() (*reader.Reader, *checkpoints.Model, *dataset.Set, error) {
	m, err := checkpoints.LoadDefault()
	if err != nil {
		return nil, nil, nil, err
	}
	set, err := train.ValidationSet(m.Manifest, "")
	if err != nil {
		return nil, nil, nil, err
	}
	v, err := reader.BuiltinVerifier()
	if err != nil {
		return nil, nil, nil, err
	}
	r, err := reader.New(m)
	if err != nil {
		return nil, nil, nil, err
	}
	return r, v, set, nil
}

// ChooseCutting reads 400 separated and 400 touching numbers of 2-6 digits (robust's
// kinds, seed 7) made of the 5,000 training images the built-in committee held out,
// with the built-in model and verifier and each choice of cutting around
// reader.DefaultCutting (from 0.8, 0.6 or 0.45 digit heights; the verifier's weight 0.05
// to 1), and returns the choice that reads the most whole, both kinds together; ties go
// to the first in that order, the one that cuts fewer groups (the wider From), then the
// lower weight: the rule fixed before measuring.
func ChooseCutting() ([]CuttingRow, reader.Cutting, error) {
	r, v, set, err := heldOutReader()
	if err != nil {
		return nil, reader.Cutting{}, err
	}
	defer r.Close()
	var rows []CuttingRow
	best, bestRight := reader.Cutting{}, -1
	for _, from := range []float64{0.8, 0.6, 0.45} {
		for _, weight := range []float64{0.05, 0.1, 0.25, 0.5, 1} {
			c := reader.DefaultCutting
			c.From, c.Weight = from, weight
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

// wholeNumbers is how many of HeldOutNumbers numbers of kind, made of set's digits
// (seed 7), r reads whole (robust.Numbers: its digits in order, whatever lines it finds).
func wholeNumbers(r *reader.Reader, set *dataset.Set, kind robust.NumberKind) (int, error) {
	s, err := robust.Numbers(r, set, kind, HeldOutNumbers, 7)
	return int(math.Round(s.Whole * HeldOutNumbers)), err
}

// KnobRow is how one value of one of reader.Cutting's knobs reads the held-out pictures:
// numbers read whole of 400 separated and 400 touching (as ChooseCutting's), and of 200
// simulated photos of numbers and 200 of two numbers one above the other (robust's
// scene suite, seed 5).
type KnobRow struct {
	Knob                string
	Value               float64
	Default             bool // the value reader.VerifierCutting has
	Separated, Touching int
	Scenes, Lines       int
}

// Total is the row's pictures read whole.
func (r KnobRow) Total() int { return r.Separated + r.Touching + r.Scenes + r.Lines }

// Knobs reads the held-out pictures with each knob of reader.VerifierCutting (the
// cutting before this choice) other than From and Weight set to values around its own,
// one at a time, the others at their values. The rule, fixed before measuring: a knob
// keeps its value unless another reads more pictures whole in all (the first such, in
// the order tried). Then the values so chosen are read together (the last row, knob
// "together"); they replace the old ones only if together they read more. It returns
// the rows and the cutting the rule gives.
func Knobs() ([]KnobRow, reader.Cutting, error) {
	r, v, set, err := heldOutReader()
	if err != nil {
		return nil, reader.Cutting{}, err
	}
	defer r.Close()
	scenes, scenesWant := robust.SceneNumbers(set, 200, 5)
	lines, linesWant := robust.SceneLines(set, 200, 5)
	d := reader.VerifierCutting
	knobs := []struct {
		name   string
		values []float64
		set    func(c *reader.Cutting, v float64)
	}{
		{"Narrowest", []float64{0.08, 0.12, 0.16, 0.2}, func(c *reader.Cutting, v float64) { c.Narrowest = v }},
		{"Widest", []float64{1, 1.15, 1.3, 1.5}, func(c *reader.Cutting, v float64) { c.Widest = v }},
		{"MaxCuts", []float64{20, 30, 40, 60}, func(c *reader.Cutting, v float64) { c.MaxCuts = int(v) }},
		{"Span", []float64{3, 5, 7, 9}, func(c *reader.Cutting, v float64) { c.Span = int(v) }},
		{"Merge", []float64{0.3, 0.5, 0.7, 0.9}, func(c *reader.Cutting, v float64) { c.Merge = v }},
		{"Smallest", []float64{0.2, 1.0 / 3, 0.45, 0.6}, func(c *reader.Cutting, v float64) { c.Smallest = v }},
	}
	var rows []KnobRow
	for _, k := range knobs {
		for _, val := range k.values {
			c := d
			k.set(&c, val)
			row, err := readAll(r, v, c, set, scenes, scenesWant, lines, linesWant)
			if err != nil {
				return nil, reader.Cutting{}, err
			}
			row.Knob, row.Value, row.Default = k.name, val, c == d
			rows = append(rows, row)
		}
	}
	// The rule: each knob's best value (the default unless another reads more).
	chosen := d
	for _, k := range knobs {
		var value float64
		total := -1
		for _, row := range rows {
			if row.Knob == k.name && row.Default {
				value, total = row.Value, row.Total()
			}
		}
		for _, row := range rows {
			if row.Knob == k.name && row.Total() > total {
				value, total = row.Value, row.Total()
			}
		}
		k.set(&chosen, value)
	}
	if chosen == d {
		return rows, d, nil
	}
	together, err := readAll(r, v, chosen, set, scenes, scenesWant, lines, linesWant)
	if err != nil {
		return nil, reader.Cutting{}, err
	}
	together.Knob = "together"
	rows = append(rows, together)
	var def KnobRow
	for _, row := range rows {
		if row.Default {
			def = row
		}
	}
	if together.Total() > def.Total() {
		return rows, chosen, nil
	}
	return rows, d, nil
}

// readAll reads the held-out pictures with cutting c.
func readAll(r *reader.Reader, v *checkpoints.Model, c reader.Cutting, set *dataset.Set, scenes []image.Image, scenesWant []string, lines []image.Image, linesWant []string) (KnobRow, error) {
	row := KnobRow{}
	if err := r.UseVerifier(v, c); err != nil {
		return row, err
	}
	var err error
	if row.Separated, err = wholeNumbers(r, set, robust.NumberKinds[0]); err != nil {
		return row, err
	}
	if row.Touching, err = wholeNumbers(r, set, robust.NumberKinds[1]); err != nil {
		return row, err
	}
	if row.Scenes, err = wholeTexts(r, scenes, scenesWant); err != nil {
		return row, err
	}
	row.Lines, err = wholeTexts(r, lines, linesWant)
	return row, err
}

// wholeTexts is how many of imgs r reads as want says, lines and all
// (robust.ReadScenes).
func wholeTexts(r *reader.Reader, imgs []image.Image, want []string) (int, error) {
	s, err := robust.ReadScenes(r, "", imgs, want)
	return int(math.Round(s.Right * float64(len(imgs)))), err
}
