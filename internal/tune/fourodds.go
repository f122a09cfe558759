package tune

import "github.com/lenet/lenet/internal/knobs"

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
func ChooseFourOdds() ([]HeldOutRow, float64, error) {
	return chooseKnob(&knobs.FourOdds, FourOddsTried, []sceneDraw{{HeldOutSeed, 200}, {6, FourOddsPhotos - 200}})
}
