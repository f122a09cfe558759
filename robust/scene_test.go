package robust

import (
	"image"
	"math"
	"testing"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/preprocess"
	"github.com/lenet/lenet/reader"
)

// TestSceneSuite: the scene suite's photos are the same for a seed on any number of
// cores, hold what they say (a pen digit is drawn where the label says, the white twin
// is a clean photo), and differ from seed to seed.
func TestSceneSuite(t *testing.T) {
	set := testSet(t, 100)
	a, b, c := ScenePhotos(set, 8, 3), ScenePhotos(set, 8, 3), ScenePhotos(set, 8, 4)
	for i := range a {
		if !sameImage(a[i].Image, b[i].Image) || a[i].Label != b[i].Label || a[i].Pen != (i%2 == 1) {
			t.Fatalf("photo %d differs between two draws of one seed, or is not what it says", i)
		}
		if sameImage(a[i].Image, c[i].Image) {
			t.Errorf("photo %d is the same for seeds 3 and 4", i)
		}
	}
	nums, want := SceneNumbers(set, 4, 3)
	lines, wantLines := SceneLines(set, 4, 3)
	for i := range nums {
		if n := len(want[i]); n < 2 || n > 6 || nums[i] == nil {
			t.Errorf("number %d: %q", i, want[i])
		}
		if s := shape(wantLines[i]); len(s) < 3 || s[1] != ',' || lines[i] == nil {
			t.Errorf("two lines %d: %q (shape %s)", i, wantLines[i], s)
		}
	}
	if len(SceneNonDigits(6, 3)) != 6 {
		t.Error("SceneNonDigits made the wrong number of pictures")
	}
}

// TestScenes is the photos issue's targets on the scene suite, simulated photos in
// which everything goes wrong at once, drawn from 1,000 test digits and pen-drawn ones:
// the built-in model through predict's preprocessing reads at least 97% of them (the
// same digits on white paper: about 98%), its confidence calibrated (expected
// calibration error at most 3%); and, tighter, at least what it reads today, the figures
// README quotes (99.0%, ECE 0.57%: scenesFloor, scenesECE).
func TestScenes(t *testing.T) {
	set := testSet(t, 1000)
	s, err := ScoreScenes(builtin(t), ScenePhotos(set, 1000, 1), preprocess.Digit)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%.1f%% (MNIST's %.1f%%, pen %.1f%%; on white paper %.1f%%); misses: %.1f%% also on white paper, %.1f%% in the photo only, %.1f%% no digit found; ECE %.2f%%",
		100*s.Accuracy, 100*s.MNIST, 100*s.Pen, 100*s.White, 100*s.AlsoOnWhite, 100*s.PhotoOnly, 100*s.NotFound, 100*s.Calibration.ECE)
	if math.Round(1000*s.Accuracy) < 1000*scenesFloor || s.Calibration.ECE > scenesECE || math.Abs(s.Accuracy+s.AlsoOnWhite+s.PhotoOnly+s.NotFound-1) > 1e-9 {
		t.Errorf("%.2f%% read (want at least %.1f%%), ECE %.2f%% (want at most %.1f%%)", 100*s.Accuracy, 100*scenesFloor, 100*s.Calibration.ECE, 100*scenesECE)
	}
}

// What TestScenes asks: what the built-in model reads today, within the targets
// (97%, ECE 3%).
const (
	scenesFloor = 0.99
	scenesECE   = 0.006
)

