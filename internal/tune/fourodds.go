package tune

import (
	"image"

	"github.com/lenet/lenet/internal/knobs"
	"github.com/lenet/lenet/robust"
)

// FourOddsRow is how the reader reads the held-out scenes at one value of
// knobs.FourOdds: numbers and two-line numbers read whole, pictures without digits
// rejected, of FourOddsPhotos each (seeds 5 and 6 together).
type FourOddsRow struct {
	FourOdds               float64
	Numbers, Lines, Reject int
}

// FourOddsPhotos is how many pictures of each kind ChooseFourOdds reads: 200 of seed 5
// (the scenes ReadHeldOut reads) and 600 of seed 6.
const FourOddsPhotos = 800

// FourOddsTried are the values ChooseFourOdds tries: 1 is the model's own odds.
var FourOddsTried = []float64{1, 1.5, 2, 3, 4, 6}

// ChooseFourOdds reads robust's scene suite drawn from the built-in committee's 5,000
// held-out training images (numbers, two-line numbers and pictures without digits, 200
// of each by seed 5 and 600 by seed 6) with each of FourOddsTried, and returns the rows
// and the value the rule gives. The rule, the one that chose knobs.StrongLine: the most
// numbers and two-line numbers read whole together, among the values that reject at
// least as many pictures without digits as the model's own odds (1), less 1% (8 of
// 800); ties to the smaller value, the nearer to the model's own. It leaves
// knobs.FourOdds as it found it. About 12 minutes on 2 cores.
func ChooseFourOdds() ([]FourOddsRow, float64, error) {
	r, _, set, err := heldOutReader()
	if err != nil {
		return nil, 0, err
	}
	defer r.Close()
	var numbers, lines, none []image.Image
	var numbersWant, linesWant []string
	for _, s := range []struct {
		seed uint64
		n    int
	}{{HeldOutSeed, 200}, {6, 600}} {
		photos, want := robust.SceneNumbers(set, s.n, s.seed)
		numbers, numbersWant = append(numbers, photos...), append(numbersWant, want...)
		photos, want = robust.SceneLines(set, s.n, s.seed)
		lines, linesWant = append(lines, photos...), append(linesWant, want...)
		none = append(none, robust.SceneNonDigits(s.n, s.seed)...)
	}
	was := knobs.FourOdds
	defer func() { knobs.FourOdds = was }()
	var rows []FourOddsRow
	for _, v := range FourOddsTried {
		knobs.FourOdds = v
		row := FourOddsRow{FourOdds: v}
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
	best := rows[0] // FourOddsTried[0] is the model's own odds
	for _, row := range rows[1:] {
		if row.Reject >= rows[0].Reject-FourOddsPhotos/100 && row.Numbers+row.Lines > best.Numbers+best.Lines {
			best = row
		}
	}
	return rows, best.FourOdds, nil
}
