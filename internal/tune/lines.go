package tune

import (
	"image"
	"math"

	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/internal/knobs"
	"github.com/lenet/lenet/reader"
	"github.com/lenet/lenet/robust"
)

// HeldOutRow is how the reader reads held-out scenes at one value of a knob: numbers and
// two-line numbers read whole, pictures without digits rejected.
type HeldOutRow struct {
	Value                  float64
	Numbers, Lines, Reject int
}

// HeldOutLinePhotos is how many photos of each kind ChooseStrongLine reads.
const HeldOutLinePhotos = 200

// StrongLines are the values ChooseStrongLine tries.
var StrongLines = []float64{math.Inf(1), 3, 2.5, 2, 1.75, 1.5, 1.25}

// ChooseStrongLine reads robust's scene suite (seed 5, the pictures Knobs read: numbers
// and two-line numbers of the 5,000 training images the built-in committee held out, and
// pictures without digits, HeldOutLinePhotos of each) with each of StrongLines, and
// returns the rows and the value the rule gives. The rule, fixed before measuring: the
// most numbers and two-line numbers read whole together, among the values that reject
// at least as many pictures without digits as erasing all the lines' ink does (+Inf),
// less 1% (2 of 200); ties to the larger value, the nearer to erasing all. It leaves
// knobs.StrongLine as it found it.
func ChooseStrongLine() ([]HeldOutRow, float64, error) {
	return chooseKnob(&knobs.StrongLine, StrongLines, []sceneDraw{{HeldOutSeed, HeldOutLinePhotos}})
}

// sceneDraw is n numbers, n two-line numbers and n pictures without digits of robust's
// scene suite drawn by seed.
type sceneDraw struct {
	seed uint64
	n    int
}

// chooseKnob reads the scenes draws make (their digits the built-in committee's
// held-out images) at each of tried values of *knob, and returns the rows and the
// value the knobs' rule gives: the most numbers and two-line numbers read whole
// together, among the values that reject at least as many pictures without digits as
// tried[0], less 1%; ties to the value tried first. It leaves *knob as it found it.
func chooseKnob(knob *float64, tried []float64, draws []sceneDraw) ([]HeldOutRow, float64, error) {
	r, _, set, err := heldOutReader()
	if err != nil {
		return nil, 0, err
	}
	defer r.Close()
	sc := drawScenes(set, draws)
	was := *knob
	defer func() { *knob = was }()
	var rows []HeldOutRow
	for _, v := range tried {
		*knob = v
		row := HeldOutRow{Value: v}
		if row.Numbers, row.Lines, row.Reject, err = sc.read(r); err != nil {
			return nil, 0, err
		}
		rows = append(rows, row)
	}
	best := rows[0]
	for _, row := range rows[1:] {
		if row.Reject >= rows[0].Reject-len(sc.none)/100 && row.Numbers+row.Lines > best.Numbers+best.Lines {
			best = row
		}
	}
	return rows, best.Value, nil
}

// scenes are pictures of numbers, of two-line numbers and without digits, and what the
// first two say.
type scenes struct {
	numbers, lines, none   []image.Image
	numbersWant, linesWant []string
}

// drawScenes draws the scenes of each of draws from set's digits, one after the other.
func drawScenes(set *dataset.Set, draws []sceneDraw) scenes {
	var sc scenes
	for _, d := range draws {
		photos, want := robust.SceneNumbers(set, d.n, d.seed)
		sc.numbers, sc.numbersWant = append(sc.numbers, photos...), append(sc.numbersWant, want...)
		photos, want = robust.SceneLines(set, d.n, d.seed)
		sc.lines, sc.linesWant = append(sc.lines, photos...), append(sc.linesWant, want...)
		sc.none = append(sc.none, robust.SceneNonDigits(d.n, d.seed)...)
	}
	return sc
}

// read reads sc with r: how many numbers and two-line numbers are read whole, and how
// many pictures without digits rejected.
func (sc scenes) read(r *reader.Reader) (numbers, lines, reject int, err error) {
	if numbers, err = wholeTexts(r, sc.numbers, sc.numbersWant); err != nil {
		return 0, 0, 0, err
	}
	if lines, err = wholeTexts(r, sc.lines, sc.linesWant); err != nil {
		return 0, 0, 0, err
	}
	reject, err = wholeTexts(r, sc.none, make([]string, len(sc.none)))
	return numbers, lines, reject, err
}
