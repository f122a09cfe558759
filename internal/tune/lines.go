package tune

import (
	"math"

	"github.com/lenet/lenet/internal/knobs"
	"github.com/lenet/lenet/robust"
)

// StrongLineRow is how the reader reads the held-out pictures with one
// knobs.StrongLine: numbers and two-line numbers read whole, pictures without digits
// rejected (of HeldOutLinePhotos each).
type StrongLineRow struct {
	StrongLine             float64 // +Inf: every pixel on a line erased, as before the knob
	Numbers, Lines, Reject int
}

// HeldOutLinePhotos is how many photos of each kind ChooseStrongLine reads.
const HeldOutLinePhotos = 200

// StrongLines are the values ChooseStrongLine tries.
var StrongLines = []float64{math.Inf(1), 3, 2.5, 2, 1.75, 1.5, 1.25}

// ChooseStrongLine reads robust's scene suite (seed 5, the pictures Knobs read: numbers
// and two-line numbers of the 5,000 training images the built-in committee held out, and
// pictures without digits) with each of StrongLines, and returns the rows and the
// value the rule gives. The rule, fixed before measuring: the most numbers and two-line
// numbers read whole together, among the values that reject at least as many pictures
// without digits as erasing all the lines' ink does, less 1% (2 of 200); ties to the
// larger value, the nearer to erasing all. It leaves knobs.StrongLine as it found it.
func ChooseStrongLine() ([]StrongLineRow, float64, error) {
	r, _, set, err := heldOutReader()
	if err != nil {
		return nil, 0, err
	}
	defer r.Close()
	numbers, numbersWant := robust.SceneNumbers(set, HeldOutLinePhotos, 5)
	lines, linesWant := robust.SceneLines(set, HeldOutLinePhotos, 5)
	none := robust.SceneNonDigits(HeldOutLinePhotos, 5)
	was := knobs.StrongLine
	defer func() { knobs.StrongLine = was }()
	var rows []StrongLineRow
	for _, v := range StrongLines {
		knobs.StrongLine = v
		row := StrongLineRow{StrongLine: v}
		if row.Numbers, err = wholeTexts(r, numbers, numbersWant); err != nil {
			return nil, 0, err
		}
		if row.Lines, err = wholeTexts(r, lines, linesWant); err != nil {
			return nil, 0, err
		}
		if row.Reject, err = wholeTexts(r, none, make([]string, len(none))); err != nil {
			return nil, 0, err
		}
		rows = append(rows, row)
	}
	best := rows[0] // StrongLines[0] erases all
	for _, row := range rows[1:] {
		if row.Reject >= rows[0].Reject-HeldOutLinePhotos/100 && row.Numbers+row.Lines > best.Numbers+best.Lines {
			best = row
		}
	}
	return rows, best.StrongLine, nil
}