// TestSceneReading reads 200 simulated photos of numbers, 200 of two numbers one above
// the other and 200 pictures with no digits (blank or shadowed paper, noise, textures,
// capital letters and shapes) with the built-in model, and logs the last kind by kind,
// with the reader's gate and without it. The floors pin what it reads
// today; the photos issue's targets (95%, 95%, 95%) are higher, and docs/reading.md says
// how far each is.
func TestSceneReading(t *testing.T) {
	set := testSet(t, 10000)
	r := builtinReader(t)
	photos, want := SceneNumbers(set, 200, 1)
	numbers, err := ReadScenes(r, "numbers", photos, want)
	if err != nil {
		t.Fatal(err)
	}
	photos, want = SceneLines(set, 200, 1)
	lines, err := ReadScenes(r, "two lines", photos, want)
	if err != nil {
		t.Fatal(err)
	}
	// The pictures without digits by kind (SceneNonDigits's i%6), and all together.
	kinds := []string{"blank or shadowed paper", "noise", "textures", "letters and shapes"}
	byKind := make([][]image.Image, len(kinds))
	for i, img := range SceneNonDigits(200, 1) {
		k := min(i%6, 3)
		byKind[k] = append(byKind[k], img)
	}
	// rejected reads them kind by kind, logs each, and returns the share rejected.
	rejected := func(how string) float64 {
		n, all := 0.0, 0
		for k, imgs := range byKind {
			read, err := ReadScenes(r, kinds[k], imgs, make([]string, len(imgs)))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s, %s rejected: %.0f of %d", how, kinds[k], read.Right*float64(read.Photos), read.Photos)
			n += read.Right * float64(read.Photos)
			all += read.Photos
		}
		return n / float64(all)
	}
	none := SceneRead{Kind: "no digits", Right: rejected("with the gate")}
	if err := r.UseGate(nil, 0); err != nil { // the same pictures without the gate, to compare
		t.Fatal(err)
	}
	if without := rejected("without the gate"); none.Right-without < gateGainFloor {
		t.Errorf("pictures without digits rejected: %.1f%% with the gate, %.1f%% without: the gate adds %.1f points, want at least %.1f",
			100*none.Right, 100*without, 100*(none.Right-without), 100*gateGainFloor)
	}
	t.Logf("numbers read whole %.1f%% (and every digit sure %.1f%%), two lines read whole %.1f%% (and sure %.1f%%; lines found %.1f%%), pictures without digits rejected %.1f%%",
		100*numbers.Right, 100*numbers.Sure, 100*lines.Right, 100*lines.Sure, 100*lines.Lines, 100*none.Right)
	// Each photo read whole with a "?" has at least one digit counted unsure, and none
	// is counted where every photo read whole was sure.
	for _, s := range []SceneRead{numbers, lines} {
		t.Logf("%s read whole: %d digits unsure to the model, %d sure to it but not to the gate", s.Kind, s.UnsureModel, s.UnsureGate)
		withQuery := int(math.Round((s.Right - s.Sure) * float64(s.Photos)))
		if unsure := s.UnsureModel + s.UnsureGate; unsure < withQuery || (withQuery == 0) != (unsure == 0) {
			t.Errorf("%s: %d photos read whole with a \"?\", %d digits counted unsure", s.Kind, withQuery, unsure)
		}
	}
	for _, c := range []struct {
		name       string
		got, floor float64
	}{
		{"numbers read whole", numbers.Right, numbersFloor},
		{"two lines found", lines.Lines, linesFloor},
		{"numbers read whole and sure", numbers.Sure, numbersSureFloor},
		{"two lines read whole", lines.Right, linesWholeFloor},
		{"two lines read whole and sure", lines.Sure, linesSureFloor},
		{"pictures without digits rejected", none.Right, rejectFloor},
	} {
		if c.got < c.floor {
			t.Errorf("%s: %.1f%%, want at least %.0f%%", c.name, 100*c.got, 100*c.floor)
		}
	}
}

// The floors of TestSceneReading: what the built-in model reads today (the pictures are
// the same for a seed, and so is the reading): the figures README and docs/reading.md
// quote.
const (
	numbersFloor    = 0.935 // 92.0% before the reader raised a 4's odds against a 9
	linesFloor      = 0.945
	linesWholeFloor = 0.85   // 82.5% before the 4's odds
	rejectFloor     = 0.9125 // 91.5% today (183 of 200; 91.0% before stacked bars were dropped, 90.5% before the picture was judged by its company)
	// What the gate adds: 91.5% rejected with it, 41.5% without (50.0 points; a picture
	// is 0.5), so README's "41.5% without the gate" fails here if the figure rises.
	gateGainFloor = 0.4975
	// Read whole with every digit sure: the reading's text as written, no "?" in it.
	numbersSureFloor = 0.875
	linesSureFloor   = 0.73
)

func builtinReader(t *testing.T) *reader.Reader {
	t.Helper()
	m, err := checkpoints.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	r, err := reader.New(m)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// sameImage reports whether a and b hold the same pixels.
func sameImage(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}

// TestRuledPaperHoldsNoDigits: 60 photos of blank ruled or squared paper (every other
// condition at random, but no hard-edged shadow; not the seeds of the figures) read as
// no digits, or none sure: what is left of the lines beside the ink dropLines erases is
// not writing.
func TestRuledPaperHoldsNoDigits(t *testing.T) {
	r := builtinReader(t)
	var photos []image.Image
	for i := range 60 {
		rng := augment.Rand(11, 7, i)
		s := RandomScene(rng)
		s.Lines, s.Hard = 1+i%2, 0
		photos = append(photos, s.Draw(make([]float32, dataset.Pixels), dataset.Side, dataset.Side, rng))
	}
	got, err := ReadScenes(r, "ruled paper", photos, make([]string, len(photos)))
	if err != nil {
		t.Fatal(err)
	}
	// 60 read as no digits since writing along the lines is kept (knobs.StrongLine), 59
	// before; 58 with the reader's cutting before internal/tune's Knobs; 45 before the
	// lines' remnants were dropped (preprocess's offLines).
	n := int(math.Round(60 * got.Right))
	t.Logf("%d of 60 blank ruled or squared papers read as no digits", n)
	if n < 60 {
		t.Errorf("%d of 60 blank ruled or squared papers read as no digits, want 60", n)
	}
}
